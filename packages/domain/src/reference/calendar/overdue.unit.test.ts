import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isOverdue, overdueFrom, overdueIfDueBefore, vietnamDate } from './overdue.js';

describe('overdue: from the day after the due day, in Vietnam', () => {
  it('is on time for the whole due day in Vietnam and overdue from the next one', () => {
    // 2025-03-10 in Vietnam runs from 2025-03-09T17:00Z to 2025-03-10T17:00Z.
    expect(isOverdue('2025-03-10', '2025-03-09T16:59:59.999Z')).toBe(false);
    expect(isOverdue('2025-03-10', '2025-03-10T00:00:00.000Z')).toBe(false);
    expect(isOverdue('2025-03-10', '2025-03-10T16:59:59.999Z')).toBe(false);
    expect(isOverdue('2025-03-10', '2025-03-10T17:00:00.000Z')).toBe(true);
    expect(isOverdue('2025-03-10', new Date('2025-03-11T09:00:00+07:00'))).toBe(true);
    expect(overdueFrom('2025-03-10')).toBe('2025-03-10T17:00:00.000Z');
  });

  it('gives each instant its own day at +07:00, whatever day was asked before (the last day is kept)', () => {
    const direct = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
    // Instants on both sides of the day's edges, near each other and far apart, in any order.
    const edge = Date.parse('2025-03-09T17:00:00.000Z');
    const instant = fc.oneof(
      fc.integer({ min: edge - 2, max: edge + 1 }),
      fc.integer({ min: Date.parse('1969-12-30'), max: Date.parse('2030-01-01') }),
    );
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 8 }), (instants) => {
        for (const ms of instants) {
          expect(vietnamDate(new Date(ms))).toBe(direct(ms));
          expect(vietnamDate(new Date(ms).toISOString())).toBe(direct(ms));
        }
      }),
      { seed: 11, numRuns: 300 },
    );
    expect(vietnamDate('2025-03-09T16:59:59.999Z')).toBe('2025-03-09');
    expect(vietnamDate('2025-03-09T17:00:00.000Z')).toBe('2025-03-10');
    expect(vietnamDate('2025-03-09T16:59:59.999Z')).toBe('2025-03-09');
    expect(() => vietnamDate('not an instant')).toThrow(RangeError);
  });

  it('the query bound says the same as the rule, for any due day and instant', () => {
    const day = fc
      .integer({ min: Date.parse('2020-01-01'), max: Date.parse('2030-01-01') })
      .map((ms) => new Date(ms).toISOString());
    fc.assert(
      fc.property(day, day, (due, now) => {
        const dueOn = due.slice(0, 10);
        expect(isOverdue(dueOn, now)).toBe(dueOn < overdueIfDueBefore(now));
        expect(isOverdue(dueOn, now)).toBe(vietnamDate(now) > dueOn);
        // The timer's instant is the first one the rule calls overdue.
        expect(isOverdue(dueOn, now)).toBe(now >= overdueFrom(dueOn));
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});
