import { describe, expect, it } from 'vitest';
import { addCalendarDays, allowedCommands, decide, evolve, issuableCommands } from '@ntm/domain';
import { ACTORS, ACTORS_2025, at } from './fixtures.js';
import { communeJourney, councilBallotSteps, councilMember, reach, run } from './journeys.js';

describe('allowedCommands', () => {
  const journey = communeJourney('ntm', 1);
  it('tells each role what it may do next', () => {
    const { state } = reach(journey, 'noticeClosed');
    expect(allowedCommands(state, ACTORS.frontOfficer).sort()).toEqual([
      'AttachDocument',
      'AttachDocumentFile',
      'IssuePollReport',
      'RecordPollTally',
    ]);
    expect(allowedCommands(state, ACTORS.communeOfficial).sort()).toEqual([
      'AttachDocument',
      'AttachDocumentFile',
      'PublishResults',
      'WithdrawDossier',
    ]);
    expect(allowedCommands(state, ACTORS.auditor)).toEqual([]);
  });
  it('leaves out what segregation of duties forbids', () => {
    const { state } = reach(journey, 'submitted');
    // By role alone the verifier may also apologise for a late dossier; on a day it is not late, it may not.
    expect(allowedCommands(state, ACTORS.districtVerifier).sort()).toEqual([
      'IssueApology',
      'RecordVerification',
      'ReturnDossier',
    ]);
    const onTime = at(state.deadlines[0]!.dueOn);
    expect(allowedCommands(state, ACTORS.districtVerifier, onTime).sort()).toEqual([
      'RecordVerification',
      'ReturnDossier',
    ]);
    const late = at(addCalendarDays(state.deadlines[0]!.dueOn, 1));
    expect(allowedCommands(state, ACTORS.districtVerifier, late)).toContain('IssueApology');
    expect(allowedCommands(state, { ...ACTORS.districtVerifier, id: ACTORS.communeOfficial.id })).toEqual([]);
  });
  it("offers a council member the ballot's vote and recusal only while they are theirs to use", () => {
    const v2 = communeJourney('ntm', 2);
    const appraised = reach(v2, 'appraised');
    const secretary = ACTORS_2025.councilSecretary;
    const [voter, recusing, waiting] = ['hd-tv-1', 'hd-tv-2', 'hd-tv-3'].map((id) =>
      councilMember(id, secretary),
    );
    const { state } = run(
      councilBallotSteps(
        v2.dossierId,
        secretary,
        '2025-09-28',
        { 'hd-tv-1': 'approve', 'hd-tv-2': 'recuse' },
        {
          members: ['hd-tv-1', 'hd-tv-2', 'hd-tv-3'],
          close: false,
        },
      ),
      undefined,
      appraised.events,
    );
    expect(allowedCommands(state!, voter!)).toEqual([]);
    expect(allowedCommands(state!, recusing!)).toEqual([]);
    expect(allowedCommands(state!, waiting!).sort()).toEqual(['CastCouncilVote', 'RecuseFromCouncil']);
    expect(allowedCommands(state!, councilMember('hd-tv-9', secretary))).toEqual([]);
  });
});

describe('issuableCommands', () => {
  it('adds the signing of the decision, no step of the procedure, for the one who decides, until it is signed', () => {
    const journey = communeJourney('ntm', 1);
    const { state } = reach(journey, 'recognised');
    const decider = journey.steps.find((s) => s.command.type === 'DecideRecognition')!.ctx.actor;
    expect(issuableCommands(state, decider)).toContain('SignDecision');
    // The inboxes follow the steps: signing is not one of them.
    expect(allowedCommands(state, decider)).not.toContain('SignDecision');
    expect(issuableCommands(state, ACTORS.communeOfficial)).not.toContain('SignDecision');
    expect(issuableCommands(state, ACTORS.auditor)).toEqual([]);
    const sign = {
      type: 'SignDecision',
      dossierId: journey.dossierId,
      decisionNo: state.decision!.decisionNo,
      sha256: 'a'.repeat(64),
      size: 1000,
      signer: { subject: 'CN=Chủ tịch', issuer: 'CN=Ban Cơ yếu Chính phủ' },
      signedAt: '2024-05-30T03:00:00.000Z',
      verdict: 'valid',
    } as const;
    const decided = decide(state, sign, { now: sign.signedAt, actor: decider });
    expect(decided.ok, JSON.stringify(decided)).toBe(true);
    const signed = decided.ok ? decided.value.reduce(evolve, state) : state;
    expect(issuableCommands(signed, decider)).not.toContain('SignDecision');
  });
});
