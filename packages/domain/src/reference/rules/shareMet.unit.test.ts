import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decimalFraction, shareMet } from './shareMet.js';

const atLeast = (share: number) => ({ share, inclusive: true });

describe('shareMet', () => {
  it('decides exactly at the threshold (9/10 >= 90%), where floating point can drift', () => {
    expect(57 > 100 * 0.57).toBe(true); // 100 * 0.57 = 56.99999999999999: "more than 57%" would wrongly pass
    expect(shareMet(57, 100, { share: 0.57, inclusive: false })).toBe(false);
    expect(shareMet(57, 100, atLeast(0.57))).toBe(true);
    expect(shareMet(9, 10, atLeast(0.9))).toBe(true);
    expect(shareMet(27, 30, atLeast(0.9))).toBe(true);
    expect(shareMet(26, 30, atLeast(0.9))).toBe(false);
  });

  it('distinguishes ">= share" from "> share"', () => {
    expect(shareMet(1, 2, atLeast(0.5))).toBe(true);
    expect(shareMet(1, 2, { share: 0.5, inclusive: false })).toBe(false);
    expect(shareMet(2, 3, atLeast(2 / 3))).toBe(true);
    expect(shareMet(3, 5, atLeast(2 / 3))).toBe(false);
  });

  it('reads thresholds as the decimals they print as', () => {
    expect(decimalFraction(0.9)).toEqual({ numerator: 9n, denominator: 10n });
    expect(decimalFraction(1e-7)).toEqual({ numerator: 1n, denominator: 10_000_000n });
    expect(decimalFraction(1)).toEqual({ numerator: 1n, denominator: 1n });
  });

  it.each([
    [1, 0],
    [-1, 10],
    [11, 10],
    [1.5, 10],
  ])('rejects part %d of whole %d', (part, whole) => {
    expect(() => shareMet(part, whole, atLeast(0.9))).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
  });

  it('rejects a share outside [0, 1]', () => {
    expect(() => shareMet(1, 2, atLeast(90))).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
    expect(() => shareMet(1, 2, atLeast(Number.NaN))).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
  });

  it('agrees with exact rational comparison for percentage thresholds (property)', () => {
    const whole = fc.integer({ min: 1, max: 100_000 });
    fc.assert(
      fc.property(
        whole,
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        (w, p, permille, inclusive) => {
          const part = p % (w + 1);
          const share = permille / 1000; // the threshold means exactly permille/1000
          const lhs = part * 1000;
          const rhs = w * permille; // both below 2^53: exact integer comparison of part/w with permille/1000
          return shareMet(part, w, { share, inclusive }) === (inclusive ? lhs >= rhs : lhs > rhs);
        },
      ),
    );
  });
});
