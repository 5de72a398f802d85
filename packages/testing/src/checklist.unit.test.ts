/**
 * The document checklist per dossier kind and step (law as data): every listed step of every workflow refuses with
 * CHECKLIST_INCOMPLETE, naming the missing kind, when one required document is taken out of the journey's history;
 * every item carries its legal basis and `confirmed` flag; and the journeys themselves pass every step.
 */
import { describe, expect, it } from 'vitest';
import { replay, workflowByPin, type DecidedEvent, type WorkflowDefinition } from '@ntm/domain';
import type { CommandType } from '@ntm/contracts';
import { given } from './spec.js';
import { ACTORS, at } from './fixtures.js';
import { allJourneys, communeJourney, reach, run, type Journey } from './journeys.js';

function definitionOf(journey: Journey): WorkflowDefinition {
  const { events } = run(journey.steps.slice(0, 1));
  return workflowByPin(replay(events).workflow)!.definition;
}

/** The events of a journey up to (not including) its first `command`, and that step. */
function before(journey: Journey, command: CommandType) {
  const index = journey.steps.findIndex((s) => s.command.type === command);
  if (index < 0) return undefined;
  return { events: run(journey.steps.slice(0, index)).events, step: journey.steps[index]! };
}

const kindOf = (e: DecidedEvent) => (e.data as { documentKind?: string }).documentKind;

describe('document checklist per dossier kind and step', () => {
  for (const journey of allJourneys()) {
    const definition = definitionOf(journey);
    describe(journey.name, () => {
      it('lists the documents of each step with a legal basis and a confirmed flag', () => {
        const items = Object.values(definition.checklist).flat();
        // A complaint is filed with its grounds (kept outside the log); no step of it waits on a document.
        if (definition.kind === 'COMPLAINT') return expect(items).toEqual([]);
        expect(items.length).toBeGreaterThan(0);
        for (const item of items) {
          expect(item.legalBasis.length).toBeGreaterThan(5);
          expect(typeof item.confirmed).toBe('boolean');
        }
        expect(Object.keys(definition.checklist)).toContain('SubmitDossier');
      });

      for (const [command, items] of Object.entries(definition.checklist)) {
        const reached = before(journey, command as CommandType);
        if (reached === undefined) continue; // a step off the journey's main path (ResubmitDossier): below
        for (const { documentKind } of items ?? []) {
          it(`${command} is refused while ${documentKind} is missing, naming it`, () => {
            const without = reached.events.filter((e) => kindOf(e) !== documentKind);
            expect(without.length).toBeLessThan(reached.events.length);
            const error = given(without)
              .when(reached.step.command, reached.step.ctx)
              .thenFails('CHECKLIST_INCOMPLETE');
            expect(error.params).toMatchObject({ command, missing: [documentKind] });
            expect(error.messageVi).toContain(documentKind);
          });
        }
      }
    });
  }

  it('refuses a resubmission while a required document is missing', () => {
    const journey = communeJourney('ntm', 1);
    const kind = definitionOf(journey).checklist.ResubmitDossier![0]!.documentKind;
    const returned = reach(journey, 'returned').events.filter((e) => kindOf(e) !== kind);
    const error = given(returned)
      .when(
        {
          type: 'ResubmitDossier',
          dossierId: journey.dossierId,
          letterNo: '46/TTr-UBND',
          changes: 'bổ sung',
        },
        { now: at('2024-05-20'), actor: ACTORS.communeOfficial },
      )
      .thenFails('CHECKLIST_INCOMPLETE');
    expect(error.params).toMatchObject({ command: 'ResubmitDossier', missing: [kind] });
    expect(error.message).toContain(kind);
  });
});
