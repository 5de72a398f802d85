/**
 * The reform cut-over for dossiers in flight (NĐ 131/2025): a dossier opened under the 2022 procedure that still
 * waits at a district step on or after the cut-over has that step performed by the successor role, for the
 * successor unit, and the event says which rule applied. Before the cut-over nothing changes.
 */
import { describe, expect, it } from 'vitest';
import {
  allowedCommands,
  ruleSetAt,
  successionFor,
  type DecisionContext,
  type DossierCommand,
} from '@ntm/domain';
import { given } from './spec.js';
import { ACTORS, ACTORS_2025, QUANG_BACH, THAI_NGUYEN, at } from './fixtures.js';
import { communeJourney, reach, villageJourney } from './journeys.js';

const ntm1 = communeJourney('ntm', 1);
const village1 = villageJourney(1);
const cmd = (dossierId: string, type: string, body: Record<string, unknown> = {}): DossierCommand => ({
  type,
  dossierId,
  ...body,
});
const as = (actor: DecisionContext['actor'], date: string): DecisionContext => ({ now: at(date), actor });
const allMet = () => reach(ntm1, 'submitted').state.criteriaCodes.map((code) => ({ code, met: true }));
const verify = () => cmd(ntm1.dossierId, 'RecordVerification', { reportNo: '9/BC-TT', criteria: allMet() });
const DISTRICTS_GONE = {
  ruleSet: { id: 'two-tier-2025', version: 3 },
  replaces: 'district_verifier',
  role: 'provincial_appraiser',
  unitCode: THAI_NGUYEN,
};

describe('commune dossier of the 2022 procedure at a district step', () => {
  const submitted = reach(ntm1, 'submitted').events;

  it('is verified by the district as before up to 30/06/2025, with no succession recorded', () => {
    const { events } = given(submitted)
      .when(verify(), as(ACTORS.districtVerifier, '2025-06-30'))
      .then([{ type: 'VerificationRecorded', toState: 'verified' }]);
    expect(events[0]?.data).not.toHaveProperty('succession');
  });

  it('refuses the district verifier from 01/07/2025: the role no longer exists', () => {
    const error = given(submitted)
      .when(verify(), as(ACTORS.districtVerifier, '2025-07-01'))
      .thenFails('ROLE_NOT_ALLOWED');
    expect(error.message).toMatch(/district_verifier no longer exists from 2025-07-01 \(two-tier-2025\)/);
    expect(error.params).toMatchObject({ roles: ['provincial_appraiser'] });
  });

  it('lets the successor province verify, forward and appraise, recording the rule that applied', () => {
    const appraiser = ACTORS_2025.provincialAppraiser;
    const verified = given(submitted)
      .when(verify(), as(appraiser, '2025-07-01'))
      .then([
        {
          type: 'VerificationRecorded',
          data: { by: { id: appraiser.id, role: 'provincial_appraiser' }, succession: DISTRICTS_GONE },
          fromState: 'submitted',
          toState: 'verified',
        },
      ]);
    const forwarded = given(verified.history)
      .when(
        cmd(ntm1.dossierId, 'ForwardToProvince', { letterNo: '5/TTr-SNNMT' }),
        as(appraiser, '2025-07-02'),
      )
      .then([
        { type: 'DossierForwarded', data: { succession: DISTRICTS_GONE }, toState: 'forwarded' },
        { type: 'DeadlineScheduled', data: { step: 'appraisal', startedOn: '2025-07-02' } },
      ]);
    // Appraisal was always the province's, but Bắc Kạn (06) was merged into Thái Nguyên: its appraiser acts for
    // the former province, and the event says so; the former province's own appraiser succeeds nobody.
    const appraisedBy = (actor: typeof appraiser) =>
      given(forwarded.history)
        .when(
          cmd(ntm1.dossierId, 'RecordAppraisal', {
            reportNo: '40/BC-SNNMT',
            complete: true,
            fieldCheck: { heldOn: '2025-07-10', passed: true },
            criteria: [],
          }),
          as(actor, '2025-07-14'),
        )
        .then([{ type: 'AppraisalRecorded', toState: 'appraised' }]);
    const appraised = appraisedBy(ACTORS_2025.provincialAppraiser2);
    expect(appraised.events[0]?.data).toMatchObject({
      succession: { replacesUnit: '06', role: 'provincial_appraiser', unitCode: '19' },
    });
    expect(appraised.events[0]?.data).not.toHaveProperty('succession.replaces');
    expect(appraisedBy(ACTORS.provincialAppraiser2).events[0]?.data).not.toHaveProperty('succession');
    expect(appraised.state.verification).toMatchObject({ by: appraiser.id, allMet: true });
  });

  it('refuses a provincial appraiser who does not act for the successor province', () => {
    const error = given(submitted)
      .when(verify(), as(ACTORS.provincialAppraiser, '2025-07-01'))
      .thenFails('SUCCESSOR_JURISDICTION');
    expect(error.params).toMatchObject({ unit: '06', allowed: [THAI_NGUYEN], replaces: 'district_verifier' });
    expect(error.kind).toBe('forbidden');
  });

  it('lets the successor return the dossier, and keeps segregation of duties', () => {
    const reasons = [{ code: 'CRITERION_NOT_MET', criterionCode: '2', detail: 'Giao thông chưa đạt' }];
    given(submitted)
      .when(
        cmd(ntm1.dossierId, 'ReturnDossier', { reasons }),
        as(ACTORS_2025.provincialAppraiser, '2025-07-03'),
      )
      .then([{ type: 'DossierReturned', data: { succession: DISTRICTS_GONE }, toState: 'returned' }]);
    const preparer = { ...ACTORS.communeOfficial, role: 'provincial_appraiser' as const, unit: THAI_NGUYEN };
    given(submitted).when(verify(), as(preparer, '2025-07-03')).thenFails('SEGREGATION_OF_DUTIES');
  });

  it('lists the successor role in allowedCommands from the cut-over, when told the day', () => {
    const { state } = reach(ntm1, 'submitted');
    const appraiser = ACTORS_2025.provincialAppraiser;
    expect(allowedCommands(state, appraiser)).not.toContain('RecordVerification');
    expect(allowedCommands(state, appraiser, at('2025-06-30'))).not.toContain('RecordVerification');
    expect(allowedCommands(state, appraiser, at('2025-07-01'))).toEqual(
      expect.arrayContaining(['RecordVerification', 'ReturnDossier']),
    );
    expect(allowedCommands(state, ACTORS.districtVerifier, at('2025-07-01'))).toEqual([]);
    expect(allowedCommands(state, ACTORS.districtVerifier)).toContain('RecordVerification');
  });
});

describe('village dossier of the 2022 procedure awaiting the district chairman', () => {
  const submitted = reach(village1, 'submitted').events;
  const recognise = cmd(village1.dossierId, 'DecideRecognition', {
    outcome: 'recognise',
    decisionNo: '12/QĐ-UBND',
    decidedOn: '2025-07-04',
  });

  it('is decided by the district chairman until 30/06/2025, and not by a commune chairman', () => {
    given(submitted)
      .when(recognise, as(ACTORS.districtChairman, '2025-06-30'))
      .then([{ type: 'RecognitionDecided', toState: 'recognised' }]);
    given(submitted)
      .when(recognise, as(ACTORS_2025.communeChairman, '2025-06-30'))
      .thenFails('ROLE_NOT_ALLOWED');
  });

  it('is decided from 01/07/2025 by the chairman of the successor commune, by the rule set of the day', () => {
    given(submitted).when(recognise, as(ACTORS.districtChairman, '2025-07-04')).thenFails('ROLE_NOT_ALLOWED');
    const decided = given(submitted)
      .when(recognise, as(ACTORS_2025.communeChairman, '2025-07-04'))
      .then([
        {
          type: 'RecognitionDecided',
          data: {
            by: { id: ACTORS_2025.communeChairman.id, role: 'commune_chairman' },
            succession: {
              ruleSet: { id: 'two-tier-2025', version: 3 },
              replaces: 'district_chairman',
              role: 'commune_chairman',
              unitCode: QUANG_BACH,
            },
          },
          toState: 'recognised',
        },
      ]);
    expect(decided.state.decision).toMatchObject({
      outcome: 'recognise',
      by: ACTORS_2025.communeChairman.id,
    });
    given(decided.history)
      .when(
        cmd(village1.dossierId, 'AnnounceRecognition', { announcedOn: '2025-07-06' }),
        as(ACTORS_2025.communeChairman, '2025-07-06'),
      )
      .then([{ type: 'RecognitionAnnounced', data: { succession: { unitCode: QUANG_BACH } } }]);
  });

  it('refuses the chairman of the commune that merged away', () => {
    const error = given(submitted)
      .when(recognise, as(ACTORS.communeChairman, '2025-07-04'))
      .thenFails('SUCCESSOR_JURISDICTION');
    expect(error.params).toMatchObject({ allowed: [QUANG_BACH], unit: ACTORS.communeChairman.unit });
  });
});

describe('successionFor', () => {
  it('applies only to dossiers pinned before the cut-over, from the cut-over on', () => {
    const v1 = reach(ntm1, 'submitted').state;
    const v2 = reach(communeJourney('ntm', 2), 'submitted').state;
    expect(successionFor(v1, '2025-06-30', ruleSetAt('2025-06-30'))).toBeUndefined();
    const rule = successionFor(v1, '2025-07-01', ruleSetAt('2025-07-01'));
    expect(rule).toMatchObject({ from: '2025-07-01', ruleSet: { id: 'two-tier-2025', version: 3 } });
    expect(rule?.roles.district_verifier).toEqual({ role: 'provincial_appraiser', level: 'province' });
    expect(rule?.roles.district_chairman).toEqual({ role: 'commune_chairman', level: 'commune' });
    expect(successionFor(v2, '2025-09-01', ruleSetAt('2025-09-01'))).toBeUndefined();
  });
});
