/**
 * A journey's events as the store records them, with each step's actor and instant in the envelope and the numbers
 * the counters would have drawn: what document tests render from, without a store.
 */
import { decide, replay, type DecidedEvent, type DossierState, type DrawnNumbers } from '@ntm/domain';
import type { Json, RecordedEvent } from '@ntm/event-store';
import { JourneyError } from './journeys/reach.js';
import type { JourneyStep } from './journeys/journey.js';

/** Runs `steps` through the decider with `numbers` and records every event with its step's envelope. */
export function journeyRecords(
  streamId: string,
  steps: readonly JourneyStep[],
  numbers: DrawnNumbers = {},
): RecordedEvent[] {
  const decided: DecidedEvent[] = [];
  const records: RecordedEvent[] = [];
  let state: DossierState | undefined;
  steps.forEach(({ command, ctx }, step) => {
    const result = decide(state, command, { ...ctx, numbers });
    if (!result.ok) throw new JourneyError(`${command.type} refused: ${result.error.code}`);
    decided.push(...result.value);
    state = replay(decided);
    const occurredAt = new Date(ctx.now).toISOString();
    for (const e of result.value) {
      const revision = records.length;
      records.push({
        eventId: `${streamId}-${revision}`,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: JSON.parse(JSON.stringify(e.data)) as { [key: string]: Json },
        metadata: {
          actor: ctx.actor,
          onBehalfOf: ctx.onBehalfOf,
          correlationId: `step-${step}`,
          occurredAt,
          workflow: state.workflow,
          fromState: e.fromState,
          toState: e.toState,
        },
        streamId,
        revision: BigInt(revision),
        position: BigInt(revision + 1),
        recordedAt: occurredAt,
        prevHash: '0',
        hash: '0',
      });
    }
  });
  return records;
}
