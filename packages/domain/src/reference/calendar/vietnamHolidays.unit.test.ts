import { describe, expect, it } from 'vitest';
import {
  holidayYear,
  STATUTORY_HOLIDAYS,
  statutoryFallbackYear,
  VIETNAM_HOLIDAYS,
  type HolidayYear,
} from './vietnamHolidays.js';
import { weekdayOf } from './isoDate.js';

const isWeekend = (d: string) => [0, 6].includes(weekdayOf(d));
const entriesOf = (y: HolidayYear) => y.entries ?? [];
/** The weekdays off a holiday gives: its own days on weekdays plus the compensatory days for those on a weekend. */
const weekdaysOff = (y: HolidayYear, kind: string) => {
  const own = entriesOf(y).filter((x) => x.kind === kind);
  const weekendDays = new Set(own.filter((x) => isWeekend(x.date)).map((x) => x.date));
  return [
    ...own.filter((x) => !isWeekend(x.date)).map((x) => x.date),
    ...entriesOf(y)
      .filter((x) => x.kind === 'compensatory' && weekendDays.has(x.for!))
      .map((x) => x.date),
  ].sort();
};

describe('VIETNAM_HOLIDAYS (data/vn-holidays.json)', () => {
  it('covers 2022-2027, one entry a year, every dated day with a source', () => {
    expect(VIETNAM_HOLIDAYS.map((y) => y.year)).toEqual([2022, 2023, 2024, 2025, 2026, 2027]);
    for (const y of VIETNAM_HOLIDAYS) {
      expect(entriesOf(y).length).toBeGreaterThan(8);
      for (const x of entriesOf(y)) {
        expect(x.source.length, x.date).toBeGreaterThan(0);
        expect(typeof x.confirmed).toBe('boolean');
      }
      expect(y.confirmed).toBe(entriesOf(y).every((x) => x.confirmed));
    }
  });

  it('lists days off on weekdays only and exchange days on weekends only, within their year', () => {
    for (const y of VIETNAM_HOLIDAYS) {
      for (const d of y.daysOff) {
        expect(d.startsWith(`${y.year}-`)).toBe(true);
        expect(isWeekend(d)).toBe(false);
      }
      for (const d of y.workingWeekendDays) expect(isWeekend(d)).toBe(true);
      expect(new Set(y.daysOff).size).toBe(y.daysOff.length);
    }
  });

  it('refuses data that breaks its own rules', () => {
    const ok = { date: '2025-01-01', kind: 'new_year' as const, source: 'x', confirmed: true };
    const info = { statute: 'test' };
    expect(() => holidayYear(2024, [ok], info)).toThrow(/listed under year 2024/);
    expect(() => holidayYear(2025, [{ ...ok, source: ' ' }], info)).toThrow(/no source/);
    expect(() =>
      holidayYear(2025, [{ ...ok, date: '2025-01-02', kind: 'worked_weekend', for: '2025-01-01' }], info),
    ).toThrow(/not a weekend/);
    expect(() => holidayYear(2025, [{ ...ok, date: '2025-01-04', kind: 'bridge' }], info)).toThrow(/weekend/);
    expect(() => holidayYear(2025, [{ ...ok, date: '2025-01-02', kind: 'compensatory' }], info)).toThrow(
      /which day/,
    );
    expect(() => holidayYear(2025, [ok, { ...ok, kind: 'tet' }], info)).toThrow(/twice/);
  });
});

describe('each year against Labour Code 2019 Art. 111-112', () => {
  it.each(VIETNAM_HOLIDAYS.map((y) => [y.year, y] as const))(
    '%i: every statutory holiday with its number of days, 5 Tết weekdays, 2 National Day weekdays',
    (_year, y) => {
      expect(y.source).toMatch(/Labour Code 2019.*Art\. 111\(3\), 112/);
      for (const [kind, days] of Object.entries(STATUTORY_HOLIDAYS)) {
        expect(
          entriesOf(y).filter((x) => x.kind === kind),
          `${y.year} ${kind}`,
        ).toHaveLength(days);
      }
      // The fixed solar days are where the statute puts them.
      for (const [kind, mmdd] of [
        ['new_year', '01-01'],
        ['victory_day', '04-30'],
        ['labour_day', '05-01'],
      ] as const) {
        expect(entriesOf(y).find((x) => x.kind === kind)?.date).toBe(`${y.year}-${mmdd}`);
      }
      // 2/9 and one day before or after it.
      const national = entriesOf(y)
        .filter((x) => x.kind === 'national_day')
        .map((x) => x.date)
        .sort();
      expect(national).toContain(`${y.year}-09-02`);
      expect([`${y.year}-09-01`, `${y.year}-09-03`]).toContain(national.find((d) => !d.endsWith('-02')));
      // Tết and National Day are days off on 5 and 2 weekdays, whatever falls on a weekend being compensated.
      expect(weekdaysOff(y, 'tet')).toHaveLength(5);
      expect(weekdaysOff(y, 'national_day')).toHaveLength(2);
      for (const kind of Object.keys(STATUTORY_HOLIDAYS)) {
        expect(weekdaysOff(y, kind), `${y.year} ${kind}`).toHaveLength(
          STATUTORY_HOLIDAYS[kind as keyof typeof STATUTORY_HOLIDAYS],
        );
      }
    },
  );

  it.each(VIETNAM_HOLIDAYS.map((y) => [y.year, y] as const))(
    '%i: a compensatory day follows its weekend holiday; each bridge is worked back on a weekend day',
    (_year, y) => {
      for (const c of entriesOf(y).filter((x) => x.kind === 'compensatory')) {
        expect(isWeekend(c.for!)).toBe(true);
        expect(c.date > c.for!).toBe(true);
      }
      const bridges = entriesOf(y).filter((x) => x.kind === 'bridge');
      const worked = entriesOf(y).filter((x) => x.kind === 'worked_weekend');
      expect(worked.map((w) => w.for).sort()).toEqual(bridges.map((b) => b.date).sort());
    },
  );

  it('2026: New Year bridged on Fri 2/1 and worked back on Sat 10/1 (VPCP 12729/VPCP-KGVX)', () => {
    const y2026 = VIETNAM_HOLIDAYS.find((y) => y.year === 2026)!;
    expect(y2026.daysOff).toEqual(expect.arrayContaining(['2026-01-01', '2026-01-02']));
    expect(y2026.workingWeekendDays).toEqual(['2026-01-10']);
    expect(entriesOf(y2026).find((x) => x.date === '2026-01-02')?.source).toMatch(/12729\/VPCP-KGVX/);
    expect(y2026.notices?.map((n) => n.ref)).toEqual(['12729/VPCP-KGVX', '9441/TB-BNV']);
    expect(y2026.note ?? '').not.toMatch(/proposed/);
  });

  it('2026 and 2027: the second National Day day is there, unconfirmed where its position was not read', () => {
    for (const year of [2026, 2027]) {
      const y = VIETNAM_HOLIDAYS.find((x) => x.year === year)!;
      const second = entriesOf(y).find((x) => x.kind === 'national_day' && !x.date.endsWith('-09-02'))!;
      expect(second.confirmed).toBe(false);
      expect(y.confirmed).toBe(false);
    }
  });

  it('2027: five Tết weekdays around mùng 1 (Sat 6/2), an estimate', () => {
    const y2027 = VIETNAM_HOLIDAYS.find((y) => y.year === 2027)!;
    expect(weekdaysOff(y2027, 'tet')).toEqual([
      '2027-02-05',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-02-11',
    ]);
    expect(entriesOf(y2027).filter((x) => x.kind === 'tet' && x.confirmed)).toEqual([]);
  });

  it('has no Vietnam Culture Day (24/11) until the Labour Code is amended', () => {
    for (const y of VIETNAM_HOLIDAYS) expect(y.daysOff).not.toContain(`${y.year}-11-24`);
  });
});

describe('statutoryFallbackYear', () => {
  it('2028: the fixed solar holidays, each on a weekend moved to the next free weekday, all unconfirmed', () => {
    const y = statutoryFallbackYear(2028);
    // 1/1 Sat -> Mon 3/1; 30/4 Sun -> Tue 2/5 (Mon 1/5 is itself a holiday); 2/9 Sat -> Mon 4/9.
    expect(y.daysOff).toEqual(['2028-01-03', '2028-05-01', '2028-05-02', '2028-09-04']);
    expect(y.workingWeekendDays).toEqual([]);
    expect(y.confirmed).toBe(false);
    expect(y.fallback).toBe(true);
    expect(y.note).toMatch(/Tết/);
  });

  it('is never later than a year of real data: it only lacks days off, never adds one the statute does not fix', () => {
    for (const real of VIETNAM_HOLIDAYS) {
      const fallback = statutoryFallbackYear(real.year);
      expect(real.daysOff).toEqual(expect.arrayContaining(fallback.daysOff));
    }
  });
});
