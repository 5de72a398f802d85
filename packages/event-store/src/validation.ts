/**
 * Input checks shared by every adapter, run before any I/O so that bad input changes nothing. Each refusal is an
 * EventStoreError with a stable code and a message that names the offending path.
 */
import { EventStoreError } from './errors.js';
import type { ExpectedRevision, NewEvent, RecordedEvent, StreamRead } from './EventStore.js';

/** Longest accepted stream id, in UTF-16 code units. */
export const MAX_STREAM_ID_LENGTH = 200;
/** Largest batch one append accepts (positions reserve 2^20 slots per transaction). */
export const MAX_BATCH_SIZE = 100_000;

/** Largest schema version: a 32-bit signed integer. */
const MAX_SCHEMA_VERSION = 2 ** 31 - 1;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function invalidEvent(message: string): EventStoreError {
  return new EventStoreError('INVALID_EVENT', message);
}

/** Refuse an empty, over-long or control-character stream id (INVALID_STREAM_ID). */
export function validateStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new EventStoreError('INVALID_STREAM_ID', 'stream id must be a non-empty string');
  }
  if (streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new EventStoreError(
      'INVALID_STREAM_ID',
      `stream id is longer than ${MAX_STREAM_ID_LENGTH} characters`,
    );
  }
  if (CONTROL.test(streamId) || LONE_SURROGATE.test(streamId)) {
    throw new EventStoreError('INVALID_STREAM_ID', 'stream id contains control characters or invalid UTF-16');
  }
}

/** Refuse anything but 'any', 'no_stream', 'stream_exists' or a bigint >= 0 (INVALID_REVISION). */
export function validateExpectedRevision(expected: unknown): asserts expected is ExpectedRevision {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected !== 'bigint') {
    throw new EventStoreError(
      'INVALID_REVISION',
      `expected revision must be 'any', 'no_stream', 'stream_exists' or a bigint, got ${typeof expected}`,
    );
  }
  if (expected < 0n)
    throw new EventStoreError('INVALID_REVISION', `expected revision ${expected} is negative`);
}

/** Refuse a revision (e.g. readStream's fromRevision) that is not a bigint >= 0 (INVALID_REVISION). */
export function validateRevision(revision: unknown, name: string): asserts revision is bigint {
  if (typeof revision !== 'bigint' || revision < 0n) {
    throw new EventStoreError('INVALID_REVISION', `${name} must be a bigint >= 0`);
  }
}

/**
 * Checks the requests of a `readStreams` call (each stream id and revision, no stream twice) and returns the
 * result map with an empty list per stream, in request order, for the adapter to fill.
 */
export function validateStreamReads(reads: readonly StreamRead[]): Map<string, RecordedEvent[]> {
  const result = new Map<string, RecordedEvent[]>();
  for (const read of reads) {
    validateStreamId(read.streamId);
    validateRevision(read.fromRevision, 'fromRevision');
    if (result.has(read.streamId)) {
      throw new EventStoreError('INVALID_ARGUMENT', `stream ${read.streamId} is requested twice`);
    }
    result.set(read.streamId, []);
  }
  return result;
}

/** Refuse a count or page size that is not a positive safe integer (INVALID_ARGUMENT). */
export function validatePositiveInt(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new EventStoreError('INVALID_ARGUMENT', `${name} must be a positive integer`);
  }
}

function checkString(value: string, path: string): void {
  // PostgreSQL jsonb cannot hold U+0000, and lone surrogates are not valid Unicode (RFC 8785 refuses them).
  if (value.includes('\u0000')) throw invalidEvent(`${path}: strings may not contain U+0000`);
  if (LONE_SURROGATE.test(value)) throw invalidEvent(`${path}: string holds a lone UTF-16 surrogate`);
}

/**
 * Check that a value is plain JSON: null, booleans, finite numbers, strings, arrays and plain objects, no cycles.
 * `allowUndefinedProps` lets optional envelope fields be left undefined (they are dropped, as in JSON).
 */
function checkJson(value: unknown, path: string, ancestors: Set<object>, allowUndefinedProps: boolean): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') return checkString(value, path);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidEvent(`${path}: ${String(value)} is not a JSON number`);
    return;
  }
  if (typeof value !== 'object') throw invalidEvent(`${path}: a ${typeof value} is not JSON`);
  if (ancestors.has(value)) throw invalidEvent(`${path}: cyclic reference`);
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || value[i] === undefined) throw invalidEvent(`${path}[${i}]: undefined is not JSON`);
      checkJson(value[i], `${path}[${i}]`, ancestors, false);
    }
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = value instanceof Date ? 'a Date (pass an ISO string)' : 'a class instance';
      throw invalidEvent(`${path}: ${name} is not a plain JSON object`);
    }
    for (const [key, item] of Object.entries(value)) {
      checkString(key, `${path} key`);
      if (item === undefined) {
        if (allowUndefinedProps) continue;
        throw invalidEvent(`${path}.${key}: undefined is not JSON`);
      }
      checkJson(item, `${path}.${key}`, ancestors, false);
    }
  }
  ancestors.delete(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireText(value: unknown, path: string): void {
  if (typeof value !== 'string' || value.length === 0)
    throw invalidEvent(`${path} must be a non-empty string`);
}

function checkActor(actor: unknown, path: string): void {
  if (!isPlainObject(actor)) throw invalidEvent(`${path} must be an object {id, role, unit}`);
  requireText(actor.id, `${path}.id`);
  requireText(actor.role, `${path}.role`);
  requireText(actor.unit, `${path}.unit`);
}

function checkMetadata(metadata: unknown, path: string): void {
  if (!isPlainObject(metadata)) throw invalidEvent(`${path} is missing`);
  checkActor(metadata.actor, `${path}.actor`);
  if (metadata.onBehalfOf !== undefined) checkActor(metadata.onBehalfOf, `${path}.onBehalfOf`);
  requireText(metadata.correlationId, `${path}.correlationId`);
  if (metadata.causationId !== undefined) requireText(metadata.causationId, `${path}.causationId`);
  if (typeof metadata.occurredAt !== 'string' || !ISO_INSTANT.test(metadata.occurredAt)) {
    throw invalidEvent(`${path}.occurredAt must be an ISO-8601 instant`);
  }
  if (Number.isNaN(Date.parse(metadata.occurredAt)))
    throw invalidEvent(`${path}.occurredAt is not a real instant`);
  const workflow = metadata.workflow;
  if (workflow !== undefined) {
    if (
      !isPlainObject(workflow) ||
      typeof workflow.id !== 'string' ||
      !Number.isSafeInteger(workflow.version)
    ) {
      throw invalidEvent(`${path}.workflow must be {id: string, version: integer}`);
    }
  }
  for (const key of ['fromState', 'toState'] as const) {
    if (metadata[key] !== undefined) requireText(metadata[key], `${path}.${key}`);
  }
  checkJson(metadata, path, new Set(), true);
}

/**
 * Validate an append before any I/O: stream id, expected revision, and every event's envelope and payload.
 * Throws EventStoreError with INVALID_STREAM_ID, INVALID_REVISION or INVALID_EVENT.
 */
export function validateNewEvents(streamId: unknown, events: unknown, expectedRevision: unknown): void {
  validateStreamId(streamId);
  validateExpectedRevision(expectedRevision);
  if (!Array.isArray(events) || events.length === 0) throw invalidEvent('events must be a non-empty array');
  if (events.length > MAX_BATCH_SIZE) throw invalidEvent(`a batch holds at most ${MAX_BATCH_SIZE} events`);
  const ids = new Set<string>();
  (events as unknown[]).forEach((event, index) => {
    const path = `events[${index}]`;
    if (!isPlainObject(event)) throw invalidEvent(`${path} must be an object`);
    const candidate = event as Partial<Record<keyof NewEvent, unknown>>;
    if (typeof candidate.type !== 'string' || candidate.type.length === 0)
      throw invalidEvent(`${path}.type is missing`);
    if (candidate.type.length > 200 || CONTROL.test(candidate.type)) {
      throw invalidEvent(`${path}.type is over 200 characters or holds control characters`);
    }
    if (typeof candidate.eventId !== 'string' || !UUID.test(candidate.eventId)) {
      throw invalidEvent(`${path}.eventId must be a lowercase uuid`);
    }
    if (ids.has(candidate.eventId))
      throw invalidEvent(`${path}.eventId repeats an earlier event of the batch`);
    ids.add(candidate.eventId);
    // At most a 32-bit integer, what every adapter can store: a value the database refuses would fail the other
    // appends committed in the same group with it.
    const version = candidate.schemaVersion;
    if (
      !Number.isSafeInteger(version) ||
      (version as number) < 1 ||
      (version as number) > MAX_SCHEMA_VERSION
    ) {
      throw invalidEvent(`${path}.schemaVersion must be an integer from 1 to ${MAX_SCHEMA_VERSION}`);
    }
    if (!isPlainObject(candidate.data)) throw invalidEvent(`${path}.data must be a JSON object`);
    checkJson(candidate.data, `${path}.data`, new Set(), false);
    checkMetadata(candidate.metadata, `${path}.metadata`);
  });
}
