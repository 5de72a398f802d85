/**
 * Merged communes take the path the Ministry's guidance gives them (5424/BNN-VPĐP, 267/BNN-VPĐP; law-findings §4.6),
 * on the real lineage of 01/07/2025 and by code: formed only from recognised communes, the province acknowledges
 * the new unit at the lowest of their tiers; formed also from unrecognised ones, the full procedure.
 */
import { describe, expect, it } from 'vitest';
import type { DecisionContext, DomainActor, DossierCommand, RecognitionOf, Tier } from '@ntm/domain';
import { given } from './spec.js';
import { ACTORS_2025, NAM_CUONG, at } from './fixtures.js';
import { postMergerJourney, reach } from './journeys.js';

/** Xã Phủ Thông (Thái Nguyên), formed from Thị trấn Phủ Thông, Xã Vi Hương, Xã Lục Bình and Xã Tân Tú. */
const PHU_THONG = '01969';
const PHU_THONG_TOWN = '01969';
const VI_HUONG = '01975';
const LUC_BINH = '01990';
const TAN_TU = '01993';
const phuThongOfficial: DomainActor = { id: 'cb-phuthong-1', role: 'commune_official', unit: PHU_THONG };

/** A recognition read model that knows each code's tier from a day on (the eve of the merger is asked). */
function recognitions(held: Record<string, Tier>, from = '2023-12-20'): RecognitionOf {
  return (code, onDate) => {
    const tier = held[code];
    return tier && from <= onDate ? { tier, decisionNo: `${code}/QĐ-UBND` } : null;
  };
}
const open = (dossierId: string, unitCode: string, predecessors?: unknown[]): DossierCommand => ({
  type: 'OpenDossier',
  dossierId,
  kind: 'POST_MERGER_ACKNOWLEDGEMENT',
  unitCode,
  year: 2025,
  ...(predecessors ? { predecessors } : { predecessors: [{ code: unitCode, tier: 'ntm' }] }),
});
const as = (actor: DomainActor, date: string, extra: Partial<DecisionContext> = {}): DecisionContext => ({
  now: at(date),
  actor,
  ...extra,
});

describe('Xã Phủ Thông: formed from a town and three communes', () => {
  it('needs the full procedure: the town held no recognition on 30/06/2025', () => {
    const recognitionOf = recognitions({ [VI_HUONG]: 'ntm', [LUC_BINH]: 'advanced', [TAN_TU]: 'ntm' });
    const error = given([])
      .when(
        open('pt-1', PHU_THONG, [{ code: VI_HUONG, tier: 'ntm' }]),
        as(phuThongOfficial, '2025-08-04', { recognitionOf }),
      )
      .thenFails('MERGER_NEEDS_FULL_PROCEDURE');
    expect(error.params).toMatchObject({
      unrecognised: [PHU_THONG_TOWN],
      statusOn: '2025-06-30',
      statusesFrom: 'recognitions',
      path: 'full_procedure',
      rule: { confirmed: false },
    });
    expect(error.message).toMatch(/5424\/BNN-VPĐP.*unconfirmed for this merger round/);
  });

  it('is acknowledged when every predecessor was recognised, at the lowest tier, and the merger is recorded', () => {
    const recognitionOf = recognitions({
      [PHU_THONG_TOWN]: 'advanced',
      [VI_HUONG]: 'ntm',
      [LUC_BINH]: 'advanced',
      [TAN_TU]: 'model',
    });
    const { state } = given([])
      .when(
        open('pt-2', PHU_THONG, [{ code: VI_HUONG, tier: 'ntm' }]),
        as(phuThongOfficial, '2025-08-04', { recognitionOf }),
      )
      .then([
        {
          type: 'DossierOpened',
          data: {
            merger: {
              effectiveDate: '2025-07-01',
              statusOn: '2025-06-30',
              statusesFrom: 'recognitions',
              predecessors: [
                { code: PHU_THONG_TOWN, tier: 'advanced' },
                { code: VI_HUONG, tier: 'ntm' },
                { code: LUC_BINH, tier: 'advanced' },
                { code: TAN_TU, tier: 'model' },
              ],
            },
          },
          toState: 'preparing',
        },
      ]);
    expect(state.merger).toEqual({
      effectiveDate: '2025-07-01',
      statusOn: '2025-06-30',
      statusesFrom: 'recognitions',
    });
  });

  it('reads the statuses on the eve of the merger, not the day of opening', () => {
    // Vi Hương was recognised only after the merger: on 30/06/2025 it held nothing.
    const recognitionOf: RecognitionOf = (code, onDate) =>
      code !== VI_HUONG || onDate >= '2025-07-15' ? { tier: 'ntm', decisionNo: `${code}/QĐ` } : null;
    given([])
      .when(
        open('pt-3', PHU_THONG, [{ code: TAN_TU, tier: 'ntm' }]),
        as(phuThongOfficial, '2025-08-04', { recognitionOf }),
      )
      .thenFails('MERGER_NEEDS_FULL_PROCEDURE');
  });

  it('refuses a declared predecessor that did not merge into the commune (codes, not names)', () => {
    // Xã Phủ Thông's name also names the town it absorbed; 02026 (Nam Cường) is another merger altogether.
    const error = given([])
      .when(
        open('pt-4', PHU_THONG, [
          { code: PHU_THONG_TOWN, tier: 'ntm' },
          { code: '02026', tier: 'ntm' },
        ]),
        as(phuThongOfficial, '2025-08-04'),
      )
      .thenFails('MERGER_PREDECESSORS_MISMATCH');
    expect(error.params).toMatchObject({ unknown: ['02026'] });
  });

  it('counts an undeclared predecessor as unrecognised when no read model is at hand', () => {
    given([])
      .when(
        open('pt-5', PHU_THONG, [
          { code: PHU_THONG_TOWN, tier: 'ntm' },
          { code: VI_HUONG, tier: 'ntm' },
          { code: LUC_BINH, tier: 'ntm' },
        ]),
        as(phuThongOfficial, '2025-08-04'),
      )
      .thenFails('MERGER_NEEDS_FULL_PROCEDURE');
  });
});

describe('declared statuses checked against the recognition record', () => {
  // The record knows only Vi Hương and Lục Bình; the town and Tân Tú were recognised before the engine kept one.
  const known: Record<string, { tier: Tier; decisionNo: string } | null> = {
    [VI_HUONG]: { tier: 'ntm', decisionNo: '1021/QĐ-UBND' },
    [LUC_BINH]: null,
  };
  const recognitionOf: RecognitionOf = (code) => known[code];
  const declared = (lucBinh: Tier | null, viHuongNo = '1021/QĐ-UBND') => [
    { code: PHU_THONG_TOWN, tier: 'ntm' },
    { code: VI_HUONG, tier: 'ntm', decisionNo: viHuongNo },
    { code: LUC_BINH, tier: lucBinh },
    { code: TAN_TU, tier: 'advanced' },
  ];

  it('refuses a declared tier the record contradicts, naming the code, the declaration and the record', () => {
    const error = given([])
      .when(open('pt-6', PHU_THONG, declared('ntm')), as(phuThongOfficial, '2025-08-04', { recognitionOf }))
      .thenFails('MERGER_STATUS_MISMATCH');
    expect(error.params).toEqual({
      statusOn: '2025-06-30',
      mismatches: [{ code: LUC_BINH, declared: { tier: 'ntm' }, recorded: { tier: null } }],
    });
  });

  it('refuses a declared decision number that is not the one on record', () => {
    const error = given([])
      .when(
        open('pt-7', PHU_THONG, declared(null, '999/QĐ-UBND')),
        as(phuThongOfficial, '2025-08-04', { recognitionOf }),
      )
      .thenFails('MERGER_STATUS_MISMATCH');
    expect(error.params?.['mismatches']).toEqual([
      {
        code: VI_HUONG,
        declared: { tier: 'ntm', decisionNo: '999/QĐ-UBND' },
        recorded: { tier: 'ntm', decisionNo: '1021/QĐ-UBND' },
      },
    ]);
  });

  it('judges the units the record knows on it and the others on the declaration (mixed)', () => {
    const error = given([])
      .when(open('pt-8', PHU_THONG, declared(null)), as(phuThongOfficial, '2025-08-04', { recognitionOf }))
      .thenFails('MERGER_NEEDS_FULL_PROCEDURE');
    expect(error.params).toMatchObject({ unrecognised: [LUC_BINH], statusesFrom: 'mixed' });
  });

  it('records a mixed reading when every status agrees and all were recognised', () => {
    const agreed: RecognitionOf = (code) => (code === VI_HUONG ? known[VI_HUONG] : undefined);
    const { state } = given([])
      .when(
        open('pt-9', PHU_THONG, [
          ...declared('ntm').filter((p) => p.code !== LUC_BINH),
          { code: LUC_BINH, tier: 'ntm' },
        ]),
        as(phuThongOfficial, '2025-08-04', { recognitionOf: agreed }),
      )
      .then([{ type: 'DossierOpened', data: { merger: { statusesFrom: 'mixed' } } }]);
    expect(state.predecessors?.find((p) => p.code === VI_HUONG)).toEqual({
      code: VI_HUONG,
      tier: 'ntm',
      decisionNo: '1021/QĐ-UBND',
    });
  });
});

describe('the acknowledgement decision', () => {
  const journey = postMergerJourney();
  const decide = (tier: Tier) => ({
    type: 'DecideAcknowledgement',
    dossierId: journey.dossierId,
    outcome: 'acknowledge',
    tier,
    decisionNo: '2001/QĐ-UBND',
    decidedOn: '2025-08-25',
  });
  const chairman = as(ACTORS_2025.provincialChairman, '2025-08-25');

  it('refuses a tier above the lowest predecessor tier', () => {
    const error = given(reach(journey, 'councilApproved').events)
      .when(decide('advanced'), chairman)
      .thenFails('MERGER_TIER_NOT_LOWEST');
    expect(error.params).toMatchObject({ lowest: 'ntm', tier: 'advanced' });
  });

  it('acknowledges the lowest tier', () => {
    given(reach(journey, 'councilApproved').events)
      .when(decide('ntm'), chairman)
      .then([{ type: 'AcknowledgementDecided', data: { tier: 'ntm' }, toState: 'acknowledged' }]);
  });

  it('opens Nam Cường on its declared statuses, all three predecessors by code', () => {
    const { events } = reach(journey, 'preparing');
    expect(events[0]?.data).toMatchObject({
      scope: { unitCode: NAM_CUONG },
      merger: {
        statusesFrom: 'declared',
        predecessors: [
          { code: '02023', tier: 'ntm' },
          { code: '02026', tier: 'ntm' },
          { code: '02029', tier: 'ntm' },
        ],
      },
    });
  });
});
