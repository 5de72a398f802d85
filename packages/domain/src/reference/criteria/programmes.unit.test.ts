import { describe, expect, it } from 'vitest';
import { CLOSED_TIER_REVOCATION, PROGRAMMES, programmeOn } from './programmes.js';
import { communeGroup2026, COMMUNE_GROUP_OVERLAP, COMMUNE_GROUPS_2026 } from './communeGroups2026.js';
import { COMMUNE_MODERN_2026_2030 } from './communeModern2026.js';
import { COMMUNE_NTM_2026_2030 } from './commune2026.js';
import { criteriaSetById, lastCriteriaSetOf } from './criteriaSetFor.js';
import { evaluateAssessment } from './evaluateAssessment.js';

const none = {
  adjacentToUrbanAndUrbanising: false,
  agricultureShareUnder10Percent: false,
  plannedAsUrban: false,
  regionIIorIIIEthnicMountain: false,
};

describe('programmes', () => {
  it('switch on 15/02/2026, and only the 2021-2025 programme has the advanced and model tiers', () => {
    expect(programmeOn('2026-02-14').id).toBe('ntm-2021-2025');
    expect(programmeOn('2026-02-15').id).toBe('ntm-2026-2030');
    expect(programmeOn('2024-01-01').tiers.value).toEqual(['ntm', 'advanced', 'model']);
    expect(programmeOn('2026-02-15').tiers.value).toEqual(['ntm', 'modern']);
    expect(programmeOn('2026-02-15').tiers.confirmed).toBe(false);
    expect(programmeOn('2026-02-15').pilotTiers.value).toEqual(['modern']);
    expect(() => programmeOn('2020-12-31')).toThrowError(
      expect.objectContaining({ code: 'PROGRAMME_NOT_FOUND' }) as Error,
    );
  });

  it('do not overlap and leave no gap from 2021', () => {
    for (const [a, b] of PROGRAMMES.slice(0, -1).map((p, i) => [p, PROGRAMMES[i + 1]!] as const)) {
      expect(a.effectiveTo).toBeDefined();
      expect(new Date(`${a.effectiveTo!}T00:00:00Z`).getTime() + 86_400_000).toBe(
        new Date(`${b.effectiveFrom}T00:00:00Z`).getTime(),
      );
    }
  });

  it('revoke a recognition at a closed tier on the last set of its tier, unconfirmed', () => {
    expect(lastCriteriaSetOf('COMMUNE_ADVANCED', '2027-01-01').id).toBe('commune-advanced-2021-2025');
    expect(lastCriteriaSetOf('COMMUNE_NTM', '2027-01-01').id).toBe('commune-ntm-2026-2030');
    expect(CLOSED_TIER_REVOCATION.confirmed).toBe(false);
  });
});

describe('commune groups 2026-2030', () => {
  it('put a commune in group 1 on any of its three grounds, group 3 in ethnic-minority mountain regions II/III, else group 2', () => {
    expect(communeGroup2026({ ...none, adjacentToUrbanAndUrbanising: true })).toBe('group1');
    expect(communeGroup2026({ ...none, agricultureShareUnder10Percent: true })).toBe('group1');
    expect(communeGroup2026({ ...none, plannedAsUrban: true })).toBe('group1');
    expect(communeGroup2026({ ...none, regionIIorIIIEthnicMountain: true })).toBe('group3');
    expect(communeGroup2026(none)).toBe('group2');
  });

  it('resolve the unsourced overlap to group 1 and say it is unconfirmed', () => {
    expect(communeGroup2026({ ...none, plannedAsUrban: true, regionIIorIIIEthnicMountain: true })).toBe(
      'group1',
    );
    expect(COMMUNE_GROUP_OVERLAP.confirmed).toBe(false);
    expect(Object.values(COMMUNE_GROUPS_2026).every((g) => g.legalBasis.includes('QĐ 51/2025'))).toBe(true);
  });

  it.each(['group1', 'group2', 'group3'] as const)(
    'evaluate a %s commune on its own thresholds, provisionally',
    (group) => {
      const result = evaluateAssessment(
        COMMUNE_NTM_2026_2030,
        { '1.1': 1 },
        { appliesTo: group, year: 2026 },
      );
      expect(result).toMatchObject({
        criteriaSetId: 'commune-ntm-2026-2030',
        appliesTo: group,
        provisional: true,
      });
      // the annex's thresholds are not known: nothing passes or fails on a guess
      expect(result.unknownCodes).toHaveLength(10);
      expect(result.criteria[0]!.indicators[0]).toMatchObject({
        status: 'unknown',
        reason: 'threshold_unknown',
      });
    },
  );

  it('pick the group threshold when one is known, and flag a judgement on an unconfirmed indicator', () => {
    const filled = {
      ...COMMUNE_NTM_2026_2030,
      criteria: COMMUNE_NTM_2026_2030.criteria.map((c) => ({
        ...c,
        indicators: c.indicators.map((i) => ({
          ...i,
          thresholds: [
            { appliesTo: 'group1', value: 90 },
            { appliesTo: 'group2', value: 80 },
            { appliesTo: 'group3', value: 70 },
          ],
        })),
      })),
    };
    const judge = (group: string) =>
      evaluateAssessment(filled, { '1.1': 75 }, { appliesTo: group, year: 2026 }).criteria[0]!.indicators[0];
    expect(judge('group1')).toMatchObject({ status: 'not_met', threshold: 90 });
    expect(judge('group3')).toMatchObject({ status: 'met', threshold: 70 });
    expect(
      evaluateAssessment(filled, { '1.1': 75 }, { appliesTo: 'group3', year: 2026 }).unconfirmedIndicators,
    ).toEqual(['1.1']);
  });
});

describe('the modern NTM commune pilot (QĐ 51 Annex II)', () => {
  it('is a set of tier "modern" over the NTM 2026-2030 criteria plus an unconfirmed placeholder', () => {
    expect(criteriaSetById('commune-modern-2026-2030')).toBe(COMMUNE_MODERN_2026_2030);
    expect(COMMUNE_MODERN_2026_2030.tier).toBe('modern');
    expect(COMMUNE_MODERN_2026_2030.criteria.map((c) => c.code)).toEqual([
      ...COMMUNE_NTM_2026_2030.criteria.map((c) => c.code),
      'H1',
    ]);
    expect(COMMUNE_MODERN_2026_2030.criteria.at(-1)!.confirmed).toBe(false);
  });
});
