/**
 * The checks one stream's events get, wherever they come from (a bundle's `events.jsonl`, the store itself): every
 * event's hash and link, revisions 0..n-1 with none missing, and a replay through the pinned workflow version that
 * must reproduce each recorded from-state and to-state. Shared by the offline verifier and `replay:check`.
 */
import { GENESIS_HASH, hashEvent } from '@ntm/event-store';
import { COMMAND_OF_EVENT, evolve, type DossierState, type WorkflowDefinition } from '@ntm/domain';
import { hashOfCanonicalLine, type EventLine } from './format.js';

export type CheckName =
  | 'archive'
  | 'manifest'
  | 'signature'
  | 'files'
  | 'documents'
  | 'hashes'
  | 'chain'
  | 'workflow'
  | 'rule-set'
  | 'replay'
  /** a unit bundle: a dossier the manifest lists is missing, or its own bundle does not verify */
  | 'dossiers';

export interface Failure {
  check: CheckName;
  message: string;
  /** the stream, where the events of several are checked together */
  streamId?: string;
  revision?: number;
  eventId?: string;
  expected?: string;
  found?: string;
}

/** One step of the dossier's story: who did what, when, from which step to which. */
export interface StoryStep {
  revision: number;
  occurredAt: string;
  type: string;
  actor: { id: string; role: string; unit: string };
  onBehalfOf?: { id: string; role: string; unit: string };
  fromState?: string;
  toState?: string;
}

/** Every event's hash and link, and revisions 0..n-1 with none missing or moved, all of `streamId`. */
export function checkStreamChain(
  events: readonly EventLine[],
  streamId: string,
  fail: (f: Failure) => void,
  /** each event's line as read (a bundle's `events.jsonl`): its hash is taken from the bytes, not re-serialised */
  lines?: readonly string[],
): void {
  let expectedPrev = GENESIS_HASH;
  events.forEach((e, index) => {
    const at = { revision: e.revision, eventId: e.eventId };
    if (e.streamId !== streamId)
      fail({
        check: 'chain',
        ...at,
        message: 'event of another stream',
        expected: streamId,
        found: e.streamId,
      });
    if (e.revision !== index)
      fail({
        check: 'chain',
        ...at,
        message: 'revision out of sequence (an event is missing or moved)',
        expected: String(index),
        found: String(e.revision),
      });
    if (e.prevHash !== expectedPrev)
      fail({
        check: 'chain',
        ...at,
        message: 'prevHash is not the previous event’s hash',
        expected: expectedPrev,
        found: e.prevHash,
      });
    const line = lines?.[index];
    const hash =
      (line !== undefined ? hashOfCanonicalLine(line, e) : undefined) ??
      hashEvent({ ...e, revision: BigInt(e.revision) });
    if (hash !== e.hash)
      fail({
        check: 'hashes',
        ...at,
        message: 'the event’s content does not match its hash',
        expected: e.hash,
        found: hash,
      });
    expectedPrev = e.hash;
  });
}

/**
 * Folds the events through the pinned machine (the domain's `evolve`, which checks each recorded from-state and
 * each transition), and, given a definition (a bundle's own `workflow.json`), checks each step change is one of
 * its edges. Stops at the first event the replay refuses: the state after it is unknown.
 */
export function replayEvents(
  events: readonly EventLine[],
  definition: WorkflowDefinition | undefined,
  fail: (f: Failure) => void,
): { story: StoryStep[]; state: DossierState | undefined } {
  const story: StoryStep[] = [];
  let state: DossierState | undefined;
  for (const e of events) {
    const at = { revision: e.revision, eventId: e.eventId };
    const { fromState, toState } = e.metadata;
    const step = state?.step ?? 'draft';
    try {
      state = evolve(state, e);
    } catch (error) {
      fail({
        check: 'replay',
        ...at,
        message: `${e.type}: ${(error as Error).message}`,
        expected: step,
        found: fromState ?? '(none)',
      });
      return { story, state: undefined };
    }
    if (toState !== undefined && state.step !== toState)
      fail({
        check: 'replay',
        ...at,
        message: `${e.type} recorded another to-state than the replay`,
        expected: state.step,
        found: toState,
      });
    // Clock events (a deadline scheduled, suspended or resumed) go with another command's event: no edge of their own.
    if (definition && Object.hasOwn(COMMAND_OF_EVENT, e.type)) {
      const command = COMMAND_OF_EVENT[e.type as keyof typeof COMMAND_OF_EVENT];
      const to = toState ?? step;
      if (!definition.edges.some((edge) => edge.from === step && edge.command === command && edge.to === to))
        fail({ check: 'replay', ...at, message: `workflow.json has no ${command} from ${step} to ${to}` });
    }
    const { actor, onBehalfOf, occurredAt } = e.metadata;
    story.push({
      revision: e.revision,
      occurredAt,
      type: e.type,
      actor: { id: actor.id, role: actor.role, unit: actor.unit },
      ...(onBehalfOf
        ? { onBehalfOf: { id: onBehalfOf.id, role: onBehalfOf.role, unit: onBehalfOf.unit } }
        : {}),
      ...(fromState !== undefined ? { fromState } : {}),
      ...(toState !== undefined ? { toState } : {}),
    });
  }
  return { story, state };
}
