import { describe, expect, it } from 'vitest';
import { ruleSetAt, ruleSetById } from './ruleSetAt.js';
import { RULE_SETS } from './ruleSets.js';
import { addCalendarDays } from '../calendar/addCalendarDays.js';

describe('ruleSetAt', () => {
  it('picks the version in force on each side of every boundary', () => {
    expect(ruleSetAt('2022-08-02').id).toBe('qd18-2022');
    expect(ruleSetAt('2024-03-06').id).toBe('qd18-2022');
    expect(ruleSetAt('2024-03-07').id).toBe('qd18-2022+qd03-2024');
    expect(ruleSetAt('2025-06-30').id).toBe('qd18-2022+qd03-2024');
    expect(ruleSetAt('2025-07-01').id).toBe('two-tier-2025');
    expect(ruleSetAt('2030-01-01').version).toBe(3);
  });

  it('leaves no gap and no overlap between versions', () => {
    for (let i = 1; i < RULE_SETS.length; i += 1) {
      expect(addCalendarDays(RULE_SETS[i - 1]!.effectiveTo!, 1)).toBe(RULE_SETS[i]!.effectiveFrom);
    }
  });

  it('refuses dates before QĐ 18/2022 and malformed dates', () => {
    expect(() => ruleSetAt('2022-08-01')).toThrowError(
      expect.objectContaining({ code: 'RULE_SET_NOT_FOUND' }) as Error,
    );
    expect(() => ruleSetAt('02/08/2022')).toThrowError(
      expect.objectContaining({ code: 'INVALID_DATE' }) as Error,
    );
  });
});

describe('ruleSetById', () => {
  it('returns the pinned version and refuses unknown ones', () => {
    expect(ruleSetById('two-tier-2025', 3).effectiveFrom).toBe('2025-07-01');
    expect(() => ruleSetById('two-tier-2025', 1)).toThrowError(
      expect.objectContaining({ code: 'RULE_SET_NOT_FOUND' }) as Error,
    );
  });
});
