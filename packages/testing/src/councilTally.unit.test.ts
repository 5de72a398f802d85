/** What each role sees of an open council ballot (`councilTally`, ADR 0022): never how each member voted. */
import { describe, expect, it } from 'vitest';
import { councilTally, replay } from '@ntm/domain';
import { ACTORS_2025 } from './fixtures.js';
import { communeJourney, councilBallotSteps, councilMember, reach, run } from './journeys.js';

const journey = communeJourney('ntm', 2);
const secretary = ACTORS_2025.councilSecretary;
const acts = { 'hd-tv-1': 'approve', 'hd-tv-2': 'reject', 'hd-tv-3': 'recuse' } as const;
const state = replay(
  run(
    councilBallotSteps(journey.dossierId, secretary, '2025-09-28', acts, { close: false }),
    undefined,
    reach(journey, 'appraised').events,
  ).events,
);

describe('councilTally', () => {
  it('gives the secretary and auditors the counts and who acted, but not who voted how', () => {
    const auditor = { id: 'kt', role: 'auditor' as const, unit: '19' };
    for (const actor of [secretary, auditor]) {
      const tally = councilTally(state, actor);
      expect(tally).toMatchObject({
        membersTotal: 9,
        votesCast: 2,
        recusedCount: 1,
        quorum: { met: false, confirmed: false },
        counts: { for: 1, against: 1, blank: 0 },
        voterIds: ['hd-tv-1', 'hd-tv-2'],
        recusedMemberIds: ['hd-tv-3'],
        pendingMemberIds: ['hd-tv-4', 'hd-tv-5', 'hd-tv-6', 'hd-tv-7', 'hd-tv-8', 'hd-tv-9'],
      });
      expect(JSON.stringify(tally)).not.toContain('reject');
    }
  });
  it('gives a member their own part only, and other readers the progress only', () => {
    const mine = councilTally(state, councilMember('hd-tv-2', secretary));
    expect(mine?.mine).toEqual({ eligible: true, vote: 'reject', recused: false });
    expect(mine).not.toHaveProperty('counts');
    expect(mine).not.toHaveProperty('voterIds');
    const official = councilTally(state, ACTORS_2025.communeOfficial);
    expect(official).toMatchObject({ votesCast: 2, recusedCount: 1 });
    expect(Object.keys(official ?? {}).sort()).toEqual(
      ['approvalShare', 'ballotNo', 'heldOn', 'membersTotal', 'quorum', 'recusedCount', 'votesCast'].sort(),
    );
  });
  it('is undefined when no ballot is open', () => {
    expect(councilTally(reach(journey, 'appraised').state, secretary)).toBeUndefined();
  });
});
