/**
 * Builds the XState v5 machine of a workflow definition. The machine is used only through the pure
 * `initialTransition` / `transition` functions: no actor is ever started, and deadlines are events, not `after`
 * timers. Each transition carries its roles and checks in `meta`; its guard runs the same checks; its
 * `scheduleDeadline` action is data that the decider turns into a `DeadlineScheduled` event.
 */
import { createActor, setup, type AnyStateMachine, type ExecutableActionObject } from 'xstate';
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
  stateOf('draft');
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
    initial: 'draft',
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

/**
 * One inert actor scope per machine, and the actions its last transition collected. XState's own pure `transition`
 * and `initialTransition` build a new actor (and actor system) on every call to serve as the scope, which was a
 * quarter of the decider's CPU; the machines here spawn no children, delay nothing and run no action (the actions
 * are only collected), so one scope serves every call. Calls are synchronous: no two share the collector at once.
 */
type MachineScope = Parameters<WorkflowMachine['transition']>[2];
const scopes = new WeakMap<WorkflowMachine, { scope: MachineScope; actions: ExecutableActionObject[] }>();

/** The only action a workflow machine defines: `scheduleDeadline`, as data. */
export type MachineAction = ExecutableActionObject & { params: { step: DeadlineStep } };

function scopeOf(machine: WorkflowMachine): { scope: MachineScope; actions: ExecutableActionObject[] } {
  let entry = scopes.get(machine);
  if (entry === undefined) {
    // As XState's own inert scope: an actor that is never started, created without input.
    const self = createActor(machine as unknown as AnyStateMachine);
    const actions: ExecutableActionObject[] = [];
    const scope = {
      self,
      id: '',
      sessionId: '',
      logger: () => undefined,
      defer: () => undefined,
      emit: () => undefined,
      system: self.system,
      stopChild: () => undefined,
      actionExecutor: (action: ExecutableActionObject) => void actions.push(action),
    } as unknown as MachineScope;
    entry = { scope, actions };
    scopes.set(machine, entry);
  }
  entry.actions.length = 0;
  return entry;
}

/** XState's pure `initialTransition` (the snapshot and the actions to execute), on the machine's reused scope. */
export function initialStep(
  machine: WorkflowMachine,
  input: MachineContext,
): [ReturnType<WorkflowMachine['getInitialSnapshot']>, MachineAction[]] {
  const { scope, actions } = scopeOf(machine);
  const snapshot = machine.getInitialSnapshot(scope, input);
  return [snapshot, actions.splice(0) as MachineAction[]];
}

/** XState's pure `transition` (the next snapshot and the actions to execute), on the machine's reused scope. */
export function transitionStep(
  machine: WorkflowMachine,
  snapshot: ReturnType<WorkflowMachine['resolveState']>,
  event: MachineEvent,
): [ReturnType<WorkflowMachine['transition']>, MachineAction[]] {
  const { scope, actions } = scopeOf(machine);
  const next = machine.transition(snapshot, event, scope);
  return [next, actions.splice(0) as MachineAction[]];
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
