/**
 * The council's electronic ballot over HTTP (ADR 0022), on PostgreSQL: a two-tier commune dossier is appraised;
 * the secretary opens a ballot; one member recuses, too few vote, a second vote is refused, a member of another
 * province is refused; the ballot closes void; a second ballot is approved and the chairman recognises the
 * commune. Each reader sees the running tally their role allows, and no reason text reaches the event log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonSha256, type DomainActor } from '@ntm/domain';
import {
  ACTORS_2025,
  communeJourney,
  councilBallotSteps,
  councilMember,
  membersActing,
  sendCommand,
  specOf,
  type JourneyStep,
} from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ now: new Date('2025-08-01T02:00:00Z'), schemaPrefix: 'api_ballot' });
});
afterAll(() => t.close());

const journey = communeJourney('ntm', 2);
const secretary = ACTORS_2025.councilSecretary;
const day = '2025-09-28';
const member = (n: number) => councilMember(`hd-tv-${n}`, secretary);
const cursor: JourneyCursor = {};

async function drive(steps: readonly JourneyStep[]): Promise<void> {
  for (const step of steps) {
    const answer = await t.sendStep(step, cursor);
    expect(answer.status, `${step.command.type}: ${JSON.stringify(answer.body)}`).toBe(
      specOf(step.command.type).creates ? 201 : 200,
    );
  }
}

async function view(actor: DomainActor) {
  const response = await fetch(`${t.url}/dossiers/${cursor.dossierId}`, {
    headers: { authorization: `Bearer ${await t.tokenFor(actor)}` },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk loosely typed JSON
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const send = async (actor: DomainActor, command: JourneyStep['command']) =>
  sendCommand({
    baseUrl: t.url,
    token: await t.tokenFor(actor),
    command,
    dossierId: cursor.dossierId,
    etag: cursor.etag,
  });

describe('the council ballot over HTTP', () => {
  it('runs a void ballot, then an approved one, with refusals that change nothing', async () => {
    const untilCouncil = journey.steps.findIndex((s) => s.command.type === 'RecordCouncilBallot');
    await drive(journey.steps.slice(0, untilCouncil));
    const id = journey.dossierId;
    const reason = 'Vợ tôi là cán bộ văn phòng UBND xã Quảng Bạch';
    // B1: member 9 recuses, members 1 and 2 approve: 2 of 9 is no quorum.
    const first = councilBallotSteps(
      id,
      secretary,
      day,
      { ...membersActing(2, 'approve') },
      { ballotNo: 'B1', close: false },
    );
    await drive(first);
    await drive([
      {
        command: { type: 'RecuseFromCouncil', dossierId: id, reason },
        ctx: { now: `${day}T02:00:00.000Z`, actor: member(9) },
      },
    ]);
    const before = await t.countEvents();

    const again = await send(member(1), { type: 'CastCouncilVote', vote: 'reject', reason: 'Đổi ý' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'COUNCIL_VOTE_ALREADY_CAST' });
    const stranger = await send(
      { id: 'hd-hanoi-1', role: 'council_member', unit: '01' },
      { type: 'CastCouncilVote', vote: 'approve' },
    );
    expect(stranger.status).toBe(404);
    const notListed = await send(councilMember('hd-tv-99', secretary), {
      type: 'CastCouncilVote',
      vote: 'approve',
    });
    expect(notListed.status).toBe(403);
    expect(notListed.body).toMatchObject({ code: 'COUNCIL_NOT_BALLOT_MEMBER' });
    const badVote = await send(member(3), { type: 'CastCouncilVote', vote: 'maybe' });
    expect(badVote.status).toBe(400);
    expect(await t.countEvents()).toBe(before);

    // The texts are in the erasable table, for the secretary and auditors only; a refused vote's text is not kept.
    const reasons = async (actor: DomainActor) => {
      const response = await fetch(`${t.url}/dossiers/${cursor.dossierId}/council/reasons`, {
        headers: { authorization: `Bearer ${await t.tokenFor(actor)}` },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect((await reasons(secretary)).body['reasons']).toEqual([
      expect.objectContaining({
        memberId: 'hd-tv-9',
        kind: 'recusal',
        text: reason,
        sha256: reasonSha256(reason),
      }),
    ]);
    expect((await reasons(member(9))).status).toBe(403);
    expect((await reasons(ACTORS_2025.communeOfficial)).status).toBe(403);

    const bySecretary = await view(secretary);
    expect(bySecretary.body['councilBallot']).toMatchObject({
      ballotNo: 'B1',
      membersTotal: 9,
      votesCast: 2,
      recusedCount: 1,
      quorum: { met: false, confirmed: false },
      counts: { for: 2, against: 0, blank: 0 },
      voterIds: ['hd-tv-1', 'hd-tv-2'],
      recusedMemberIds: ['hd-tv-9'],
    });
    expect(bySecretary.body['state']).not.toHaveProperty('councilBallot');
    const byMember = await view(member(1));
    expect(byMember.body['councilBallot']).toMatchObject({ votesCast: 2, mine: { vote: 'approve' } });
    expect(byMember.body['councilBallot']).not.toHaveProperty('voterIds');
    expect(byMember.body['councilBallot']).not.toHaveProperty('counts');
    // Having voted, the member is offered neither a second vote nor a recusal (both would be refused).
    expect(byMember.body['allowedCommands']).toEqual([]);
    expect((await view(member(3))).body['allowedCommands']).toEqual(['CastCouncilVote', 'RecuseFromCouncil']);
    const byOfficial = await view(ACTORS_2025.communeOfficial);
    expect(byOfficial.body['councilBallot']).toMatchObject({ votesCast: 2, quorum: { met: false } });
    expect(byOfficial.body['councilBallot']).not.toHaveProperty('counts');
    expect(byOfficial.body['councilBallot']).not.toHaveProperty('voterIds');
    expect((await view({ id: 'hd-hanoi-1', role: 'council_member', unit: '01' })).status).toBe(404);

    await drive([{ command: { type: 'CloseCouncilBallot', dossierId: id }, ctx: first[0]!.ctx }]);
    const voided = await view(secretary);
    expect(voided.body['state']).toMatchObject({
      step: 'appraised',
      councilBallots: [{ ballotNo: 'B1', result: 'void' }],
    });
    expect(voided.body).not.toHaveProperty('councilBallot');

    // B2: seven approve, one stays away, one recuses: 7 of 9 voted (quorum), 7 of 7 in favour.
    await drive(
      councilBallotSteps(
        id,
        secretary,
        day,
        { ...membersActing(7, 'approve'), 'hd-tv-9': 'recuse' },
        { ballotNo: 'B2' },
      ),
    );
    const approved = await view(secretary);
    expect(approved.body['state']).toMatchObject({
      step: 'councilApproved',
      council: { approved: true, for: 7, blank: 0, recused: ['hd-tv-9'] },
    });
    await drive(journey.steps.slice(untilCouncil + 1, untilCouncil + 2));
    expect((await view(secretary)).body['state']).toMatchObject({ step: 'recognised' });

    const history = await fetch(`${t.url}/dossiers/${cursor.dossierId}/history`, {
      headers: { authorization: `Bearer ${await t.tokenFor({ id: 'kt', role: 'auditor', unit: '19' })}` },
    });
    const text = await history.text();
    expect(history.status).toBe(200);
    expect(text).toContain('CouncilBallotClosed');
    expect(text).not.toContain('Quảng Bạch');
  });
});
