/**
 * The procedure corrections of law-findings-2026-12 as given/when/then: the district announces before the reform
 * (§1.10), a province can put village dossiers before an appraisal council (§7.5), and poll and consultation
 * results are published (§7.2). Each spec failed before its correction.
 */
import { describe, expect, it } from 'vitest';
import type { DecisionContext, DossierCommand } from '@ntm/domain';
import { given } from './spec.js';
import { ACTORS, ACTORS_2025, BAC_KAN, COUNCIL_MEMBERS, THAI_NGUYEN, at } from './fixtures.js';
import { communeJourney, reach, villageCouncilOn, villageJourney } from './journeys.js';

const as = (
  actor: DecisionContext['actor'],
  date: string,
  extra: Partial<DecisionContext> = {},
): DecisionContext => ({ now: at(date), actor, ...extra });
const cmd = (dossierId: string, type: string, body: Record<string, unknown> = {}): DossierCommand => ({
  type,
  dossierId,
  ...body,
});

describe('announcement (công bố) of a commune recognition', () => {
  const ntm1 = communeJourney('ntm', 1);
  const ntm2 = communeJourney('ntm', 2);
  const announce = (id: string, on: string) => cmd(id, 'AnnounceRecognition', { announcedOn: on });

  it('is the district’s under the 2022 procedure, not the province’s', () => {
    const recognised = reach(ntm1, 'recognised').events;
    given(recognised)
      .when(announce(ntm1.dossierId, '2024-06-05'), as(ACTORS.districtChairman, '2024-06-05'))
      .then([{ type: 'RecognitionAnnounced', fromState: 'recognised', toState: 'announced' }]);
    const error = given(recognised)
      .when(announce(ntm1.dossierId, '2024-06-05'), as(ACTORS.provincialChairman, '2024-06-05'))
      .thenFails('ROLE_NOT_ALLOWED');
    expect(error.params).toMatchObject({ roles: ['district_chairman'] });
  });

  it('passes to the successor commune once the districts are gone', () => {
    const recognised = reach(ntm1, 'recognised').events;
    given(recognised)
      .when(announce(ntm1.dossierId, '2025-07-02'), as(ACTORS_2025.communeChairman, '2025-07-02'))
      .then([
        {
          type: 'RecognitionAnnounced',
          data: { succession: { replaces: 'district_chairman', role: 'commune_chairman' } },
        },
      ]);
  });

  it('is the province’s under the two-tier procedure', () => {
    const recognised = reach(ntm2, 'recognised').events;
    given(recognised)
      .when(announce(ntm2.dossierId, '2025-10-05'), as(ACTORS_2025.provincialChairman, '2025-10-05'))
      .then([{ type: 'RecognitionAnnounced', toState: 'announced' }]);
  });
});

describe('village appraisal council (hội đồng thẩm định cấp thôn)', () => {
  const village1 = villageJourney(1);
  const id = village1.dossierId;
  const submitted = reach(village1, 'submitted').events;
  const councilOn = { provincialRules: villageCouncilOn(BAC_KAN) };
  const decideRecognise = cmd(id, 'DecideRecognition', {
    outcome: 'recognise',
    decisionNo: '501/QĐ-UBND',
    decidedOn: '2024-04-22',
  });
  const ballot = (inFavour: number) =>
    cmd(id, 'RecordCouncilBallot', {
      heldOn: '2024-04-18',
      membersTotal: 7,
      presentMemberIds: COUNCIL_MEMBERS.slice(0, 7),
      recusedMemberIds: [],
      for: inFavour,
      against: 7 - inFavour,
      blank: 0,
    });

  it('is refused where the province holds none (the national default)', () => {
    const error = given(submitted)
      .when(ballot(7), as(ACTORS.councilSecretary, '2024-04-18'))
      .thenFails('VILLAGE_COUNCIL_NOT_ENABLED');
    expect(error.params).toMatchObject({ villageCouncil: { value: false, confirmed: false } });
    given(submitted)
      .when(decideRecognise, as(ACTORS.districtChairman, '2024-04-22'))
      .then([{ type: 'RecognitionDecided', toState: 'recognised' }]);
  });

  it('must vote before the decision where the province switched it on', () => {
    given(submitted)
      .when(decideRecognise, as(ACTORS.districtChairman, '2024-04-22', councilOn))
      .thenFails('VILLAGE_COUNCIL_REQUIRED');
    const approved = given(submitted)
      .when(ballot(7), as(ACTORS.councilSecretary, '2024-04-18', councilOn))
      .then([
        { type: 'CouncilBallotRecorded', data: { approved: true }, toState: 'councilApproved' },
      ]).history;
    given(approved)
      .when(decideRecognise, as(ACTORS.districtChairman, '2024-04-22', councilOn))
      .then([{ type: 'RecognitionDecided', fromState: 'councilApproved', toState: 'recognised' }]);
  });

  it('leads to a refusal when the ballot misses the share', () => {
    const notApproved = given(submitted)
      .when(ballot(4), as(ACTORS.councilSecretary, '2024-04-18', councilOn))
      .then([{ toState: 'councilNotApproved' }]).history;
    given(notApproved)
      .when(decideRecognise, as(ACTORS.districtChairman, '2024-04-22', councilOn))
      .thenFails('DECISION_CONTRADICTS_COUNCIL');
  });

  it('follows the dossier’s own province, by code: another province’s council does not apply', () => {
    given(submitted)
      .when(
        decideRecognise,
        as(ACTORS.districtChairman, '2024-04-22', { provincialRules: villageCouncilOn(THAI_NGUYEN) }),
      )
      .then([{ type: 'RecognitionDecided' }]);
  });

  it('is pinned by the opening day: rules a province adopts later do not reach an earlier dossier', () => {
    given(submitted)
      .when(
        decideRecognise,
        as(ACTORS.districtChairman, '2024-04-22', {
          provincialRules: villageCouncilOn(BAC_KAN, '2024-04-02'),
        }),
      )
      .then([{ type: 'RecognitionDecided' }]);
  });
});

describe('publication of poll and consultation results (Luật 10/2022/QH15 Art. 11(11))', () => {
  const ntm2 = communeJourney('ntm', 2);
  const id = ntm2.dossierId;
  const publish = (subject: string) =>
    cmd(id, 'PublishResults', { subject, publishedOn: '2025-08-23', channel: 'commune_office' });
  const official = as(ACTORS_2025.communeOfficial, '2025-08-23');

  it('refuses results that do not exist yet', () => {
    const noticeClosed = reach(ntm2, 'noticeClosed').events;
    const error = given(noticeClosed).when(publish('poll'), official).thenFails('RESULTS_NOT_AVAILABLE');
    expect(error.message).toMatch(/poll report/);
    given(reach(ntm2, 'noticeOpen').events)
      .when(publish('consultation'), official)
      .thenFails('COMMAND_NOT_ALLOWED_IN_STATE');
  });

  it('records the publication with its legal basis, and the state keeps it', () => {
    const { state } = given(reach(ntm2, 'pollReported').events)
      .when(publish('poll'), official)
      .then([
        {
          type: 'ResultsPublished',
          data: { subject: 'poll', legalBasis: expect.stringMatching(/10\/2022\/QH15/) as unknown },
          fromState: 'pollReported',
          toState: 'pollReported',
        },
      ]);
    expect(state.publications).toEqual([
      { subject: 'poll', publishedOn: '2025-08-23', channel: 'commune_office' },
    ]);
  });
});
