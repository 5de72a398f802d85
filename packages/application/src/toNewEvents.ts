/** The store's envelope around decided events: who, on whose behalf, why, when, and the workflow pin. */
import type { NewEvent } from '@ntm/event-store';
import type { DecidedEvent, DomainActor } from '@ntm/domain';

/** What the envelope needs to know about the request that caused the events. */
export interface EnvelopeContext {
  actor: DomainActor;
  onBehalfOf?: DomainActor | undefined;
  correlationId: string;
  causationId: string;
  occurredAt: string;
  workflow: { id: string; version: number } | undefined;
  /** event id per index; deterministic under an idempotency key */
  eventId: (index: number) => string;
}

/** Wraps each decided event in the store envelope. */
export function toNewEvents(decided: DecidedEvent[], ctx: EnvelopeContext): NewEvent[] {
  return decided.map((event, index) => ({
    eventId: ctx.eventId(index),
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data as NewEvent['data'],
    metadata: {
      actor: ctx.actor,
      onBehalfOf: ctx.onBehalfOf,
      correlationId: ctx.correlationId,
      causationId: ctx.causationId,
      occurredAt: ctx.occurredAt,
      workflow: ctx.workflow,
      fromState: event.fromState,
      toState: event.toState,
    },
  }));
}
