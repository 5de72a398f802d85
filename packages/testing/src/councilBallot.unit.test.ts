/**
 * The council's electronic ballot (ADR 0022), given/when/then: opening, voting, recusing and closing, and every
 * refusal, on a two-tier commune dossier brought to `appraised` by its journey.
 */
import { describe, expect, it } from 'vitest';
import {
  allowedCommands,
  reasonSha256,
  replay,
  ruleSetById,
  type DecidedEvent,
  type DomainActor,
} from '@ntm/domain';
import { ACTORS_2025, at, COUNCIL_MEMBERS } from './fixtures.js';
import { given } from './spec.js';
import {
  communeJourney,
  councilBallotSteps,
  councilMember,
  membersActing,
  postMergerJourney,
  reach,
  run,
  type BallotAct,
} from './journeys.js';

const journey = communeJourney('ntm', 2);
const id = journey.dossierId;
const secretary = ACTORS_2025.councilSecretary;
const day = '2025-09-28';
const ctx = (actor: DomainActor) => ({ now: at(day), actor });
const member = (n: number) => councilMember(COUNCIL_MEMBERS[n - 1]!, secretary);
const appraised = () => reach(journey, 'appraised').events;

/** The dossier with a ballot open and the given acts done. */
function voting(acts: Record<string, BallotAct> = {}, options: { members?: readonly string[] } = {}) {
  const steps = councilBallotSteps(id, secretary, day, acts, { ...options, close: false });
  return run(steps, undefined, appraised()).events;
}
const vote = (v: BallotAct, reason?: string) => ({
  type: 'CastCouncilVote',
  dossierId: id,
  vote: v,
  ...(reason ? { reason } : {}),
});
const close = { type: 'CloseCouncilBallot', dossierId: id, minutesNo: '7/BB-HĐTĐ' };

describe('opening the ballot', () => {
  it('the secretary opens it on an appraised dossier, with the quorum and share of the pinned rule set', () => {
    const { state } = given(appraised())
      .when(
        { type: 'OpenCouncilBallot', dossierId: id, ballotNo: 'B1', heldOn: day, memberIds: COUNCIL_MEMBERS },
        ctx(secretary),
      )
      .then([{ type: 'CouncilBallotOpened', fromState: 'appraised', toState: 'councilVoting' }]);
    const rules = ruleSetById(state.ruleSet.id, state.ruleSet.version);
    expect(rules.council.quorum.confirmed).toBe(false);
    const [opened] = run(
      councilBallotSteps(id, secretary, day, {}, { close: false }).slice(0, 1),
      undefined,
      appraised(),
    ).events.slice(-1);
    expect(opened?.data).toMatchObject({
      quorum: rules.council.quorum.value,
      approvalShare: rules.council.approvalShare.value,
      by: { id: secretary.id },
    });
    expect(state.councilBallot).toEqual({
      ballotNo: 'B1',
      heldOn: day,
      memberIds: COUNCIL_MEMBERS,
      votes: {},
      recused: [],
    });
  });
  it('is refused to a council member, and to a secretary who prepared the dossier', () => {
    const open = { type: 'OpenCouncilBallot', dossierId: id, ballotNo: 'B1', heldOn: day, memberIds: ['a'] };
    given(appraised())
      .when(open, ctx(member(1)))
      .thenFails('ROLE_NOT_ALLOWED');
    const preparer = {
      ...ACTORS_2025.communeOfficial,
      role: 'council_secretary' as const,
      unit: secretary.unit,
    };
    given(appraised()).when(open, ctx(preparer)).thenFails('SEGREGATION_OF_DUTIES');
  });
  it('refuses members listed twice, before anything is decided', () => {
    given(appraised())
      .when(
        { type: 'OpenCouncilBallot', dossierId: id, ballotNo: 'B1', heldOn: day, memberIds: ['a', 'a'] },
        ctx(secretary),
      )
      .thenFails('VALIDATION_FAILED');
  });
});

describe('voting and recusing', () => {
  it('records a member’s vote under their own id, and only the hash of their reason', () => {
    const reason = 'Tiêu chí 17 còn vướng về môi trường tại thôn Nà Hà';
    const { events, state } = given(voting())
      .when(vote('reject', reason), ctx(member(2)))
      .then([{ type: 'CouncilVoteCast', toState: 'councilVoting' }]);
    expect(events[0]?.data).toEqual({
      ballotNo: `HĐ-${day}`,
      vote: 'reject',
      reasonSha256: reasonSha256(reason),
      by: { id: 'hd-tv-2', role: 'council_member' },
    });
    expect(JSON.stringify(events)).not.toContain('Nà Hà');
    expect(state.councilBallot?.votes).toEqual({ 'hd-tv-2': 'reject' });
  });
  it('allows one vote per member: a second vote is COUNCIL_VOTE_ALREADY_CAST (409)', () => {
    const error = given(voting({ 'hd-tv-1': 'approve' }))
      .when(vote('reject'), ctx(member(1)))
      .thenFails('COUNCIL_VOTE_ALREADY_CAST');
    expect(error.kind).toBe('conflict');
  });
  it('refuses a member the ballot does not list (403)', () => {
    const error = given(voting({}, { members: COUNCIL_MEMBERS.slice(0, 5) }))
      .when(vote('approve'), ctx(member(9)))
      .thenFails('COUNCIL_NOT_BALLOT_MEMBER');
    expect(error.kind).toBe('forbidden');
  });
  it('refuses a vote from the secretary, who records the ballot but is no member', () => {
    given(voting()).when(vote('approve'), ctx(secretary)).thenFails('ROLE_NOT_ALLOWED');
  });
  it('records a recusal once: a recused member neither votes nor recuses again; a voter cannot recuse', () => {
    const { events, state } = given(voting())
      .when(
        { type: 'RecuseFromCouncil', dossierId: id, reason: 'Anh ruột là Chủ tịch UBND xã' },
        ctx(member(3)),
      )
      .then([{ type: 'CouncilMemberRecused', toState: 'councilVoting' }]);
    expect(JSON.stringify(events)).not.toContain('Chủ tịch UBND xã');
    expect(state.councilBallot?.recused).toEqual(['hd-tv-3']);
    given(voting({ 'hd-tv-3': 'recuse' }))
      .when(vote('approve'), ctx(member(3)))
      .thenFails('COUNCIL_MEMBER_RECUSED');
    given(voting({ 'hd-tv-3': 'recuse' }))
      .when({ type: 'RecuseFromCouncil', dossierId: id, reason: 'again' }, ctx(member(3)))
      .thenFails('COUNCIL_MEMBER_RECUSED');
    given(voting({ 'hd-tv-3': 'approve' }))
      .when({ type: 'RecuseFromCouncil', dossierId: id, reason: 'late' }, ctx(member(3)))
      .thenFails('COUNCIL_VOTE_ALREADY_CAST');
  });
  it('refuses the vote of a member who prepared the dossier, who may still recuse', () => {
    const preparer = {
      ...ACTORS_2025.communeOfficial,
      role: 'council_member' as const,
      unit: secretary.unit,
    };
    const listed = voting({}, { members: [...COUNCIL_MEMBERS.slice(0, 8), preparer.id] });
    given(listed).when(vote('approve'), ctx(preparer)).thenFails('SEGREGATION_OF_DUTIES');
    given(listed)
      .when({ type: 'RecuseFromCouncil', dossierId: id, reason: 'Đã lập hồ sơ' }, ctx(preparer))
      .then([{ type: 'CouncilMemberRecused' }]);
  });
  it('offers members their commands and the secretary the closing, and nothing else while voting', () => {
    const state = replay(voting());
    expect(allowedCommands(state, member(1))).toEqual(['CastCouncilVote', 'RecuseFromCouncil']);
    expect(allowedCommands(state, secretary)).toEqual(['CloseCouncilBallot']);
    expect(allowedCommands(state, ACTORS_2025.communeOfficial)).toEqual([]);
  });
});

describe('closing the ballot', () => {
  it('approves with quorum and the share: the tally and who voted go into the event; the decision deadline starts', () => {
    const acts = { ...membersActing(8, 'approve'), 'hd-tv-9': 'recuse' as const };
    const { events, state } = given(voting(acts))
      .when(close, ctx(secretary))
      .then([
        { type: 'CouncilBallotClosed', fromState: 'councilVoting', toState: 'councilApproved' },
        { type: 'DeadlineScheduled', data: { step: 'decision' } },
      ]);
    expect(events[0]?.data).toMatchObject({
      result: 'approved',
      minutesNo: '7/BB-HĐTĐ',
      closedOn: day,
      membersTotal: 9,
      voterIds: COUNCIL_MEMBERS.slice(0, 8),
      recusedMemberIds: ['hd-tv-9'],
      absentMemberIds: [],
      for: 8,
      against: 0,
      blank: 0,
      quorumMet: true,
    });
    expect(state.council).toMatchObject({ approved: true, present: 9, for: 8, recused: ['hd-tv-9'] });
    expect(state.councilBallot).toBeUndefined();
    expect(state.councilBallots).toEqual([{ ballotNo: `HĐ-${day}`, closedOn: day, result: 'approved' }]);
  });
  it('does not approve below the share: the refusal path follows', () => {
    const acts = { ...membersActing(8, 'approve'), 'hd-tv-7': 'reject', 'hd-tv-8': 'abstain' } as const;
    const { history } = given(voting(acts))
      .when(close, ctx(secretary))
      .then([
        {
          type: 'CouncilBallotClosed',
          data: { result: 'not_approved', for: 6 },
          toState: 'councilNotApproved',
        },
      ]);
    given(history)
      .when(
        { type: 'DecideRecognition', dossierId: id, outcome: 'refuse', decisionNo: '9/QĐ', decidedOn: day },
        ctx(ACTORS_2025.provincialChairman),
      )
      .then([{ type: 'RecognitionRefused', toState: 'refused' }]);
  });
  it('is void without quorum, recused members counting for nobody: the dossier waits, appraised, for a new ballot', () => {
    // 5 votes of 9 members is below 2/3; with the 3 recused counted present it would be 8/9.
    const acts = {
      ...membersActing(5, 'approve'),
      'hd-tv-6': 'recuse',
      'hd-tv-7': 'recuse',
      'hd-tv-8': 'recuse',
    } as const;
    const { history, state } = given(voting(acts))
      .when(close, ctx(secretary))
      .then([
        {
          type: 'CouncilBallotClosed',
          data: { result: 'void', quorumMet: false, absentMemberIds: ['hd-tv-9'] },
          toState: 'appraised',
        },
      ]);
    expect(state.council).toBeUndefined();
    const again = (ballotNo: string) => ({
      type: 'OpenCouncilBallot',
      dossierId: id,
      ballotNo,
      heldOn: day,
      memberIds: COUNCIL_MEMBERS,
    });
    given(history)
      .when(again(`HĐ-${day}`), ctx(secretary))
      .thenFails('COUNCIL_BALLOT_NO_USED');
    const second = given(history)
      .when(again('B2'), ctx(secretary))
      .then([{ toState: 'councilVoting' }]);
    const rest = councilBallotSteps(id, secretary, day, membersActing(7, 'approve')).slice(1);
    const after = run(rest, undefined, second.history as DecidedEvent[]).state;
    expect(after?.step).toBe('councilApproved');
    expect(after?.councilBallots?.map((b) => b.result)).toEqual(['void', 'approved']);
  });
  it('is refused to a member and to a secretary who prepared the dossier', () => {
    given(voting())
      .when(close, ctx(member(1)))
      .thenFails('ROLE_NOT_ALLOWED');
    const preparer = {
      ...ACTORS_2025.communeOfficial,
      role: 'council_secretary' as const,
      unit: secretary.unit,
    };
    given(voting()).when(close, ctx(preparer)).thenFails('SEGREGATION_OF_DUTIES');
  });
});

describe('the post-merger acknowledgement', () => {
  it('runs the same ballot to its council-approved step', () => {
    const j = postMergerJourney();
    const { events } = reach(j, 'appraised');
    const steps = councilBallotSteps(j.dossierId, secretary, '2025-08-20', membersActing(9, 'approve'));
    expect(run(steps, undefined, events).state?.step).toBe('councilApproved');
  });
});
