import { describe, expect, it } from 'vitest';
import {
  allowedCommands,
  DEADLINE_COMMANDS,
  ROLES,
  workflowByPin,
  type DecidedEvent,
  type DossierState,
} from '@ntm/domain';
import type { RecordedEvent } from '@ntm/event-store';
import {
  ACTORS_2025,
  actorFor,
  allJourneys,
  communeJourney,
  reach,
  recordedEvents,
  revocationJourney,
  run,
  type Journey,
} from '@ntm/testing';
import { evolveView, nextActor, nextActors, statusOf, type DossierView } from './index.js';

/** The decider's events in the store's envelope, as the projector reads them. */
const recorded = (streamId: string, events: readonly DecidedEvent[]) =>
  recordedEvents(streamId, events, (i) => `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`);

const fold = (events: RecordedEvent[]) => events.reduce<DossierView | undefined>(evolveView, undefined)!;

/** Every step a journey visits, main path and detours, with the events that reach it. */
function stepsOf(journey: Journey): { step: string; events: DecidedEvent[]; state: DossierState }[] {
  const { events } = run(journey.steps);
  const main = [...new Set(events.map((e) => e.toState))];
  return [...main, ...Object.keys(journey.detours)].map((step) => ({ step, ...reach(journey, step) }));
}

/**
 * Roles that `allowedCommands` lets act on the step (someone who prepared nothing, so segregation of duties is out
 * of play); a deadline's own commands (extension, apology) are not the step's work.
 */
function rolesAllowed(journey: Journey, state: DossierState): string[] {
  // An open ballot is offered only to the members it lists who have yet to act: a council member is one of them.
  const ballot = state.councilBallot;
  const pending = ballot?.memberIds.find((m) => ballot.votes[m] === undefined && !ballot.recused.includes(m));
  const idOf = (role: string) => (role === 'council_member' && pending ? pending : 'fresh-actor');
  const work = (role: (typeof ROLES)[number]) =>
    allowedCommands(state, { ...actorFor(journey, role), id: idOf(role) }).filter(
      (c) => !DEADLINE_COMMANDS.has(c as never),
    );
  // The administrator acts for the system; an integration client reads the status feed and has no dossier rights.
  return ROLES.filter(
    (role) => role !== 'administrator' && role !== 'integration_client' && role !== 'data_protection_officer',
  )
    .filter((role) => work(role).length > 0)
    .sort();
}

describe('who acts next, from the machines', () => {
  for (const journey of allJourneys()) {
    it(`${journey.name}: the inbox roles are the roles allowedCommands lets act, at every step`, () => {
      for (const { step, events, state } of stepsOf(journey)) {
        const view = fold(recorded(`dossier-${journey.dossierId}`, events));
        expect(view.step).toBe(step);
        const inbox = [
          ...new Set(
            nextActors(view)
              .filter((e) => e.from === null)
              .map((e) => e.role),
          ),
        ].sort();
        expect({ step, roles: inbox }).toEqual({ step, roles: rolesAllowed(journey, state) });
      }
    });
  }

  it('puts each role in the inbox of the unit it acts for', () => {
    const journey = communeJourney('ntm', 1);
    // The entries of the procedure as pinned (the successors' entries from the 2025 cut-over are tested below).
    const at = (step: string) =>
      nextActors(fold(recorded('dossier-j', reach(journey, step).events)))
        .filter((e) => e.from === null)
        .map((e) => [e.role, e.unitCode]);
    expect(at('noticeClosed')).toEqual([
      ['commune_official', '02032'],
      ['front_officer', '02032'],
    ]);
    expect(at('forwarded')).toEqual([
      ['commune_official', '02032'],
      ['provincial_appraiser', '06'],
    ]);
    expect(at('councilApproved')).toEqual([['provincial_chairman', '06']]);
    expect(at('announced')).toEqual([]);
  });

  it("hands a district step to the successor role, and a merged unit's step to its successor unit, from 2025", () => {
    const journey = communeJourney('ntm', 1);
    const { events, state } = reach(journey, 'submitted');
    const view = fold(recorded('dossier-j', events));
    expect(nextActors(view)).toEqual([
      // Tân Lập (02032) merged into 02038 of Thái Nguyên, whose officials take the commune's step over.
      { role: 'commune_official', unitCode: '02032', provinceCode: '06', from: null, until: '2025-06-30' },
      { role: 'commune_official', unitCode: '02038', provinceCode: '19', from: '2025-07-01', until: null },
      { role: 'district_verifier', unitCode: '064', provinceCode: '06', from: null, until: '2025-06-30' },
      // The successor's row is in its own province, where its readers are.
      { role: 'provincial_appraiser', unitCode: '19', provinceCode: '19', from: '2025-07-01', until: null },
    ]);
    expect(nextActor(view, '2025-06-30')).toEqual({ role: 'commune_official', unitCode: '02032' });
    const after = nextActors(view).filter((e) => e.from === null || e.from <= '2025-07-01');
    expect(after.map((e) => e.role)).toContain('provincial_appraiser');
    // The domain agrees: after the cut-over the province's appraiser may verify this dossier.
    const now = '2025-07-10T03:00:00.000Z';
    expect(allowedCommands(state, ACTORS_2025.provincialAppraiser, now)).toContain('RecordVerification');
  });

  it('answers each view by its own fields, whatever was asked before (the answers are kept by what they read)', () => {
    const journey = communeJourney('ntm', 1);
    const base = fold(recorded('dossier-j', reach(journey, 'submitted').events));
    const units = (view: DossierView) =>
      nextActors(view).map((e) => `${e.role}@${e.unitCode}:${e.from ?? ''}`);
    const asked = units(base);
    // Each variant differs from the view asked first in one field the answer reads.
    expect(units({ ...base, communeCode: '02035' })).toContain('commune_official@02035:');
    expect(units({ ...base, districtCode: null })).toContain('district_verifier@06:');
    expect(units({ ...base, districtCode: '065' })).toContain('district_verifier@065:');
    expect(units({ ...base, ruleSet: null })).toEqual(['commune_official@02032:', 'district_verifier@064:']);
    expect(units({ ...base, step: 'forwarded', ruleSet: null })).toEqual([
      'commune_official@02032:',
      'provincial_appraiser@06:',
    ]);
    expect(units({ ...base, step: 'forwarded', provinceCode: '08', ruleSet: null })).toContain(
      'provincial_appraiser@08:',
    );
    expect(units({ ...base, workflowVersion: 999 })).toEqual([]);
    expect(units(base)).toEqual(asked);
  });
});

describe('status in the dossier list', () => {
  it('is the outcome at every final step of every workflow, never in_progress', () => {
    for (const journey of allJourneys()) {
      for (const { step, events } of stepsOf(journey)) {
        const view = fold(recorded(`dossier-${journey.dossierId}`, events));
        const final = workflowByPin({ id: view.workflowId!, version: view.workflowVersion! })!.definition
          .finalStates;
        if (final.includes(step)) expect([journey.name, step, statusOf(view)]).not.toContain('in_progress');
      }
    }
  });

  it('says kept and dismissed for revocations that end so', () => {
    for (const version of [1, 2] as const) {
      const journey = revocationJourney(version);
      const status = (step: string) => statusOf(fold(recorded('dossier-r', reach(journey, step).events)));
      expect([status('kept'), status('dismissed'), status('published')]).toEqual([
        'kept',
        'dismissed',
        'revoked',
      ]);
    }
  });
});
