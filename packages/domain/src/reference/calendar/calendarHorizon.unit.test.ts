import { describe, expect, it } from 'vitest';
import { calendarHorizon } from './calendarHorizon.js';
import {
  holidayCalendar,
  nationalCalendar,
  unconfirmedYearsBetween,
  withStatutoryFallback,
} from './holidayCalendar.js';
import { VIETNAM_HOLIDAYS } from './vietnamHolidays.js';
import { addWorkingDays, isWorkingDay } from './workingDays.js';

describe('calendarHorizon', () => {
  const vn = holidayCalendar(VIETNAM_HOLIDAYS);

  it('is ok while the data reaches further than the warning window', () => {
    expect(calendarHorizon(vn, '2026-12-03', 60)).toEqual({
      coveredUntil: '2027-12-31',
      daysLeft: 393,
      warnWithinDays: 60,
      ok: true,
      nextYear: 2028,
      unconfirmedYears: [2026, 2027],
    });
  });

  it('warns within N days of the last day entered, and after it', () => {
    expect(calendarHorizon(vn, '2027-10-31', 60)).toMatchObject({ ok: true, daysLeft: 61 });
    expect(calendarHorizon(vn, '2027-11-01', 60)).toMatchObject({ ok: false, daysLeft: 60 });
    expect(calendarHorizon(vn, '2028-01-01', 60)).toMatchObject({
      ok: false,
      daysLeft: -1,
      coveredUntil: '2027-12-31',
      nextYear: 2028,
    });
  });

  it('refuses a negative window', () => {
    expect(() => calendarHorizon(vn, '2026-01-01', -1)).toThrow(/non-negative/);
  });
});

describe('a year missing from the calendar', () => {
  it('is refused by a hand-built calendar, counted with the statute alone by the national one', () => {
    const vn = holidayCalendar(VIETNAM_HOLIDAYS);
    expect(() => addWorkingDays('2027-12-31', 1, vn)).toThrowError(
      expect.objectContaining({ code: 'CALENDAR_MISSING_YEAR' }) as Error,
    );
    // 1 January 2028: New Year on a Saturday, taken on Monday 3/1; the command still gets a due date.
    expect(addWorkingDays('2027-12-31', 1, nationalCalendar())).toBe('2028-01-04');
    expect(isWorkingDay('2028-01-03', withStatutoryFallback(vn))).toBe(false);
  });

  it('flags every year a deadline runs through that is unconfirmed or not entered', () => {
    const vn = nationalCalendar();
    expect(unconfirmedYearsBetween(vn, '2025-03-01', '2025-04-01')).toEqual([]);
    expect(unconfirmedYearsBetween(vn, '2025-12-20', '2026-01-20')).toEqual([2026]);
    expect(unconfirmedYearsBetween(vn, '2027-12-20', '2028-01-20')).toEqual([2027, 2028]);
  });
});
