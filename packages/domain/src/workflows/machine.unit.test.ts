import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { buildMachine, initialStep, transitionStep } from './machine.js';
import type { MachineEvent, WorkflowDefinition } from './types.js';

/** A made-up procedure without checks: submitting opens the verification deadline, verifying opens none. */
const definition = {
  id: 'pure-transition-test',
  version: 1,
  kind: 'NTM',
  title: 'test',
  description: 'test',
  checklist: {},
  finalStates: ['done'],
  edges: [
    {
      from: 'draft',
      command: 'SubmitDossier',
      to: 'verifying',
      roles: ['commune_official'],
      deadline: 'verification',
    },
    { from: 'verifying', command: 'VerifyDossier', to: 'done', roles: ['district_official'] },
  ],
} as unknown as WorkflowDefinition;
const machine = buildMachine(definition);
const context = { dossier: null, definition };
const fire = (type: string) => ({ type, body: {}, input: {} }) as unknown as MachineEvent;

describe('the workflow machines’ pure transitions on a reused scope', () => {
  it('answer as XState’s own initialTransition and transition do', () => {
    const [initial, initialActions] = initialStep(machine, context);
    const [expectedInitial, expectedInitialActions] = initialTransition(machine, context);
    expect(initial.value).toEqual(expectedInitial.value);
    expect(initialActions).toEqual(expectedInitialActions);
    for (const [from, command] of [
      ['draft', 'SubmitDossier'],
      ['verifying', 'VerifyDossier'],
    ] as const) {
      const snapshot = machine.resolveState({ value: from, context });
      const [next, actions] = transitionStep(machine, snapshot, fire(command));
      const [expected, expectedActions] = transition(machine, snapshot, fire(command));
      expect(next.value).toEqual(expected.value);
      expect(actions.map((a) => [a.type, a.params])).toEqual(expectedActions.map((a) => [a.type, a.params]));
    }
  });

  it('gives each call its own actions: a deadline one transition schedules is not reported by the next', () => {
    const [, first] = transitionStep(
      machine,
      machine.resolveState({ value: 'draft', context }),
      fire('SubmitDossier'),
    );
    const [, second] = transitionStep(
      machine,
      machine.resolveState({ value: 'verifying', context }),
      fire('VerifyDossier'),
    );
    expect(first.map((a) => [a.type, a.params.step])).toEqual([['scheduleDeadline', 'verification']]);
    expect(second).toEqual([]);
  });
});
