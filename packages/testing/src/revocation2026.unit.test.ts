/**
 * Revocation under the 2026-2030 criteria (issue 14): QĐ 18's critical criteria have no 2026-2030 counterpart in any
 * text read, so the two-tier rule set maps them by name (criteria 3, 8, 10; unconfirmed) instead of failing with
 * CRITERIA_SET_NOT_FOUND, and the assessment's provenance says the list is an inference.
 */
import { describe, expect, it } from 'vitest';
import { evaluateRevocation, ruleSetById, type DecisionContext } from '@ntm/domain';
import { given } from './spec.js';
import { ACTORS_2025, QUANG_BACH, at } from './fixtures.js';

const SET_2026 = 'commune-ntm-2026-2030';
const held = { tier: 'ntm' as const, decisionNo: '2315/QĐ-UBND' };
const ctx = (date: string): DecisionContext => ({
  now: at(date),
  actor: ACTORS_2025.provincialAppraiser,
  unitRecognition: held,
});
const opened = given([]).when(
  {
    type: 'OpenDossier',
    dossierId: 'rev-2026',
    kind: 'REVOCATION',
    unitCode: QUANG_BACH,
    year: 2026,
    targetRecognition: { ...held, decidedOn: '2021-12-20' },
  },
  ctx('2026-09-02'),
);
const assess = (failingCriteria: string[]) => ({
  type: 'RecordRevocationAssessment',
  dossierId: 'rev-2026',
  reportNo: '7/BC-RS',
  trigger: 'annual_review',
  criteriaSetId: SET_2026,
  totalCriteria: 10,
  failingCriteria,
});

describe('revoking an NTM commune on the 2026-2030 criteria', () => {
  const v3 = ruleSetById('two-tier-2025', 3);

  it('judges 30% failing with environment (8) among them as grounds; 20% is not', () => {
    expect(evaluateRevocation(v3, SET_2026, ['1', '2', '8'], 10)).toMatchObject({
      revoke: true,
      ground: 'share_with_critical',
      criticalFailing: ['8'],
    });
    expect(evaluateRevocation(v3, SET_2026, ['1', '8'], 10).revoke).toBe(false);
    expect(evaluateRevocation(v3, SET_2026, ['1', '2', '4'], 10).revoke).toBe(false);
  });

  it('the 2022 rule set still names none for the 2026 set (it never applied to one)', () => {
    expect(() => evaluateRevocation(ruleSetById('qd18-2022', 1), SET_2026, ['1'], 10)).toThrowError(
      expect.objectContaining({ code: 'CRITERIA_SET_NOT_FOUND' }) as Error,
    );
  });

  it('records the inferred critical list, unconfirmed, in what the assessment read', () => {
    const { history } = opened.then([{ type: 'DossierOpened', data: { criteriaSetId: SET_2026 } }]);
    const { events } = given(history)
      .when(assess(['1', '2', '10']), ctx('2026-09-03'))
      .then([
        {
          type: 'RevocationAssessed',
          data: { revoke: true, ground: 'share_with_critical', criticalFailing: ['10'] },
        },
      ]);
    expect(events[0]!.data['rulesRead']).toContain(
      `two-tier-2025@3:revocation.inferredCriticalCriteria.${SET_2026}`,
    );
  });
});
