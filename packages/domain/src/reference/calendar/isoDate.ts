/**
 * ISO calendar dates (YYYY-MM-DD) as plain strings. Day arithmetic goes through a UTC day number so that no time
 * zone or clock ever enters: a legal date is a date, not an instant.
 */
import { ReferenceDataError } from '../ReferenceDataError.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a valid ISO date; throws `INVALID_DATE` for anything else (e.g. "2023-02-30"). */
export function toDayNumber(isoDate: string): number {
  const m = ISO_DATE.exec(isoDate);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(y, mo - 1, d);
    const back = new Date(ms);
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) {
      return ms / MS_PER_DAY;
    }
  }
  throw new ReferenceDataError(
    'INVALID_DATE',
    `not an ISO calendar date (YYYY-MM-DD): ${JSON.stringify(isoDate)}`,
  );
}

/** The ISO date of a day number. */
export function fromDayNumber(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Checks an ISO date and returns it unchanged; throws `INVALID_DATE`. */
export function assertIsoDate(isoDate: string): string {
  toDayNumber(isoDate);
  return isoDate;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(isoDate: string): number {
  return (toDayNumber(isoDate) + 4) % 7; // 1970-01-01 was a Thursday
}
