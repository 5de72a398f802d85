/**
 * The decider's events in the store's envelope, as a projector reads them from the log, without a store: for tests
 * of the read side that fold journeys (`run`, `reach`) into views.
 */
import type { DecidedEvent } from '@ntm/domain';
import type { Json, RecordedEvent } from '@ntm/event-store';

/** `events` of one dossier as recorded events of `streamId`; `at(i)` is the i-th event's occurredAt. */
export function recordedEvents(
  streamId: string,
  events: readonly DecidedEvent[],
  at: (index: number) => string,
): RecordedEvent[] {
  const opened = events[0]!.data as { workflow: { id: string; version: number } };
  return events.map((e, i) => ({
    eventId: `${streamId}-${i}`,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: JSON.parse(JSON.stringify(e.data)) as { [key: string]: Json },
    metadata: {
      actor: { id: 'x', role: 'commune_official', unit: '00000' },
      correlationId: 'c',
      occurredAt: at(i),
      workflow: opened.workflow,
      fromState: e.fromState,
      toState: e.toState,
    },
    streamId,
    revision: BigInt(i),
    position: BigInt(i + 1),
    recordedAt: at(i),
    prevHash: '0',
    hash: '0',
  }));
}
