import { describe, expect, it } from 'vitest';
import { VIETNAM_HOLIDAYS } from './vietnamHolidays.js';
import { weekdayOf } from './isoDate.js';

describe('VIETNAM_HOLIDAYS', () => {
  it('covers 2022-2027, one entry a year, each marked confirmed or not with a source', () => {
    expect(VIETNAM_HOLIDAYS.map((y) => y.year)).toEqual([2022, 2023, 2024, 2025, 2026, 2027]);
    for (const y of VIETNAM_HOLIDAYS) {
      expect(typeof y.confirmed).toBe('boolean');
      expect(y.source.length).toBeGreaterThan(0);
    }
  });

  it('lists days off on weekdays only and exchange days on weekends only, within their year', () => {
    for (const y of VIETNAM_HOLIDAYS) {
      for (const d of y.daysOff) {
        expect(d.startsWith(`${y.year}-`)).toBe(true);
        expect([0, 6]).not.toContain(weekdayOf(d));
      }
      for (const d of y.workingWeekendDays) expect([0, 6]).toContain(weekdayOf(d));
      expect(new Set(y.daysOff).size).toBe(y.daysOff.length);
    }
  });

  it('has the fixed-date holidays every year: New Year, 30/4 or its compensation, National Day', () => {
    for (const y of VIETNAM_HOLIDAYS) {
      expect(y.daysOff.some((d) => d.startsWith(`${y.year}-01-0`))).toBe(true);
      expect(y.daysOff.some((d) => d.startsWith(`${y.year}-09-0`))).toBe(true);
      expect(
        y.daysOff.filter((d) => d >= `${y.year}-04-29` && d <= `${y.year}-05-03`).length,
      ).toBeGreaterThanOrEqual(2);
    }
  });
});
