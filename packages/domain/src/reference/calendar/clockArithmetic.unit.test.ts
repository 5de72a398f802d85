import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { extendedDueOn, remainingWorkingDays, resumedDueOn } from './clockArithmetic.js';
import { nationalCalendar } from './holidayCalendar.js';
import { addWorkingDays, isWorkingDay } from './workingDays.js';
import { addCalendarDays } from './addCalendarDays.js';

const vn = nationalCalendar();
/** A start day in the data (2022-2027), a length in working days, and an offset in calendar days. */
const start = fc.integer({ min: 0, max: 5 * 365 }).map((n) => addCalendarDays('2022-01-03', n));
const days = fc.integer({ min: 1, max: 60 });
const offset = fc.integer({ min: 0, max: 120 });

describe('clock arithmetic (properties)', () => {
  it('the remaining count is never negative, and never more than the deadline had', () => {
    fc.assert(
      fc.property(start, days, offset, (from, n, k) => {
        const dueOn = addWorkingDays(from, n, vn);
        const left = remainingWorkingDays(dueOn, addCalendarDays(from, k), vn);
        return left >= 0 && left <= n;
      }),
    );
  });

  it('a stop and restart on the same day, before the due day, leaves the due date where it was', () => {
    fc.assert(
      fc.property(start, days, offset, (from, n, k) => {
        const dueOn = addWorkingDays(from, n, vn);
        const on = addCalendarDays(from, k);
        fc.pre(on < dueOn);
        return resumedDueOn(on, remainingWorkingDays(dueOn, on, vn), vn) === dueOn;
      }),
    );
  });

  it('a stop never shortens the clock: the resumed due date is never before the original one', () => {
    fc.assert(
      fc.property(start, days, offset, offset, (from, n, k, gap) => {
        const dueOn = addWorkingDays(from, n, vn);
        const on = addCalendarDays(from, k);
        fc.pre(on < dueOn);
        const resumed = resumedDueOn(addCalendarDays(on, gap), remainingWorkingDays(dueOn, on, vn), vn);
        return resumed >= dueOn;
      }),
    );
  });

  it('an extension is monotone: it moves the due date later, more days further, onto a working day', () => {
    fc.assert(
      fc.property(start, days, days, days, (from, n, a, b) => {
        const dueOn = addWorkingDays(from, n, vn);
        const [small, large] = a <= b ? [a, b] : [b, a];
        const x = extendedDueOn(dueOn, small, vn);
        const y = extendedDueOn(dueOn, large, vn);
        return dueOn < x && x <= y && isWorkingDay(x, vn);
      }),
    );
  });

  it('two extensions make one of their sum', () => {
    fc.assert(
      fc.property(start, days, days, days, (from, n, a, b) => {
        const dueOn = addWorkingDays(from, n, vn);
        return extendedDueOn(extendedDueOn(dueOn, a, vn), b, vn) === extendedDueOn(dueOn, a + b, vn);
      }),
    );
  });

  it('a clock stopped on or after its due day has nothing left', () => {
    expect(remainingWorkingDays('2025-10-27', '2025-10-27', vn)).toBe(0);
    expect(remainingWorkingDays('2025-10-27', '2025-11-03', vn)).toBe(0);
  });
});
