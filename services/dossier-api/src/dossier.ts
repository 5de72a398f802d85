/**
 * The bridge between HTTP and the pure domain: load a dossier's stream and fold it, and wrap decided events in
 * the store's envelope. Kept apart from the routes so the write path reads top to bottom.
 */
import { dossierStreamId, type EventStore, type NewEvent, type RecordedEvent } from '@ntm/event-store';
import { evolve, replay, type DecidedEvent, type DomainActor, type DossierState } from '@ntm/domain';

/** A dossier as read from its stream. `revision` is undefined when the stream does not exist. */
export interface LoadedDossier {
  streamId: string;
  events: RecordedEvent[];
  state: DossierState | undefined;
  revision: bigint | undefined;
}

/** Dossier ids are opaque, URL-safe and short: this rules out path traversal and oversized keys at the edge. */
export const DOSSIER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

/** Reads and folds a dossier from its first event, optionally only up to a revision or an instant (audit routes). */
export async function loadDossier(
  store: EventStore,
  id: string,
  upTo: { revision?: bigint; at?: string } = {},
): Promise<LoadedDossier> {
  const streamId = dossierStreamId(id);
  const all = await store.readStream(streamId);
  const events = all.filter(
    (e) =>
      (upTo.revision === undefined || e.revision <= upTo.revision) &&
      (upTo.at === undefined || e.metadata.occurredAt <= upTo.at),
  );
  const last = events.at(-1);
  return { streamId, events, state: last ? replay(events) : undefined, revision: last?.revision };
}

/** A dossier's current state without its events. */
export interface CurrentDossier {
  streamId: string;
  state: DossierState | undefined;
  revision: bigint | undefined;
}

/**
 * Folded states of recently used dossiers. Events never change, so a cached state at revision N plus the events
 * after N is the current state: a read costs one small query and the fold of the new events instead of a replay
 * of the whole stream. Bounded; least recently used entries are dropped first.
 */
export class DossierCache {
  private readonly entries = new Map<string, { revision: bigint; state: DossierState }>();

  constructor(private readonly capacity = 2000) {}

  /** The current state: the cached fold brought up to date from the store. */
  async current(store: EventStore, id: string): Promise<CurrentDossier> {
    const streamId = dossierStreamId(id);
    const cached = this.entries.get(streamId);
    const fresh = await store.readStream(streamId, cached ? { fromRevision: cached.revision + 1n } : {});
    if (!cached && fresh.length === 0) return { streamId, state: undefined, revision: undefined };
    let state = cached?.state;
    for (const event of fresh) state = evolve(state, event);
    const revision = fresh.at(-1)?.revision ?? cached!.revision;
    this.remember(streamId, revision, state!);
    return { streamId, state, revision };
  }

  /**
   * The cached state when it is exactly at `revision`, without asking the store. Only for a command with
   * `If-Match: revision`: its conditional append then proves the state was current, and fails if it was not.
   */
  at(id: string, revision: bigint | undefined): CurrentDossier | undefined {
    const streamId = dossierStreamId(id);
    const cached = this.entries.get(streamId);
    if (revision === undefined || cached?.revision !== revision) return undefined;
    return { streamId, state: cached.state, revision };
  }

  /** Records a state known to be at `revision` (after an append); an older one never replaces a newer one. */
  remember(streamId: string, revision: bigint, state: DossierState): void {
    const known = this.entries.get(streamId);
    if (known && known.revision > revision) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, { revision, state });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** What the envelope needs to know about the request that caused the events. */
export interface EnvelopeContext {
  actor: DomainActor;
  onBehalfOf?: DomainActor | undefined;
  correlationId: string;
  causationId: string;
  occurredAt: string;
  workflow: { id: string; version: number } | undefined;
  /** event id per index; deterministic under an Idempotency-Key */
  eventId: (index: number) => string;
}

/** Wraps each decided event in the store envelope with who, why, when, and the workflow pin. */
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

/** Strong ETag of a revision. */
export const etagOf = (revision: bigint): string => `"${revision}"`;

/** Parses `If-Match: "<revision>"`; undefined when malformed. */
export function parseIfMatch(header: string): bigint | undefined {
  const match = /^"(\d{1,15})"$/.exec(header.trim());
  return match ? BigInt(match[1]!) : undefined;
}
