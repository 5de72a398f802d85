/**
 * Builds the XState v5 machine of a workflow definition. The machine is read, never run: its transition table says
 * where a command leads (`tableTransition`, as XState's pure `transition` would), no actor is ever started, and
 * deadlines are events, not `after` timers. Each transition carries its roles and checks in `meta`; its guard runs the same checks; its
 * `scheduleDeadline` action is data that the decider turns into a `DeadlineScheduled` event.
 */
import { setup } from 'xstate';
import { firstFailure, type CheckName } from './checks.js';
import type { DeadlineStep, Edge, MachineContext, MachineEvent, WorkflowDefinition } from './types.js';

/** What every transition of a workflow machine carries in `meta`. */
export interface EdgeMeta {
  roles: readonly string[];
  checks: readonly CheckName[];
  deadline?: DeadlineStep;
}

/** The machine of one workflow definition, with the definition in its context for the guards. */
export function buildMachine(definition: WorkflowDefinition) {
  const states: Record<string, { type?: 'final'; on: Record<string, unknown[]> }> = {};
  const stateOf = (name: string) =>
    (states[name] ??= definition.finalStates.includes(name) ? { type: 'final', on: {} } : { on: {} });
  stateOf(INITIAL_STEP);
  for (const edge of definition.edges) {
    stateOf(edge.to);
    const on = stateOf(edge.from).on;
    (on[edge.command] ??= []).push(transitionOf(edge));
  }
  return setup({
    types: { context: {} as MachineContext, events: {} as MachineEvent, input: {} as MachineContext },
    guards: {
      passes: ({ context, event }, params: { checks: readonly CheckName[] }) =>
        firstFailure(params.checks, {
          dossier: context.dossier,
          body: event.body,
          input: event.input,
          definition: context.definition,
          command: event.type,
        }) === null,
    },
    actions: {
      // Never executed: `transition()` returns it as data and the decider appends the matching event.
      scheduleDeadline: (_args, _params: { step: DeadlineStep }) => undefined,
    },
  }).createMachine({
    id: `${definition.id}-v${definition.version}`,
    initial: INITIAL_STEP,
    context: ({ input }) => input,
    // The state table is generated from the edges above; XState checks its shape when the machine is created.
    states: states as never,
  });
}

function transitionOf(edge: Edge) {
  const meta: EdgeMeta = {
    roles: edge.roles,
    checks: edge.checks ?? [],
    ...(edge.deadline ? { deadline: edge.deadline } : {}),
  };
  return {
    ...(edge.to === edge.from ? {} : { target: edge.to }),
    ...(edge.checks ? { guard: { type: 'passes', params: { checks: edge.checks } } } : {}),
    ...(edge.deadline ? { actions: [{ type: 'scheduleDeadline', params: { step: edge.deadline } }] } : {}),
    meta,
  };
}

export type WorkflowMachine = ReturnType<typeof buildMachine>;

/** The step every workflow machine starts in, before its opening command. */
export const INITIAL_STEP = 'draft';

/**
 * Where `command` leads from `state`, as XState's pure `transition` would answer: the first of the state's
 * transitions for the command whose guard passes (`passes`, given the transition's checks), its target, and the
 * deadline its `scheduleDeadline` action opens; undefined when no guard passes. Read from the machine's transition
 * table, not executed: the machines have no entry, exit or eventless transitions and run no action, and their guard
 * is the named checks, so the table holds all XState would say; executing it ran every check a second time, after
 * the decider's own (ADR 0054; a test compares both on every workflow).
 */
export function tableTransition(
  machine: WorkflowMachine,
  state: string,
  command: string,
  passes: (meta: EdgeMeta) => boolean,
): { to: string; deadlines: DeadlineStep[] } | undefined {
  const taken = candidatesOf(machine, state, command).find((c) => passes(c.meta));
  return taken && { to: taken.to, deadlines: taken.meta.deadline ? [taken.meta.deadline] : [] };
}

/** The transitions a machine defines for a command in a state, in priority order, with their targets. */
export function candidatesOf(
  machine: WorkflowMachine,
  state: string,
  command: string,
): { to: string; meta: EdgeMeta }[] {
  const node = (
    machine.root.states as Record<
      string,
      { on: Record<string, { target?: readonly { key: string }[]; meta?: unknown }[]> }
    >
  )[state];
  return (node?.on[command] ?? []).map((t) => ({
    to: t.target?.[0]?.key ?? state,
    meta: t.meta as EdgeMeta,
  }));
}
