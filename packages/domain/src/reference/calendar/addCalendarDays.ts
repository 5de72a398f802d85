import { fromDayNumber, toDayNumber } from './isoDate.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/** The date `n` calendar days after `isoDate` (n may be negative or zero). Notice periods count this way. */
export function addCalendarDays(isoDate: string, n: number): string {
  if (!Number.isSafeInteger(n)) {
    throw new ReferenceDataError('INVALID_ARGUMENT', `day count must be an integer, got ${n}`);
  }
  return fromDayNumber(toDayNumber(isoDate) + n);
}
