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

/** Weekdays off inside a window of the year (inclusive ISO dates, MM-DD). */
const offBetween = (y: (typeof VIETNAM_HOLIDAYS)[number], from: string, to: string) =>
  y.daysOff.filter((d) => d >= `${y.year}-${from}` && d <= `${y.year}-${to}`);

describe('VIETNAM_HOLIDAYS against Labour Code 2019 Art. 111-112', () => {
  it.each(VIETNAM_HOLIDAYS.map((y) => [y.year, y] as const))(
    '%i: 5 Tết weekdays and 2 National Day weekdays (statutory days on a weekend compensated), with its source',
    (_year, y) => {
      expect(y.source).toMatch(/Labour Code 2019|Art\. 112/);
      // Tết falls between 21/1 and 20/2; its 5 days plus compensation stay inside 20/1-28/2.
      expect(offBetween(y, '01-15', '02-28')).toHaveLength(5);
      // 2/9 and the day before or after, compensated to the next working day when on a weekend.
      expect(offBetween(y, '08-28', '09-06')).toHaveLength(2);
    },
  );

  it('2026: New Year bridged on Fri 2/1 and worked back on Sat 10/1 (VPCP 12729/VPCP-KGVX)', () => {
    const y2026 = VIETNAM_HOLIDAYS.find((y) => y.year === 2026)!;
    expect(y2026.daysOff).toEqual(expect.arrayContaining(['2026-01-01', '2026-01-02']));
    expect(y2026.workingWeekendDays).toContain('2026-01-10');
    expect(y2026.source).toMatch(/12729\/VPCP-KGVX/);
    expect(y2026.note ?? '').not.toMatch(/proposed/);
  });

  it('has no Vietnam Culture Day (24/11) until the Labour Code is amended', () => {
    for (const y of VIETNAM_HOLIDAYS) expect(y.daysOff).not.toContain(`${y.year}-11-24`);
  });
});
