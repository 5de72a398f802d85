/**
 * Every refusal path of the decider as a given/when/then specification: the rule, its figures at the boundary,
 * and the stable code. Journeys bring the dossier to the step; each spec changes one thing.
 */
import { describe, expect, it } from 'vitest';
import type { DecidedEvent, DecisionContext, DossierCommand } from '@ntm/domain';
import { given } from './spec.js';
import { ACTORS, ACTORS_2025, COUNCIL_MEMBERS, TAN_LAP, at } from './fixtures.js';
import {
  communeJourney,
  postMergerJourney,
  reach,
  revocationJourney,
  run,
  villageJourney,
} from './journeys.js';

const ntm1 = communeJourney('ntm', 1);
const id = ntm1.dossierId;
const cmd = (type: string, body: Record<string, unknown> = {}): DossierCommand => ({
  type,
  dossierId: id,
  ...body,
});
const as = (
  actor: DecisionContext['actor'],
  date: string,
  extra: Partial<DecisionContext> = {},
): DecisionContext => ({ now: at(date), actor, ...extra });
const open = (body: Record<string, unknown> = {}) =>
  cmd('OpenDossier', {
    kind: 'COMMUNE_NTM',
    unitCode: TAN_LAP,
    year: 2024,
    constructionDebt: { outstanding: false },
    securityClassification: 'safe_for_security_and_order',
    ...body,
  });
const official = (date: string) => as(ACTORS.communeOfficial, date);
const ballot = (
  present: string[],
  votes: { for: number; against?: number; blank?: number },
  recused: string[] = [],
) =>
  cmd('RecordCouncilBallot', {
    heldOn: '2024-05-28',
    membersTotal: 9,
    presentMemberIds: present,
    recusedMemberIds: recused,
    against: 0,
    blank: 0,
    ...votes,
  });

describe('command input', () => {
  it('refuses a body that breaks its contract, naming the field', () => {
    const { events } = reach(ntm1, 'noticeClosed');
    const error = given(events)
      .when(
        cmd('RecordPollTally', {
          villageId: `${TAN_LAP}-ban-cuon`,
          households: 10,
          respondents: 12,
          satisfied: 5,
        }),
        as(ACTORS.frontOfficer, '2024-04-20'),
      )
      .thenFails('VALIDATION_FAILED');
    expect(error.message).toContain('satisfied <= respondents <= households');
    expect(error.kind).toBe('unprocessable');
  });
  it('refuses unknown fields and unknown commands', () => {
    given([])
      .when(open({ extra: 1 }), official('2024-04-01'))
      .thenFails('VALIDATION_FAILED');
    given([]).when(cmd('ApproveEverything'), official('2024-04-01')).thenFails('UNKNOWN_COMMAND');
  });
});

describe('opening', () => {
  it('needs no dossier before OpenDossier and refuses a second opening', () => {
    given([])
      .when(cmd('SubmitDossier', { letterNo: '1' }), official('2024-04-01'))
      .thenFails('DOSSIER_NOT_OPENED');
    const { events } = reach(ntm1, 'preparing');
    given(events).when(open(), official('2024-04-02')).thenFails('DOSSIER_ALREADY_OPEN');
  });
  it('pins the workflow and rule set in force on the opening day (Vietnam time)', () => {
    given([])
      .when(open({ securityClassification: 'complex_area' }), {
        now: '2024-03-06T16:59:59.000Z',
        actor: ACTORS.communeOfficial,
      })
      .thenFails('SECURITY_CONDITION_NOT_MET');
    given([])
      .when(open({ securityClassification: 'not_complex_area' }), {
        now: '2024-03-06T16:59:59.000Z',
        actor: ACTORS.communeOfficial,
      })
      .then([
        {
          type: 'DossierOpened',
          data: { workflow: { id: 'commune-ntm', version: 1 }, ruleSet: { id: 'qd18-2022', version: 1 } },
        },
      ]);
    const error = given([])
      .when(open({ securityClassification: 'not_complex_area' }), {
        now: '2024-03-06T17:00:00.000Z',
        actor: ACTORS.communeOfficial,
      })
      .thenFails('SECURITY_CONDITION_NOT_MET');
    expect(error.message).toContain('safe_for_security_and_order');
  });
  it('has no workflow before QĐ 18/2022', () => {
    given([]).when(open(), official('2022-08-01')).thenFails('NO_WORKFLOW_FOR_DATE');
  });
  it('refuses a unit that is not a commune on the day, by code', () => {
    const town = given([])
      .when(open({ unitCode: '01954' }), official('2023-05-01'))
      .thenFails('UNIT_NOT_ELIGIBLE');
    expect(town.params).toMatchObject({ reason: 'UNIT_TYPE_NOT_ELIGIBLE' });
    given([])
      .when(open({ unitCode: '01834' }), official('2024-04-01'))
      .thenFails('UNIT_NOT_ELIGIBLE');
    given([]).when(open(), official('2025-08-01')).thenFails('UNIT_NOT_ELIGIBLE');
  });
  it('keeps the ladder NTM → advanced → model', () => {
    given([])
      .when(open(), { ...official('2024-04-01'), unitRecognition: { tier: 'ntm', decisionNo: '1/QĐ' } })
      .thenFails('PRECONDITION_TIER');
    given([])
      .when(open({ kind: 'COMMUNE_ADVANCED' }), official('2024-04-01'))
      .thenFails('PRECONDITION_TIER');
    given([])
      .when(open({ kind: 'COMMUNE_MODEL' }), {
        ...official('2024-04-01'),
        unitRecognition: { tier: 'ntm', decisionNo: '1/QĐ' },
      })
      .thenFails('PRECONDITION_TIER');
    given([])
      .when(open({ kind: 'COMMUNE_MODEL' }), {
        ...official('2024-04-01'),
        unitRecognition: { tier: 'advanced', decisionNo: '1/QĐ' },
      })
      .then([{ type: 'DossierOpened', data: { tier: 'model', criteriaSetId: 'commune-model-2021-2025' } }]);
  });
  it('refuses outstanding construction debt and missing kind fields', () => {
    given([])
      .when(open({ constructionDebt: { outstanding: true } }), official('2024-04-01'))
      .thenFails('CONSTRUCTION_DEBT_OUTSTANDING');
    given([])
      .when(open({ constructionDebt: undefined }), official('2024-04-01'))
      .thenFails('KIND_FIELDS_INVALID');
    given([])
      .when(open({ kind: 'REVOCATION' }), as(ACTORS.districtVerifier, '2024-04-01'))
      .thenFails('KIND_FIELDS_INVALID');
  });
  it('lets only the preparing role open', () => {
    given([]).when(open(), as(ACTORS.frontOfficer, '2024-04-01')).thenFails('ROLE_NOT_ALLOWED');
  });
});

describe('preparation and public notice', () => {
  it('refuses criteria outside the pinned set and duplicate documents', () => {
    const { events } = reach(ntm1, 'preparing');
    given(events)
      .when(
        cmd('RecordSelfAssessment', { criterionCode: '99', met: true, indicators: [], evidence: [] }),
        official('2024-04-01'),
      )
      .thenFails('CRITERION_UNKNOWN');
    const attached = run(ntm1.steps.slice(0, 21)).events;
    const again = ntm1.steps[20]!;
    given(attached).when(again.command, again.ctx).thenFails('DOCUMENT_DUPLICATE');
  });
  it('does not open the notice before every criterion is self-assessed as met', () => {
    const partial = run(ntm1.steps.slice(0, 19)).events;
    const missing = given(partial)
      .when(
        cmd('OpenPublicNotice', { channel: 'commune_office', from: '2024-04-02' }),
        official('2024-04-02'),
      )
      .thenFails('SELF_ASSESSMENT_INCOMPLETE');
    expect(missing.params).toMatchObject({ missing: ['19'] });
    const notMet = run(
      [
        {
          command: cmd('RecordSelfAssessment', {
            criterionCode: '19',
            met: false,
            indicators: [],
            evidence: [],
          }),
          ctx: official('2024-04-01'),
        },
      ],
      undefined,
      partial,
    ).events;
    given(notMet)
      .when(
        cmd('OpenPublicNotice', { channel: 'commune_office', from: '2024-04-02' }),
        official('2024-04-02'),
      )
      .thenFails('SELF_ASSESSMENT_INCOMPLETE');
  });
  it('does not start a notice in the future', () => {
    const { events } = reach(ntm1, 'preparing');
    const all = run(ntm1.steps.slice(1, 28), undefined, events).events;
    given(all)
      .when(
        cmd('OpenPublicNotice', { channel: 'commune_office', from: '2024-04-03' }),
        official('2024-04-02'),
      )
      .thenFails('NOTICE_START_IN_FUTURE');
  });
  it('cannot close the notice before its period has run, by the rule set days', () => {
    const { events } = reach(ntm1, 'noticeOpen');
    const error = given(events)
      .when(cmd('ClosePublicNotice'), official('2024-04-16'))
      .thenFails('NOTICE_PERIOD_NOT_OVER');
    expect(error.message).toContain('ends on 2024-04-16');
    expect(error.messageVi).toContain('2024-04-16');
    given(events)
      .when(cmd('ClosePublicNotice'), { now: '2024-04-16T17:00:00.000Z', actor: ACTORS.communeOfficial })
      .then([{ type: 'PublicNoticeClosed', data: { closedOn: '2024-04-17' } }]);
  });
  it('cannot close while a comment is unanswered, nor record or answer comments twice or blindly', () => {
    const { events } = reach(ntm1, 'noticeOpen');
    const commented = run([ntm1.steps[29]!], undefined, events).events;
    given(commented).when(cmd('ClosePublicNotice'), official('2024-04-17')).thenFails('COMMENTS_UNANSWERED');
    given(commented).when(ntm1.steps[29]!.command, official('2024-04-06')).thenFails('COMMENT_DUPLICATE');
    given(commented)
      .when(cmd('RespondToComment', { commentId: 'nope', response: 'x' }), official('2024-04-06'))
      .thenFails('COMMENT_NOT_FOUND');
  });
});

describe('poll and proposal meeting', () => {
  const { events } = reach(ntm1, 'noticeClosed');
  const front = as(ACTORS.frontOfficer, '2024-04-20');
  const tally = (
    villageId: string,
    households: number,
    respondents: number,
    satisfied: number,
  ): DecidedEvent[] =>
    run(
      [{ command: cmd('RecordPollTally', { villageId, households, respondents, satisfied }), ctx: front }],
      undefined,
      events,
    ).events;
  const report = cmd('IssuePollReport', { reportNo: '1/BC-MTTQ', issuedOn: '2024-04-22' });

  it('is recorded only by the Front, for villages of the commune', () => {
    given(events)
      .when(
        cmd('RecordPollTally', {
          villageId: `${TAN_LAP}-ban-cuon`,
          households: 10,
          respondents: 10,
          satisfied: 10,
        }),
        official('2024-04-20'),
      )
      .thenFails('ROLE_NOT_ALLOWED');
    given(events)
      .when(
        cmd('RecordPollTally', {
          villageId: '02035-ban-thi',
          households: 10,
          respondents: 10,
          satisfied: 10,
        }),
        front,
      )
      .thenFails('POLL_VILLAGE_OUTSIDE_UNIT');
    given(events).when(report, front).thenFails('POLL_NO_TALLIES');
  });
  it('needs the coverage of the rule set (70%)', () => {
    given(tally(`${TAN_LAP}-a`, 100, 69, 69))
      .when(report, front)
      .thenFails('POLL_COVERAGE_TOO_LOW');
    given(tally(`${TAN_LAP}-a`, 100, 70, 70))
      .when(report, front)
      .then([{ type: 'PollReportIssued', data: { respondents: 70, households: 100 } }]);
  });
  it('needs the pass mark of the rule set (90% satisfied)', () => {
    const error = given(tally(`${TAN_LAP}-a`, 100, 100, 89))
      .when(report, front)
      .thenFails('POLL_BELOW_PASS_MARK');
    expect(error.message).toContain('89/100');
    given(tally(`${TAN_LAP}-a`, 100, 100, 90))
      .when(report, front)
      .then([{ type: 'PollReportIssued', toState: 'pollReported' }]);
  });
  it('needs 90% of attendees in favour at the proposal meeting', () => {
    const reported = reach(ntm1, 'pollReported').events;
    const meeting = (f: number) =>
      cmd('RecordProposalMeeting', {
        heldOn: '2024-04-25',
        attendees: 40,
        for: f,
        against: 40 - f,
        blank: 0,
      });
    given(reported).when(meeting(35), official('2024-04-25')).thenFails('PROPOSAL_MEETING_BELOW_SHARE');
    given(reported)
      .when(meeting(36), official('2024-04-25'))
      .then([{ type: 'ProposalMeetingRecorded', toState: 'meetingHeld' }]);
  });
});

describe('submission', () => {
  it('blocks submission while a checklist item is missing', () => {
    const withoutSecurity = ntm1.steps.filter((s) => s.command.documentKind !== 'security_confirmation');
    const events = run(withoutSecurity, 'meetingHeld').events;
    const error = given(events)
      .when(cmd('SubmitDossier', { letterNo: '45/TTr-UBND' }), official('2024-04-26'))
      .thenFails('CHECKLIST_INCOMPLETE');
    expect(error.params).toEqual({ command: 'SubmitDossier', missing: ['security_confirmation'] });
  });
  it('schedules the verification deadline in Vietnamese working days (30/4-1/5 off, Saturday 4/5 worked)', () => {
    const { events } = reach(ntm1, 'meetingHeld');
    given(events)
      .when(cmd('SubmitDossier', { letterNo: '45/TTr-UBND' }), official('2024-04-26'))
      .then([
        { type: 'DossierSubmitted', data: { dossierVersion: 1 }, toState: 'submitted' },
        {
          type: 'DeadlineScheduled',
          data: { step: 'verification', startedOn: '2024-04-26', workingDays: 15, dueOn: '2024-05-21' },
        },
      ]);
  });
});

describe('verification, appraisal, council and decision', () => {
  const verifier = as(ACTORS.districtVerifier, '2024-05-06');
  it('keeps whoever prepared the dossier out of verification, council and decision', () => {
    const { events } = reach(ntm1, 'submitted');
    const verification = ntm1.steps.find((s) => s.command.type === 'RecordVerification')!.command;
    given(events)
      .when(verification, as({ ...ACTORS.districtVerifier, id: ACTORS.communeOfficial.id }, '2024-05-06'))
      .thenFails('SEGREGATION_OF_DUTIES');
    given(events)
      .when(verification, { ...verifier, onBehalfOf: ACTORS.communeOfficial })
      .thenFails('SEGREGATION_OF_DUTIES');
    const appraised = reach(ntm1, 'appraised').events;
    const preparerVotes = [...COUNCIL_MEMBERS.slice(0, 7), ACTORS.communeOfficial.id];
    given(appraised)
      .when(ballot(preparerVotes, { for: 8 }), as(ACTORS.councilSecretary, '2024-05-28'))
      .thenFails('SEGREGATION_OF_DUTIES');
    given(appraised)
      .when(
        ballot(preparerVotes, { for: 7 }, [ACTORS.communeOfficial.id]),
        as(ACTORS.councilSecretary, '2024-05-28'),
      )
      .then([{ type: 'CouncilBallotRecorded', toState: 'councilApproved' }, { type: 'DeadlineScheduled' }]);
    const approved = reach(ntm1, 'councilApproved').events;
    given(approved)
      .when(
        cmd('DecideRecognition', { outcome: 'recognise', decisionNo: '1/QĐ', decidedOn: '2024-05-30' }),
        as({ ...ACTORS.provincialChairman, id: ACTORS.communeOfficial.id }, '2024-05-30'),
      )
      .thenFails('SEGREGATION_OF_DUTIES');
  });
  it('lets only the district verify under the 2022 procedure, and the province under the two-tier one', () => {
    const { events } = reach(ntm1, 'submitted');
    const verification = ntm1.steps.find((s) => s.command.type === 'RecordVerification')!.command;
    given(events)
      .when(verification, as(ACTORS.provincialAppraiser, '2024-05-06'))
      .thenFails('ROLE_NOT_ALLOWED');
    const v2 = communeJourney('ntm', 2);
    const v2Verification = v2.steps.find((s) => s.command.type === 'RecordVerification')!;
    given(reach(v2, 'submitted').events)
      .when(v2Verification.command, as(ACTORS.districtVerifier, '2025-09-06'))
      .thenFails('ROLE_NOT_ALLOWED');
  });
  it('does not forward a dossier whose verification found a criterion not met', () => {
    const { events } = reach(ntm1, 'submitted');
    const results = Array.from({ length: 19 }, (_, i) => ({ code: String(i + 1), met: i !== 1 }));
    const verified = run(
      [{ command: cmd('RecordVerification', { reportNo: '1', criteria: results }), ctx: verifier }],
      undefined,
      events,
    );
    expect(verified.state?.criteria['2']).toMatchObject({ commune: { met: true }, verifier: { met: false } });
    const error = given(verified.events)
      .when(cmd('ForwardToProvince', { letterNo: '1' }), verifier)
      .thenFails('VERIFICATION_NOT_PASSED');
    expect(error.params).toEqual({ failing: ['2'] });
  });
  it('does not put an incomplete appraisal to the council', () => {
    const { events } = reach(ntm1, 'forwarded');
    const appraised = run(
      [
        {
          command: cmd('RecordAppraisal', {
            reportNo: '1',
            complete: false,
            fieldCheck: { heldOn: '2024-05-15', passed: true },
            criteria: [],
          }),
          ctx: as(ACTORS.provincialAppraiser, '2024-05-20'),
        },
      ],
      undefined,
      events,
    ).events;
    given(appraised)
      .when(ballot(COUNCIL_MEMBERS.slice(0, 8), { for: 8 }), as(ACTORS.councilSecretary, '2024-05-28'))
      .thenFails('APPRAISAL_NOT_PASSED');
  });
  it('needs the quorum of the rule set (2/3 of members present)', () => {
    const { events } = reach(ntm1, 'appraised');
    const secretary = as(ACTORS.councilSecretary, '2024-05-28');
    const error = given(events)
      .when(ballot(COUNCIL_MEMBERS.slice(0, 5), { for: 5 }), secretary)
      .thenFails('COUNCIL_QUORUM_NOT_MET');
    expect(error.message).toContain('5/9');
    given(events)
      .when(ballot(COUNCIL_MEMBERS.slice(0, 6), { for: 6 }), secretary)
      .then([{ toState: 'councilApproved' }, { type: 'DeadlineScheduled' }]);
    given(events)
      .when(ballot(COUNCIL_MEMBERS.slice(0, 6), { for: 5, against: 1 }), secretary)
      .then([{ type: 'CouncilBallotRecorded', data: { approved: false }, toState: 'councilNotApproved' }]);
  });
  it('cannot recognise against the council, nor by anyone but the provincial chairman', () => {
    const notApproved = reach(ntm1, 'councilNotApproved').events;
    const recognise = cmd('DecideRecognition', {
      outcome: 'recognise',
      decisionNo: '1/QĐ',
      decidedOn: '2024-05-30',
    });
    given(notApproved)
      .when(recognise, as(ACTORS.provincialChairman, '2024-05-30'))
      .thenFails('DECISION_CONTRADICTS_COUNCIL');
    given(reach(ntm1, 'councilApproved').events)
      .when(recognise, as(ACTORS.councilMember, '2024-05-30'))
      .thenFails('ROLE_NOT_ALLOWED');
  });
  it('accepts nothing once the recognition is announced', () => {
    const { events } = reach(ntm1, 'announced');
    const error = given(events)
      .when(cmd('WithdrawDossier', { reason: 'x' }), official('2024-06-06'))
      .thenFails('COMMAND_NOT_ALLOWED_IN_STATE');
    expect(error.kind).toBe('conflict');
  });
  it('resubmits a returned dossier as a new version', () => {
    const { events } = reach(ntm1, 'returned');
    given(events)
      .when(
        cmd('ResubmitDossier', { letterNo: '46/TTr-UBND', changes: 'Bổ sung tiêu chí 2' }),
        official('2024-05-10'),
      )
      .then([
        { type: 'DossierResubmitted', data: { dossierVersion: 2 }, toState: 'submitted' },
        { type: 'DeadlineScheduled' },
      ]);
  });
});

describe('village, revocation and post-merger refusals', () => {
  it('village v1 is decided by the district chairman, v2 by the commune chairman', () => {
    const v1 = villageJourney(1);
    const decide = (date: string) => ({
      type: 'DecideRecognition',
      dossierId: v1.dossierId,
      outcome: 'recognise',
      decisionNo: '1/QĐ',
      decidedOn: date,
    });
    given(reach(v1, 'submitted').events)
      .when(decide('2024-04-22'), as(ACTORS.communeChairman, '2024-04-22'))
      .thenFails('ROLE_NOT_ALLOWED');
    const v2 = villageJourney(2);
    given(reach(v2, 'submitted').events)
      .when(
        { ...decide('2025-08-22'), dossierId: v2.dossierId },
        as(ACTORS_2025.communeChairman, '2025-08-22'),
      )
      .then([{ type: 'RecognitionDecided', toState: 'recognised' }]);
  });
  it('village notice runs 10 days', () => {
    const v1 = villageJourney(1);
    const error = given(reach(v1, 'noticeOpen').events)
      .when({ type: 'ClosePublicNotice', dossierId: v1.dossierId }, as(ACTORS.communeOfficial, '2024-04-11'))
      .thenFails('NOTICE_PERIOD_NOT_OVER');
    expect(error.params).toMatchObject({ days: 10, endsOn: '2024-04-11' });
  });
  it('revocation needs the recognition it revokes, and is dismissed without grounds', () => {
    const r = revocationJourney(1);
    const opening = r.steps[0]!;
    given([])
      .when(opening.command, { ...opening.ctx, unitRecognition: null })
      .thenFails('PRECONDITION_TIER');
    expect(reach(r, 'dismissed').state.revocation).toMatchObject({ revoke: false });
    expect(reach(r, 'assessed').state.revocation).toMatchObject({ revoke: true, ground: 'half_or_more' });
    const assessor = reach(r, 'submitted');
    given(assessor.events)
      .when(
        {
          type: 'DecideRevocation',
          dossierId: r.dossierId,
          outcome: 'revoke',
          decisionNo: '1/QĐ',
          decidedOn: '2024-09-25',
        },
        as(ACTORS.districtVerifier, '2024-09-25'),
      )
      .thenFails('ROLE_NOT_ALLOWED');
  });
  it('post-merger acknowledgement needs a merger on record', () => {
    const p = postMergerJourney();
    const opening = p.steps[0]!;
    given([])
      .when({ ...opening.command, unitCode: '02032' }, opening.ctx)
      .thenFails('UNIT_NOT_ELIGIBLE');
  });
});

describe('deadlines', () => {
  it('elapse only after their due day, once, and only by the deadline worker', () => {
    const { events, state } = reach(ntm1, 'submitted');
    const deadline = state.deadlines[0]!;
    expect(deadline).toMatchObject({ step: 'verification', dueOn: '2024-05-21' });
    const elapse = cmd('ElapseDeadline', { deadlineId: deadline.deadlineId });
    given(events).when(elapse, as(ACTORS.administrator, '2024-05-21')).thenFails('DEADLINE_NOT_DUE');
    given(events).when(elapse, as(ACTORS.districtVerifier, '2024-05-22')).thenFails('ROLE_NOT_ALLOWED');
    const { history } = given(events)
      .when(elapse, as(ACTORS.administrator, '2024-05-22'))
      .then([
        {
          type: 'DeadlineElapsed',
          data: { dueOn: '2024-05-21', elapsedOn: '2024-05-22' },
          toState: 'submitted',
        },
      ]);
    given(history).when(elapse, as(ACTORS.administrator, '2024-05-23')).thenFails('DEADLINE_NOT_OPEN');
  });
});
