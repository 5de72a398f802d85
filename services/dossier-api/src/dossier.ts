/**
 * The service's side of the application layer (`@ntm/application`): the ports the command handler runs on, built
 * from the app's decorators, and what only HTTP needs (dossier ids in paths, ETags, `If-Match`), plus the audit
 * routes' unchecked read (they must show a stream whose chain is broken, to say where).
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { dossierStreamId, type EventStore, type RecordedEvent } from '@ntm/event-store';
import { replay, type DossierState } from '@ntm/domain';
import { can } from '@ntm/auth';
import type { Authorize, CommandPorts } from '@ntm/application';

export { DossierCache } from '@ntm/application';

/** A dossier as read from its stream. `revision` is undefined when the stream does not exist. */
export interface LoadedDossier {
  streamId: string;
  events: RecordedEvent[];
  state: DossierState | undefined;
  revision: bigint | undefined;
}

/** Dossier ids are opaque, URL-safe and short: this rules out path traversal and oversized keys at the edge. */
export const DOSSIER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

/**
 * Reads and folds a dossier from its first event, optionally only up to a revision or an instant. For the audit
 * routes only: it does not check the hash chain, so that `verify` and `history` can show a tampered stream.
 */
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

/** Jurisdiction by `can`, with the dossier's pinned rule set, the business clock and the unit registry. */
export function jurisdictionOf(fastify: FastifyInstance): Authorize {
  return (actor, action, scope, ruleSet) =>
    can(
      actor,
      action,
      scope,
      ruleSet && { ruleSet, now: fastify.clock.now(), units: fastify.domainContext.units },
    );
}

/** The command handler's ports over the app's decorators; `log` receives the chain alarms. */
export function commandPortsOf(fastify: FastifyInstance, log: FastifyBaseLogger = fastify.log): CommandPorts {
  return {
    store: fastify.store,
    dossiers: fastify.dossiers,
    clock: fastify.clock,
    domainContext: fastify.domainContext,
    unitRecognition: (unitCode) => fastify.unitRecognition(unitCode),
    recognitionsOn: (unitCodes, onDate) => fastify.recognitionsOn(unitCodes, onDate),
    authorize: jurisdictionOf(fastify),
    notifyAppended: (notice) => fastify.notifyAppended(notice),
    log,
  };
}

/** Strong ETag of a revision. */
export const etagOf = (revision: bigint): string => `"${revision}"`;

/** Parses `If-Match: "<revision>"`; undefined when malformed. */
export function parseIfMatch(header: string): bigint | undefined {
  const match = /^"(\d{1,15})"$/.exec(header.trim());
  return match ? BigInt(match[1]!) : undefined;
}
