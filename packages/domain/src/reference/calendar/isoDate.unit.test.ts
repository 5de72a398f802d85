import { describe, expect, it } from 'vitest';
import { assertIsoDate, fromDayNumber, toDayNumber, weekdayOf } from './isoDate.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

describe('isoDate', () => {
  it('round-trips day numbers across month and leap-year ends', () => {
    for (const d of ['1970-01-01', '2024-02-29', '2024-12-31', '2025-01-01', '2025-06-30']) {
      expect(fromDayNumber(toDayNumber(d))).toBe(d);
    }
    expect(toDayNumber('2024-03-01') - toDayNumber('2024-02-28')).toBe(2);
  });

  it('knows the weekday', () => {
    expect(weekdayOf('2025-07-01')).toBe(2); // Tuesday
    expect(weekdayOf('2026-02-14')).toBe(6); // Saturday
  });

  it.each(['2023-02-29', '2025-13-01', '2025-7-1', '01/07/2025', '', '2025-06-31'])(
    'rejects %j with INVALID_DATE',
    (bad) => {
      expect(() => assertIsoDate(bad)).toThrowError(
        expect.objectContaining({ code: 'INVALID_DATE' }) as Error,
      );
      expect(() => toDayNumber(bad)).toThrow(ReferenceDataError);
    },
  );
});
