import { describe, expect, it } from 'vitest';
import { evaluateRevocation } from './evaluateRevocation.js';
import { ruleSetById } from './ruleSetAt.js';

const v1 = ruleSetById('qd18-2022', 1);
const NTM = 'commune-ntm-2021-2025';
/** `n` failing criteria out of 1000, none of them critical, plus the given codes. */
const failing = (n: number, extra: string[] = []) => [
  ...extra,
  ...Array.from({ length: n - extra.length }, (_, k) => `x${k}`),
];

describe('evaluateRevocation', () => {
  it.each([
    [299, false, false],
    [300, false, false],
    [299, true, false],
    [300, true, true],
    [499, true, true],
    [499, false, false],
  ])('%d/1000 failing, critical among them: %s → revoke %s', (n, withCritical, revoke) => {
    const outcome = evaluateRevocation(v1, NTM, failing(n, withCritical ? ['10'] : []), 1000);
    expect(outcome.revoke).toBe(revoke);
    expect(outcome.ground).toBe(revoke ? 'share_with_critical' : undefined);
    expect(outcome.criticalFailing).toEqual(withCritical ? ['10'] : []);
  });

  it.each([false, true])('revokes at 50%% whatever fails (critical among them: %s)', (withCritical) => {
    const outcome = evaluateRevocation(v1, NTM, failing(500, withCritical ? ['19'] : []), 1000);
    expect(outcome).toMatchObject({ revoke: true, ground: 'half_or_more', share: 0.5 });
  });

  it('works on the real 19 criteria: 6 failing with income revokes, 5 does not', () => {
    expect(evaluateRevocation(v1, NTM, ['10', '1', '2', '3', '4', '5'], 19).revoke).toBe(true);
    expect(evaluateRevocation(v1, NTM, ['10', '1', '2', '3', '4'], 19).revoke).toBe(false);
    expect(evaluateRevocation(v1, NTM, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '11'], 19).ground).toBe(
      'half_or_more',
    );
  });

  it('uses the critical list of the criteria set: 18 is critical for advanced, not for NTM', () => {
    const six = ['18', '1', '2', '3', '4', '5'];
    expect(evaluateRevocation(v1, 'commune-advanced-2021-2025', six, 19).revoke).toBe(true);
    expect(evaluateRevocation(v1, NTM, six, 19).revoke).toBe(false);
  });

  it('refuses a criteria set with no revocation rule, duplicates, and more failing than total', () => {
    expect(() => evaluateRevocation(v1, 'commune-ntm-2026-2030', ['1'], 10)).toThrowError(
      expect.objectContaining({ code: 'CRITERIA_SET_NOT_FOUND' }) as Error,
    );
    expect(() => evaluateRevocation(v1, NTM, ['1', '1'], 19)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
    expect(() => evaluateRevocation(v1, NTM, ['1', '2'], 1)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
  });

  it('judges a model commune on the advanced set critical criteria instead of failing', () => {
    const six = ['18', '1', '2', '3', '4', '5'];
    const outcome = evaluateRevocation(v1, 'commune-model-2021-2025', six, 19);
    expect(outcome).toMatchObject({
      revoke: true,
      ground: 'share_with_critical',
      criticalFailing: ['18'],
      judgedOn: 'commune-advanced-2021-2025',
    });
    expect(evaluateRevocation(v1, NTM, ['1'], 19).judgedOn).toBe(NTM);
  });
});
