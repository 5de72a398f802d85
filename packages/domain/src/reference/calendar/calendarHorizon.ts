/**
 * How far ahead the working-day calendar holds real data. Each year's days off come from a notice published in the
 * autumn before; a year not entered in time is counted with the statute alone (`statutoryFallbackYear`), Tết
 * missing. So the operator is warned `warnWithinDays` before the data runs out, not told on 1 January.
 */
import type { HolidayCalendar } from './holidayCalendar.js';
import { toDayNumber } from './isoDate.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

export interface CalendarHorizon {
  /** the last day of the last year entered without a gap from `today`'s year (the day before it when that is missing) */
  coveredUntil: string;
  /** days from `today` to `coveredUntil` (negative once past it) */
  daysLeft: number;
  warnWithinDays: number;
  /** false when the data ends within `warnWithinDays` of `today` */
  ok: boolean;
  /** the next year to enter */
  nextYear: number;
  /** entered years from `today`'s on whose days are not all confirmed */
  unconfirmedYears: number[];
}

/** The calendar's horizon seen from `today` (a Vietnamese ISO date). */
export function calendarHorizon(
  calendar: HolidayCalendar,
  today: string,
  warnWithinDays: number,
): CalendarHorizon {
  if (!Number.isSafeInteger(warnWithinDays) || warnWithinDays < 0) {
    throw new ReferenceDataError('INVALID_ARGUMENT', `warnWithinDays must be a non-negative integer`);
  }
  const thisYear = Number(today.slice(0, 4));
  let next = thisYear;
  while (calendar.years.has(next)) next += 1;
  const coveredUntil = `${next - 1}-12-31`;
  const daysLeft = toDayNumber(coveredUntil) - toDayNumber(today);
  return {
    coveredUntil,
    daysLeft,
    warnWithinDays,
    ok: daysLeft > warnWithinDays,
    nextYear: next,
    unconfirmedYears: [...calendar.unconfirmedYears].filter((y) => y >= thisYear).sort((a, b) => a - b),
  };
}
