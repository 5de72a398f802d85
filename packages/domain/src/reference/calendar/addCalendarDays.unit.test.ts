import { describe, expect, it } from 'vitest';
import { addCalendarDays } from './addCalendarDays.js';

describe('addCalendarDays', () => {
  it('counts calendar days through month and year ends', () => {
    expect(addCalendarDays('2025-06-20', 15)).toBe('2025-07-05');
    expect(addCalendarDays('2024-12-25', 10)).toBe('2025-01-04');
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2023-04-10', -1)).toBe('2023-04-09');
    expect(addCalendarDays('2023-04-10', 0)).toBe('2023-04-10');
  });

  it('rejects a fractional count and a bad date with typed errors', () => {
    expect(() => addCalendarDays('2025-01-01', 1.5)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
    expect(() => addCalendarDays('2025-02-30', 1)).toThrowError(
      expect.objectContaining({ code: 'INVALID_DATE' }) as Error,
    );
  });
});
