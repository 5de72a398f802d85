import type { HolidayYear } from './vietnamHolidays.js';
import { assertIsoDate } from './isoDate.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/** Days off indexed for lookup. Build one from `VIETNAM_HOLIDAYS` or from a province's own list. */
export interface HolidayCalendar {
  readonly years: ReadonlySet<number>;
  readonly daysOff: ReadonlySet<string>;
  readonly workingWeekendDays: ReadonlySet<string>;
  /** false when any year in the calendar is not confirmed against an official notice */
  readonly confirmed: boolean;
}

/**
 * Indexes one or more lists of holiday years. Lists for the same year are merged (union), so a province can pass
 * the national table plus its own extra days: `holidayCalendar(VIETNAM_HOLIDAYS, provinceDays)`.
 */
export function holidayCalendar(...lists: readonly (readonly HolidayYear[])[]): HolidayCalendar {
  const years = new Set<number>();
  const daysOff = new Set<string>();
  const workingWeekendDays = new Set<string>();
  let confirmed = true;
  for (const y of lists.flat()) {
    for (const d of [...y.daysOff, ...y.workingWeekendDays]) {
      if (!assertIsoDate(d).startsWith(`${y.year}-`)) {
        throw new ReferenceDataError('INVALID_ARGUMENT', `holiday ${d} is listed under year ${y.year}`);
      }
    }
    years.add(y.year);
    y.daysOff.forEach((d) => daysOff.add(d));
    y.workingWeekendDays.forEach((d) => workingWeekendDays.add(d));
    confirmed &&= y.confirmed;
  }
  return { years, daysOff, workingWeekendDays, confirmed };
}
