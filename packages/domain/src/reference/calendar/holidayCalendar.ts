import { statutoryFallbackYear, VIETNAM_HOLIDAYS, type HolidayYear } from './vietnamHolidays.js';
import { assertIsoDate } from './isoDate.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/** Days off indexed for lookup. Build one from `VIETNAM_HOLIDAYS` or from a province's own list. */
export interface HolidayCalendar {
  readonly years: ReadonlySet<number>;
  readonly daysOff: ReadonlySet<string>;
  readonly workingWeekendDays: ReadonlySet<string>;
  /** false when any year in the calendar is not confirmed against an official notice */
  readonly confirmed: boolean;
  /** the years with an unconfirmed entry */
  readonly unconfirmedYears: ReadonlySet<number>;
  /**
   * What a year the calendar lacks is counted with: `'refuse'` (the default for a hand-built calendar) throws
   * `CALENDAR_MISSING_YEAR`; `'statutory'` counts it with `statutoryFallbackYear` (unconfirmed), so a command on
   * 1 January of an unentered year still works while the operator alarm (`calendarHorizon`) asks for the data.
   */
  readonly missingYear: 'refuse' | 'statutory';
}

/**
 * Indexes one or more lists of holiday years. Lists for the same year are merged (union), so a province can pass
 * the national table plus its own extra days: `holidayCalendar(VIETNAM_HOLIDAYS, provinceDays)`.
 */
export function holidayCalendar(...lists: readonly (readonly HolidayYear[])[]): HolidayCalendar {
  const years = new Set<number>();
  const daysOff = new Set<string>();
  const workingWeekendDays = new Set<string>();
  const unconfirmedYears = new Set<number>();
  for (const y of lists.flat()) {
    for (const d of [...y.daysOff, ...y.workingWeekendDays]) {
      if (!assertIsoDate(d).startsWith(`${y.year}-`)) {
        throw new ReferenceDataError('INVALID_ARGUMENT', `holiday ${d} is listed under year ${y.year}`);
      }
    }
    years.add(y.year);
    y.daysOff.forEach((d) => daysOff.add(d));
    y.workingWeekendDays.forEach((d) => workingWeekendDays.add(d));
    if (!y.confirmed) unconfirmedYears.add(y.year);
  }
  return {
    years,
    daysOff,
    workingWeekendDays,
    confirmed: unconfirmedYears.size === 0,
    unconfirmedYears,
    missingYear: 'refuse',
  };
}

/** The same calendar, counting a year it lacks with the statute alone (unconfirmed) instead of refusing. */
export function withStatutoryFallback(calendar: HolidayCalendar): HolidayCalendar {
  return { ...calendar, missingYear: 'statutory' };
}

interface YearDays {
  readonly daysOff: ReadonlySet<string>;
  readonly workingWeekendDays: ReadonlySet<string>;
}
const fallbacks = new Map<number, YearDays>();

/**
 * The days of `year` as the calendar counts them: the calendar itself when it has the year, else the statutory
 * fallback when allowed; throws `CALENDAR_MISSING_YEAR` otherwise.
 */
export function calendarYear(calendar: HolidayCalendar, year: number): YearDays {
  if (calendar.years.has(year)) return calendar;
  if (calendar.missingYear === 'refuse') {
    throw new ReferenceDataError('CALENDAR_MISSING_YEAR', `no holiday data for year ${year}`, { year });
  }
  let days = fallbacks.get(year);
  if (!days) {
    const y = statutoryFallbackYear(year);
    days = { daysOff: new Set(y.daysOff), workingWeekendDays: new Set(y.workingWeekendDays) };
    fallbacks.set(year, days);
  }
  return days;
}

/** The years from `from` to `to` (ISO dates) whose days are not confirmed: unconfirmed data or the fallback. */
export function unconfirmedYearsBetween(calendar: HolidayCalendar, from: string, to: string): number[] {
  const out: number[] = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y += 1) {
    if (!calendar.years.has(y) || calendar.unconfirmedYears.has(y)) out.push(y);
  }
  return out;
}

let national: HolidayCalendar | undefined;

/**
 * The national calendar as commands count with it: `VIETNAM_HOLIDAYS`, and the statutory fallback for a year not
 * entered yet (flagged on each deadline it touches, `unconfirmedYearsBetween`; alarmed beforehand, `calendarHorizon`).
 */
export function nationalCalendar(): HolidayCalendar {
  return (national ??= withStatutoryFallback(holidayCalendar(VIETNAM_HOLIDAYS)));
}
