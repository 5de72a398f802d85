/**
 * The hash chain: each event's hash is SHA-256 over the canonical JSON of its identity, content and the hash of
 * the event before it in the same stream, so editing, deleting or reordering a stored event is detectable by
 * anyone who reads the stream. Truncating the tail is not detectable from the stream alone: anchor the head hash
 * elsewhere (e.g. in a signed report) when that matters.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson.js';
import type { NewEvent, RecordedEvent } from './EventStore.js';

/** prevHash of revision 0: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** An event with its place in the stream and its hash link, as an adapter writes it. */
export interface ChainedEvent extends NewEvent {
  streamId: string;
  revision: bigint;
  prevHash: string;
  hash: string;
}

type HashInput = Pick<
  RecordedEvent,
  'streamId' | 'revision' | 'eventId' | 'type' | 'schemaVersion' | 'data' | 'metadata' | 'prevHash'
>;

/** SHA-256 hex over canonicalJson({streamId, revision, eventId, type, schemaVersion, data, metadata, prevHash}). */
export function hashEvent(event: HashInput): string {
  const canonical = canonicalJson({
    streamId: event.streamId,
    // A JSON number: revisions stay far below 2^53.
    revision: Number(event.revision),
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    prevHash: event.prevHash,
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Give a batch its revisions and hash links. `firstRevision` is the revision the first event will get and
 * `prevHash` the hash of the stream's current last event (GENESIS_HASH for a new stream).
 */
export function chainEvents(
  streamId: string,
  firstRevision: bigint,
  prevHash: string,
  events: readonly NewEvent[],
): ChainedEvent[] {
  const chained: ChainedEvent[] = [];
  let link = prevHash;
  events.forEach((event, index) => {
    const base = { ...event, streamId, revision: firstRevision + BigInt(index), prevHash: link };
    const hash = hashEvent(base);
    chained.push({ ...base, hash });
    link = hash;
  });
  return chained;
}

export type ChainVerification =
  | { ok: true; count: number }
  | {
      ok: false;
      firstBadRevision: bigint;
      eventId: string;
      /** hash_mismatch: content edited; broken_link: prevHash does not match; revision_gap: an event is missing */
      reason: 'hash_mismatch' | 'broken_link' | 'revision_gap';
    };

/**
 * Verify a whole stream, as read in revision order from revision 0. Reports the first bad event: a missing
 * revision (deleted event), a prevHash that is not the previous event's hash (reordered or replaced event), or
 * a hash that does not match the content (edited event).
 */
export function verifyChain(events: readonly (HashInput & { hash: string })[]): ChainVerification {
  let expectedRevision = 0n;
  let expectedPrev = GENESIS_HASH;
  for (const event of events) {
    const fail = (reason: 'hash_mismatch' | 'broken_link' | 'revision_gap'): ChainVerification => ({
      ok: false,
      firstBadRevision: event.revision,
      eventId: event.eventId,
      reason,
    });
    if (event.revision !== expectedRevision) return fail('revision_gap');
    if (event.prevHash !== expectedPrev) return fail('broken_link');
    const hash = hashEvent(event);
    if (hash !== event.hash) return fail('hash_mismatch');
    expectedRevision += 1n;
    expectedPrev = hash;
  }
  return { ok: true, count: events.length };
}
