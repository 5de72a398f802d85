import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addWorkingDays, isWorkingDay, workingDaysBetween } from './workingDays.js';
import { holidayCalendar } from './holidayCalendar.js';
import { VIETNAM_HOLIDAYS, type HolidayYear } from './vietnamHolidays.js';
import { addCalendarDays } from './addCalendarDays.js';

const vn = holidayCalendar(VIETNAM_HOLIDAYS);

describe('isWorkingDay', () => {
  it('is false on weekends and days off, true on weekdays and on weekend days worked in exchange', () => {
    expect(isWorkingDay('2025-07-01', vn)).toBe(true); // Tuesday
    expect(isWorkingDay('2025-07-05', vn)).toBe(false); // Saturday
    expect(isWorkingDay('2025-09-02', vn)).toBe(false); // National Day
    expect(isWorkingDay('2026-02-17', vn)).toBe(false); // Tết Bính Ngọ
    expect(isWorkingDay('2025-04-26', vn)).toBe(true); // Saturday worked for the 2/5 bridge
  });

  it('refuses a year the calendar does not cover, with its own code', () => {
    expect(() => isWorkingDay('2028-03-01', vn)).toThrowError(
      expect.objectContaining({ code: 'CALENDAR_MISSING_YEAR', details: { year: 2028 } }) as Error,
    );
  });
});

describe('addWorkingDays', () => {
  it('skips weekends: 15 working days from Tuesday 01/07/2025 is Tuesday 22/07/2025', () => {
    expect(addWorkingDays('2025-07-01', 15, vn)).toBe('2025-07-22');
    expect(addWorkingDays('2025-07-04', 1, vn)).toBe('2025-07-07'); // Friday + 1 = Monday
    expect(addWorkingDays('2025-07-05', 0, vn)).toBe('2025-07-05');
  });

  it('skips Tết: 5 working days from Friday 13/02/2026 ends on Friday 27/02/2026', () => {
    expect(addWorkingDays('2026-02-13', 5, vn)).toBe('2026-02-27');
  });

  it('crosses a year end and counts the exchange Saturday', () => {
    expect(addWorkingDays('2024-12-31', 1, vn)).toBe('2025-01-02');
    expect(addWorkingDays('2025-04-25', 1, vn)).toBe('2025-04-26');
  });

  it('takes a province list on top of the national one', () => {
    const provinceDay: HolidayYear[] = [
      { year: 2025, daysOff: ['2025-07-02'], workingWeekendDays: [], confirmed: true, source: 'test' },
    ];
    expect(addWorkingDays('2025-07-01', 1, holidayCalendar(VIETNAM_HOLIDAYS, provinceDay))).toBe(
      '2025-07-03',
    );
    expect(() => holidayCalendar([{ ...provinceDay[0]!, daysOff: ['2026-01-05'] }])).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
  });

  it('rejects negative or fractional counts', () => {
    expect(() => addWorkingDays('2025-07-01', -1, vn)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
    expect(() => addWorkingDays('2025-07-01', 2.5, vn)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
  });

  it('never lands on a non-working day (property)', () => {
    const start = fc.integer({ min: 0, max: 365 * 5 }).map((n) => addCalendarDays('2022-01-01', n));
    fc.assert(
      fc.property(start, fc.integer({ min: 1, max: 60 }), (from, n) => {
        const due = addWorkingDays(from, n, vn);
        return due <= '2027-12-31' ? isWorkingDay(due, vn) && workingDaysBetween(from, due, vn) === n : true;
      }),
    );
  });
});

describe('workingDaysBetween', () => {
  it('counts working days in (from, to], so a returned dossier can resume its clock', () => {
    expect(workingDaysBetween('2025-07-01', '2025-07-08', vn)).toBe(5);
    expect(workingDaysBetween('2025-07-01', '2025-07-01', vn)).toBe(0);
    // received 01/07, returned 08/07 (5 used of 15), resubmitted 21/07: 10 remain
    const remaining = 15 - workingDaysBetween('2025-07-01', '2025-07-08', vn);
    expect(addWorkingDays('2025-07-21', remaining, vn)).toBe('2025-08-04');
  });

  it('rejects an interval that ends before it starts', () => {
    expect(() => workingDaysBetween('2025-07-08', '2025-07-01', vn)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
  });
});
