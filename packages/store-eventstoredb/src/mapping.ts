/**
 * Pure translation between the engine's event-store port and the EventStoreDB/KurrentDB client's shapes:
 * expected revisions, driver errors, the `$all` filter, positions and the envelope stored in ESDB metadata.
 * Nothing here talks to a server, so all of it is unit-tested without one.
 */
import {
  NO_STREAM,
  START,
  ErrorType,
  WrongExpectedVersionError,
  isCommandError,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import type {
  AppendExpectedRevision,
  CurrentRevision,
  JSONEventData,
  JSONEventType,
  PrefixesFilter,
  ReadPosition,
  RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { EventStoreError, WrongExpectedRevisionError } from '@ntm/event-store';
import type {
  ChainedEvent,
  EventMetadata,
  ExpectedRevision,
  Json,
  NewEvent,
  RecordedEvent,
} from '@ntm/event-store';

/** Every engine stream starts with this prefix (see `dossierStreamId`); `$all` is filtered on it. */
export const ENGINE_STREAM_PREFIX = 'dossier-';

/** The largest value of ESDB's unsigned 64-bit positions: what older servers send when they have no position. */
const NO_POSITION = 2n ** 64n - 1n;

/** ESDB's "current revision" (as a conflict reports it) → the port's: `undefined` when there is no stream. */
export function fromEsdbCurrentRevision(current: CurrentRevision): bigint | undefined {
  return current === NO_STREAM ? undefined : current;
}

/** Whether a stream whose last revision is `actual` (undefined: no stream) satisfies the caller's expectation. */
export function satisfiesExpected(expected: ExpectedRevision, actual: bigint | undefined): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === undefined;
    case 'stream_exists':
      return actual !== undefined;
    default:
      return actual === expected;
  }
}

/**
 * The expected revision actually sent with an append: always the exact revision the adapter read, never the
 * caller's looser 'any'/'stream_exists'. The batch's prevHash was computed from that read, so the server must
 * refuse the write if anything was appended in between, or the hash chain would fork.
 */
export function wireExpectedRevision(readRevision: bigint | undefined): AppendExpectedRevision {
  return readRevision === undefined ? NO_STREAM : readRevision;
}

/**
 * Idempotency by event id, checked against the stream's tail: undefined when no id of the batch is there (a new
 * write); the stored events when the whole batch is there in the same order at consecutive revisions (a retry
 * of a write that succeeded). A batch that shares only some ids, or shares them out of order, is neither the
 * same write nor a new one: INVALID_EVENT.
 */
export function findRetriedBatch(
  streamId: string,
  events: readonly NewEvent[],
  tail: readonly RecordedEvent[],
): RecordedEvent[] | undefined {
  const byId = new Map(tail.map((event) => [event.eventId, event]));
  const stored = events.flatMap((event) => byId.get(event.eventId) ?? []);
  if (stored.length === 0) return undefined;
  const first = stored[0]?.revision ?? 0n;
  const sameBatch =
    stored.length === events.length && stored.every((event, i) => event.revision === first + BigInt(i));
  if (!sameBatch) {
    throw new EventStoreError(
      'INVALID_EVENT',
      `stream ${streamId}: ${stored.length} of ${events.length} event ids are already in the stream, ` +
        'not as the same batch; a retry must resend the same batch, a new batch needs new ids',
    );
  }
  return stored;
}

/** Text of an expected revision for error messages ("3", "no_stream", ...). */
export function describeExpected(expected: ExpectedRevision): string {
  return typeof expected === 'bigint' ? String(expected) : expected;
}

/** Driver errors that mean "the store cannot be reached or did not answer in time". */
const UNAVAILABLE_TYPES: ReadonlySet<string> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
  ErrorType.UNKNOWN,
]);

/**
 * Maps anything a client call threw to the port's errors: a version conflict becomes
 * `WrongExpectedRevisionError` with the server's actual revision; every other driver failure becomes
 * `EventStoreError('STORE_UNAVAILABLE')` with the driver error as `cause`. The port's own errors pass through.
 */
export function mapDriverError(
  error: unknown,
  streamId: string,
  expected: ExpectedRevision,
): EventStoreError {
  if (error instanceof EventStoreError) return error;
  if (error instanceof WrongExpectedVersionError) {
    return new WrongExpectedRevisionError(
      streamId,
      describeExpected(expected),
      fromEsdbCurrentRevision(error.actualVersion),
    );
  }
  if (error instanceof Error && isCommandError(error)) {
    const reason = UNAVAILABLE_TYPES.has(error.type) ? 'unavailable' : `refused the call (${error.type})`;
    return new EventStoreError('STORE_UNAVAILABLE', `EventStoreDB ${reason}: ${error.message}`, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new EventStoreError('STORE_UNAVAILABLE', `EventStoreDB call failed: ${message}`, { cause: error });
}

/**
 * Server-side filter for `$all` subscriptions: streams whose name starts with `prefix` (default: the engine's). No `checkpointReached` callback on
 * purpose: a reported checkpoint can lie past the last event (KurrentDB issue 4970), so only delivered events
 * move a subscription's position.
 */
export function engineStreamFilter(prefix: string = ENGINE_STREAM_PREFIX): PrefixesFilter {
  return streamNameFilter({ prefixes: [prefix] });
}

/**
 * Port position (an ESDB commit position) → an ESDB read position. Since gRPC appends carry no explicit
 * transactions, every event's prepare position equals its commit position, so one number is enough.
 * Reads from `0n` start at the beginning of the log.
 */
export function toReadPosition(position: bigint): ReadPosition {
  return position === 0n ? START : { commit: position, prepare: position };
}

/** The envelope's parts that ESDB has no field for, stored as the ESDB event's JSON metadata. */
// A type alias, not an interface: the client's JSON types need an implicit index signature.
export type StoredMetadata = {
  /** ESDB's own correlation keys, so the server's `$by_correlation_id` projection works on engine events. */
  $correlationId: string;
  $causationId?: string;
  schemaVersion: number;
  envelope: EventMetadata;
  prevHash: string;
  hash: string;
};

type StoredEventType = JSONEventType<string, { [key: string]: Json }, StoredMetadata>;

/** Envelope → the ESDB event to append (event id kept, so ESDB's own dedup by id also applies). */
export function toEventData(event: ChainedEvent): JSONEventData<StoredEventType> {
  const metadata: StoredMetadata = {
    $correlationId: event.metadata.correlationId,
    ...(event.metadata.causationId === undefined ? {} : { $causationId: event.metadata.causationId }),
    schemaVersion: event.schemaVersion,
    envelope: event.metadata,
    prevHash: event.prevHash,
    hash: event.hash,
  };
  return jsonEvent<StoredEventType>({ id: event.eventId, type: event.type, data: event.data, metadata });
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

function corrupt(record: EsdbRecordedEvent, why: string): EventStoreError {
  return new EventStoreError(
    'INVALID_EVENT',
    `stored event ${record.streamId}@${String(record.revision)} (${record.id}) is not an engine event: ${why}`,
  );
}

/**
 * ESDB recorded event → the port's `RecordedEvent`. `streamId` overrides the stored stream name (the contract
 * harness reads forged copies under their original name). Refuses events the engine did not write.
 */
export function fromRecordedEvent(
  record: EsdbRecordedEvent,
  streamId: string = record.streamId,
): RecordedEvent {
  if (!record.isJson || !isObject(record.data)) throw corrupt(record, 'data is not a JSON object');
  const stored: unknown = record.metadata;
  if (
    !isObject(stored) ||
    typeof stored['schemaVersion'] !== 'number' ||
    !isObject(stored['envelope']) ||
    typeof stored['prevHash'] !== 'string' ||
    typeof stored['hash'] !== 'string'
  ) {
    throw corrupt(record, 'metadata lacks schemaVersion, envelope, prevHash or hash');
  }
  const position = record.position?.commit;
  if (position === undefined || position === NO_POSITION) {
    throw new EventStoreError(
      'STORE_UNAVAILABLE',
      'the server reports no log position for stream reads: KurrentDB/EventStoreDB 22.6 or later is required',
    );
  }
  return {
    streamId,
    revision: record.revision,
    position,
    recordedAt: record.created.toISOString(),
    eventId: record.id,
    type: record.type,
    schemaVersion: stored['schemaVersion'],
    data: record.data as { [key: string]: Json },
    metadata: stored['envelope'] as unknown as EventMetadata,
    prevHash: stored['prevHash'],
    hash: stored['hash'],
  };
}
