/**
 * Vietnamese working days for processing deadlines (ngày làm việc): Monday to Friday, minus the days off, plus the
 * weekend days worked in exchange for a bridge. A year with no holiday data is refused by a hand-built calendar, and
 * counted with the statute alone (unconfirmed, `withStatutoryFallback`) by the national one: a deadline computed
 * without Tết is a week early, so the fallback is flagged on the deadline and raised to the operator beforehand.
 */
import { calendarYear, type HolidayCalendar } from './holidayCalendar.js';
import { fromDayNumber, toDayNumber, weekdayOf } from './isoDate.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/**
 * True when state bodies work on `isoDate`; throws `CALENDAR_MISSING_YEAR` when the calendar lacks that year and
 * has no fallback.
 */
export function isWorkingDay(isoDate: string, holidays: HolidayCalendar): boolean {
  const days = calendarYear(holidays, Number(isoDate.slice(0, 4)));
  const weekday = weekdayOf(isoDate);
  if (days.workingWeekendDays.has(isoDate)) return true;
  if (weekday === 0 || weekday === 6) return false;
  return !days.daysOff.has(isoDate);
}

function assertCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ReferenceDataError(
      'INVALID_ARGUMENT',
      `working-day count must be a non-negative integer, got ${n}`,
    );
  }
}

/**
 * The date of the `n`-th working day after `isoDate` (the start day itself is not counted, as in "within 15
 * working days of receiving the dossier"). `n = 0` returns `isoDate`.
 */
export function addWorkingDays(isoDate: string, n: number, holidays: HolidayCalendar): string {
  assertCount(n);
  let day = toDayNumber(isoDate);
  for (let left = n; left > 0;) {
    day += 1;
    if (isWorkingDay(fromDayNumber(day), holidays)) left -= 1;
  }
  return fromDayNumber(day);
}

/**
 * Working days in the interval (from, to]: the part of a deadline used up between two dates. A returned dossier
 * pauses its clock: remaining = allowed − workingDaysBetween(received, returned), restarted from the resubmission.
 */
export function workingDaysBetween(from: string, to: string, holidays: HolidayCalendar): number {
  const start = toDayNumber(from);
  const end = toDayNumber(to);
  if (end < start) {
    throw new ReferenceDataError('INVALID_ARGUMENT', `interval ends (${to}) before it starts (${from})`);
  }
  let count = 0;
  for (let day = start + 1; day <= end; day += 1) {
    if (isWorkingDay(fromDayNumber(day), holidays)) count += 1;
  }
  return count;
}
