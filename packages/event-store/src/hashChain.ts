/**
 * The hash chain: each event's hash is SHA-256 over the canonical JSON of its identity, content and the hash of
 * the event before it in the same stream, so editing, deleting or reordering a stored event is detectable by
 * anyone who reads the stream. Truncating the tail is not detectable from the stream alone: anchor the head hash
 * elsewhere (e.g. in a signed report) when that matters.
 */
import * as crypto from 'node:crypto';
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

/**
 * SHA-256 hex over canonicalJson({streamId, revision, eventId, type, schemaVersion, data, metadata, prevHash}).
 * The top level is written in its canonical key order directly (no object built and sorted per event), and the
 * one-shot `crypto.hash` is used where Node has it (20.12+): on the append path of every store.
 */
export function hashEvent(event: HashInput): string {
  return sha256Hex(canonicalEvent(event));
}

/** The keys of the hashed object in canonical (UTF-16) order; an undefined value is omitted, as canonicalJson does. */
function canonicalEvent(event: HashInput): string {
  let out = '{';
  const field = (key: string, value: unknown) => {
    if (value === undefined) return;
    out += `${out.length > 1 ? ',' : ''}"${key}":${canonicalJson(value)}`;
  };
  field('data', event.data);
  field('eventId', event.eventId);
  field('metadata', event.metadata);
  field('prevHash', event.prevHash);
  // A JSON number: revisions stay far below 2^53.
  field('revision', Number(event.revision));
  field('schemaVersion', event.schemaVersion);
  field('streamId', event.streamId);
  field('type', event.type);
  return `${out}}`;
}

const oneShotHash = (
  crypto as unknown as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }
).hash;
const sha256Hex: (text: string) => string = oneShotHash
  ? (text) => oneShotHash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

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
  for (let index = 0; index < events.length; index++) {
    const event: ChainedEvent = {
      ...events[index]!,
      streamId,
      revision: firstRevision + BigInt(index),
      prevHash: link,
      hash: '',
    };
    event.hash = hashEvent(event);
    chained.push(event);
    link = event.hash;
  }
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
