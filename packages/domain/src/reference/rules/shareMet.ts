/**
 * Vote and poll thresholds compared exactly. `part / whole >= 0.9` in floating point can fail for 9/10 or 27/30,
 * so the share is read as the decimal it was written as (0.9 = 9/10) and compared by cross-multiplying BigInts.
 */
import type { ShareThreshold } from '../types.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/** The decimal a JS number prints as, as an exact fraction (0.9 → 9/10, 1e-7 → 1/10^7). */
export function decimalFraction(x: number): { numerator: bigint; denominator: bigint } {
  const [mantissa = '', exponentText = '0'] = String(x).split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  const exponent = Number(exponentText) - fraction.length;
  const digits = BigInt(whole + fraction);
  return exponent >= 0
    ? { numerator: digits * 10n ** BigInt(exponent), denominator: 1n }
    : { numerator: digits, denominator: 10n ** BigInt(-exponent) };
}

/** Whether `part` of `whole` reaches the threshold (">= share" when inclusive, "> share" otherwise). */
export function shareMet(part: number, whole: number, threshold: ShareThreshold): boolean {
  if (!Number.isSafeInteger(part) || !Number.isSafeInteger(whole) || part < 0 || whole <= 0 || part > whole) {
    throw new ReferenceDataError(
      'INVALID_ARGUMENT',
      `share needs integers 0 <= part <= whole, whole > 0; got ${part}/${whole}`,
    );
  }
  if (!Number.isFinite(threshold.share) || threshold.share < 0 || threshold.share > 1) {
    throw new ReferenceDataError(
      'INVALID_ARGUMENT',
      `threshold share must be in [0, 1], got ${threshold.share}`,
    );
  }
  const { numerator, denominator } = decimalFraction(threshold.share);
  const lhs = BigInt(part) * denominator;
  const rhs = BigInt(whole) * numerator;
  return threshold.inclusive ? lhs >= rhs : lhs > rhs;
}
