import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemInstant } from './systemInstant.js';

describe('systemInstant', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is new Date().toISOString() at any instant, within a second, across seconds and beyond toISOString's four-digit years", () => {
    vi.useFakeTimers();
    const at = (ms: number) => {
      vi.setSystemTime(ms);
      expect(systemInstant()).toBe(new Date(ms).toISOString());
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: Date.UTC(10000, 0, 1) + 5000 }),
          fc.integer({ min: -8.64e15, max: 8.64e15 }),
          fc.constantFrom(0, 999, 1000, -1, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1)),
        ),
        fc.array(fc.integer({ min: -1500, max: 1500 }), { maxLength: 8 }),
        (start, steps) => {
          // A run of instants close together, as appends are: the same second kept, then the next.
          let ms = start;
          at(ms);
          for (const step of steps) {
            ms = Math.min(8.64e15, Math.max(-8.64e15, ms + step));
            at(ms);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
