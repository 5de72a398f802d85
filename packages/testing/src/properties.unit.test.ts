/**
 * Property tests: random interleavings of commands by random actors at random dates never bring a dossier into a
 * state the law forbids, and replaying the accepted events always rebuilds the same state. Sequences mix the next
 * step of a journey (so dossiers get far) with any command of the workflow, by any actor, including actors who
 * prepared the dossier, and with figures at and beyond the rule set's limits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decide,
  evolve,
  replay,
  shareMet,
  ruleSetById,
  type DecidedEvent,
  type DomainActor,
  type DossierState,
} from '@ntm/domain';
import { ACTORS, ACTORS_2025, COUNCIL_MEMBERS } from './fixtures.js';
import {
  allJourneys,
  councilBallotSteps,
  councilMember,
  run,
  type Journey,
  type JourneyStep,
} from './journeys.js';

const DAY = 86_400_000;
const shifted = (now: string | Date, days: number) =>
  new Date(Date.parse(String(typeof now === 'string' ? now : now.toISOString())) + days * DAY).toISOString();

/** Commands that try to break a rule: early closing, thin polls and ballots, decisions by a preparer. */
function mischief(journey: Journey): JourneyStep[] {
  const all = [...journey.steps, ...Object.values(journey.detours).map((d) => d.step)];
  const out: JourneyStep[] = [];
  for (const s of all) {
    const c = s.command;
    if (c.type === 'RecordPollTally')
      out.push({ ...s, command: { ...c, respondents: 100, households: 100, satisfied: 80 } });
    if (c.type === 'RecordCouncilBallot') {
      out.push({
        ...s,
        command: {
          ...c,
          presentMemberIds: COUNCIL_MEMBERS.slice(0, 4),
          recusedMemberIds: [],
          for: 4,
          against: 0,
          blank: 0,
        },
      });
      const preparer = journey.steps[0]!.ctx.actor.id;
      out.push({
        ...s,
        command: {
          ...c,
          presentMemberIds: [...COUNCIL_MEMBERS.slice(0, 7), preparer],
          recusedMemberIds: [],
          for: 8,
          against: 0,
          blank: 0,
        },
      });
    }
    if (c.type === 'OpenCouncilBallot') {
      // Electronic ballots: every member approving, rejecting or recusing, the preparer listed as a member, and the
      // closing, in any order the random moves pick.
      const preparer = journey.steps[0]!.ctx.actor;
      const secretary = s.ctx.actor;
      const date = String(s.ctx.now).slice(0, 10);
      out.push({ ...s, command: { ...c, ballotNo: 'P2', memberIds: [...COUNCIL_MEMBERS, preparer.id] } });
      for (const act of ['approve', 'reject', 'recuse'] as const)
        for (const id of COUNCIL_MEMBERS)
          out.push(...councilBallotSteps(journey.dossierId, secretary, date, { [id]: act }).slice(1, 2));
      out.push({
        command: { type: 'CastCouncilVote', dossierId: journey.dossierId, vote: 'approve' },
        ctx: { ...s.ctx, actor: councilMember(preparer.id, secretary) },
      });
      out.push(...councilBallotSteps(journey.dossierId, secretary, date, {}).slice(-1));
    }
    if (c.type === 'RecordProposalMeeting')
      out.push({ ...s, command: { ...c, attendees: 40, for: 30, against: 10, blank: 0 } });
  }
  return out;
}

function actorsOf(journey: Journey): DomainActor[] {
  const seen = new Map<string, DomainActor>();
  for (const a of [
    ...journey.steps.map((s) => s.ctx.actor),
    ...Object.values(ACTORS),
    ...Object.values(ACTORS_2025),
  ])
    seen.set(`${a.id}/${a.role}`, a);
  const preparer = journey.steps[0]!.ctx.actor;
  // The preparer in every other role: a person who changed jobs, or a shared account.
  for (const role of [
    'district_verifier',
    'provincial_appraiser',
    'council_secretary',
    'provincial_chairman',
    'district_chairman',
    'commune_chairman',
  ] as const) {
    seen.set(`${preparer.id}/${role}`, { ...preparer, role });
  }
  return [...seen.values()];
}

/** The invariants: what no sequence of accepted commands may ever produce. */
function assertLawful(state: DossierState, events: readonly DecidedEvent[]): void {
  const rules = ruleSetById(state.ruleSet.id, state.ruleSet.version);
  const decidedBy = state.decision?.by;
  if (decidedBy !== undefined) expect(state.preparers).not.toContain(decidedBy);
  if (state.verification) expect(state.preparers).not.toContain(state.verification.by);
  if (state.appraisal) expect(state.preparers).not.toContain(state.appraisal.by);
  if (state.notice?.closedOn !== undefined) expect(state.notice.closedOn > state.notice.endsOn).toBe(true);
  if (state.council)
    expect(shareMet(state.council.present, state.council.membersTotal, rules.council.quorum.value)).toBe(
      true,
    );
  const recognised = state.decision?.outcome === 'recognise' || state.decision?.outcome === 'acknowledge';
  if (recognised) expect(state.council === undefined || state.council.approved).toBe(true);
  if (recognised && state.kind.startsWith('COMMUNE_')) {
    const poll = state.poll.report;
    expect(poll).toBeDefined();
    expect(
      shareMet(poll!.satisfied, poll!.respondents, rules.poll.passShare[state.tier ?? 'ntm'].value),
    ).toBe(true);
    expect(state.council?.approved).toBe(true);
    // Every criterion of the pinned table (for a model commune: the advanced set plus M1..M3) self-assessed met.
    expect(state.criteriaCodes.filter((c) => state.criteria[c]?.commune?.met !== true)).toEqual([]);
  }
  // A successor never acts in the abolished role, and always says which rule let it act: the role it replaces,
  // or the merged-away unit whose role it took over.
  for (const e of events) {
    const d = e.data as {
      by?: { role: string };
      succession?: { role: string; replaces?: string; replacesUnit?: string; unitCode: string };
    };
    if (d.succession === undefined) continue;
    if (d.succession.replaces !== undefined) expect(d.succession.role).not.toBe(d.succession.replaces);
    else expect(d.succession.replacesUnit).not.toBe(d.succession.unitCode);
    if (d.by) expect(d.by.role).toBe(d.succession.role);
  }
  // An electronic ballot's result is what its votes say under the pinned rules, and no preparer's vote counts.
  for (const e of events.filter((x) => x.type === 'CouncilBallotClosed')) {
    const d = e.data as {
      result: string;
      membersTotal: number;
      voterIds: string[];
      for: number;
      against: number;
      blank: number;
    };
    const quorate = shareMet(d.voterIds.length, d.membersTotal, rules.council.quorum.value);
    const approves = shareMet(d.for, d.voterIds.length, rules.council.approvalShare.value);
    expect(d.result).toBe(!quorate ? 'void' : approves ? 'approved' : 'not_approved');
    expect(d.for + d.against + d.blank).toBe(d.voterIds.length);
    for (const id of d.voterIds) expect(state.preparers).not.toContain(id);
  }
  for (const e of events.filter((x) => x.type === 'CouncilBallotRecorded')) {
    const d = e.data as { presentMemberIds: string[]; recusedMemberIds: string[] };
    const voters = d.presentMemberIds.filter((id) => !d.recusedMemberIds.includes(id));
    for (const id of voters) expect(state.preparers).not.toContain(id);
  }
}

/** The journey with every step after submission some 14 months later: district steps fall after the cut-over. */
/** Who performs a district role's steps from the cut-over (the rule set's `succession`). */
const DISTRICT_SUCCESSOR: Partial<Record<string, DomainActor>> = {
  district_verifier: ACTORS_2025.provincialAppraiser,
  district_chairman: ACTORS_2025.communeChairman,
};

function acrossCutOver(journey: Journey): Journey {
  const submitted = journey.steps.findIndex((s) => s.command.type === 'SubmitDossier');
  const later = (s: JourneyStep): JourneyStep => ({
    command: s.command,
    ctx: {
      ...s.ctx,
      now: shifted(s.ctx.now, 430),
      actor: DISTRICT_SUCCESSOR[s.ctx.actor.role] ?? s.ctx.actor,
    },
  });
  return {
    ...journey,
    name: `${journey.name} across the cut-over`,
    steps: journey.steps.map((s, i) => (i > submitted ? later(s) : s)),
    detours: Object.fromEntries(
      Object.entries(journey.detours).map(([k, d]) => [k, { ...d, step: later(d.step) }]),
    ),
  };
}

const PICKED = [
  'commune ntm v1',
  'commune ntm v2',
  'commune model v1',
  'village v1',
  'village v2',
  'revocation v1',
  'post-merger acknowledgement v1',
];

describe('random command sequences by random actors', () => {
  const journeys = allJourneys().filter((j) => PICKED.includes(j.name));
  const ntm1 = journeys.find((j) => j.name === 'commune ntm v1');
  it('crosses the cut-over on the scripted path, the province succeeding the district', () => {
    const { events, state } = run(acrossCutOver(ntm1!).steps);
    expect(state?.step).toBe('announced');
    expect(events.filter((e) => 'succession' in e.data).map((e) => e.type)).toEqual([
      'VerificationRecorded',
      'DossierForwarded',
      // the district announced before the reform; its successor commune does after it
      'RecognitionAnnounced',
    ]);
  });
  for (const journey of [...journeys, ...(ntm1 ? [acrossCutOver(ntm1)] : [])]) {
    const pool = [
      ...journey.steps,
      ...Object.values(journey.detours).map((d) => d.step),
      ...mischief(journey),
    ];
    const actors = actorsOf(journey);
    const tweak = {
      actor: fc.option(fc.nat({ max: actors.length - 1 }), { nil: undefined, freq: 2 }),
      shift: fc.constantFrom(0, 0, -12, -3, -1, 1, 20),
    };
    // next: the journey's next step as scripted; tweak: the same step by another actor or on another day;
    // random: any command of the workflow. The journey advances only when its step is accepted.
    const move = fc.oneof(
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('next' as const) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('tweak' as const), ...tweak }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('random' as const),
          pick: fc.nat({ max: pool.length - 1 }),
          ...tweak,
        }),
      },
    );
    it(`${journey.name}: never reaches a forbidden state, and replay rebuilds the same state`, () => {
      fc.assert(
        fc.property(fc.array(move, { minLength: 60, maxLength: 140, size: 'max' }), (moves) => {
          let cursor = 0;
          let state: DossierState | undefined;
          const events: DecidedEvent[] = [];
          for (const m of moves) {
            const scripted = journey.steps[cursor];
            const base = m.kind === 'random' ? pool[m.pick] : scripted;
            if (!base) continue;
            const step: JourneyStep =
              m.kind === 'next'
                ? base
                : {
                    command: base.command,
                    ctx: {
                      ...base.ctx,
                      now: shifted(base.ctx.now, m.shift),
                      ...(m.actor !== undefined ? { actor: actors[m.actor]! } : {}),
                    },
                  };
            const result = decide(state, step.command, step.ctx);
            if (!result.ok) continue;
            if (m.kind !== 'random') cursor += 1;
            for (const e of result.value) state = evolve(state, e);
            events.push(...result.value);
            assertLawful(state!, events);
          }
          if (state) expect(replay(events)).toEqual(state);
        }),
        { numRuns: 80, seed: 20240502 },
      );
    });
  }
});
