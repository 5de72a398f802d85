import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { candidatesOf, INITIAL_STEP, tableTransition } from './machine.js';
import { WORKFLOWS } from './registry.js';
import type { MachineEvent } from './types.js';

const fire = (type: string) => ({ type, body: {}, input: {} }) as unknown as MachineEvent;

describe('the workflow machines read through their transition table (ADR 0054)', () => {
  it('start where XState starts them', () => {
    for (const wf of WORKFLOWS) {
      const [initial, actions] = initialTransition(wf.machine, { dossier: null, definition: wf.definition });
      expect(initial.value).toBe(INITIAL_STEP);
      expect(actions).toEqual([]);
    }
  });

  it('lead every command where XState’s own transition leads it, with the same deadlines, whichever guards pass', () => {
    let compared = 0;
    for (const wf of WORKFLOWS) {
      const context = { dossier: null, definition: wf.definition };
      const steps = new Set([INITIAL_STEP, ...wf.definition.edges.flatMap((e) => [e.from, e.to])]);
      for (const from of steps) {
        const commands = new Set(wf.definition.edges.filter((e) => e.from === from).map((e) => e.command));
        for (const command of commands) {
          const candidates = candidatesOf(wf.machine, from, command);
          // Each guarded candidate in turn is the only guard that passes, then none does (unguarded ones always do).
          for (const allowed of [...candidates.map((c) => c.meta.checks), undefined]) {
            const passes = (checks: readonly string[]) => checks.length === 0 || checks === allowed;
            const machine = wf.machine.provide({
              guards: { passes: (_args, params: { checks: readonly string[] }) => passes(params.checks) },
            });
            const [next, actions] = transition(
              machine,
              machine.resolveState({ value: from, context }),
              fire(command),
            );
            const table = tableTransition(wf.machine, from, command, (meta) => passes(meta.checks));
            expect(next.value).toBe(table?.to ?? from);
            expect(actions.map((a) => [a.type, (a.params as { step: string }).step])).toEqual(
              (table?.deadlines ?? []).map((step) => ['scheduleDeadline', step]),
            );
            compared += 1;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});
