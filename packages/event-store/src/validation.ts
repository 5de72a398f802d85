/**
 * Input checks shared by every adapter, run before any I/O so that bad input changes nothing. Each refusal is an
 * EventStoreError with a stable code and a message that names the offending path.
 */
import { EventStoreError } from './errors.js';
import {
  canonicalJson,
  finiteNumberJson,
  hasLoneSurrogate,
  knownQuotedKey,
  needsEscaping,
  quotedKey,
  sortedKeys,
} from './canonicalJson.js';
import type { ExpectedRevision, NewEvent, RecordedEvent, StreamRead } from './EventStore.js';

/** Longest accepted stream id, in UTF-16 code units. */
export const MAX_STREAM_ID_LENGTH = 200;
/** Largest batch one append accepts (positions reserve 2^20 slots per transaction). */
export const MAX_BATCH_SIZE = 100_000;

/** Largest schema version: a 32-bit signed integer. */
const MAX_SCHEMA_VERSION = 2 ** 31 - 1;

/**
 * A lowercase UUID, what `/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/` matches: a loop over its
 * 36 code units, on every event appended, instead of a call into the regex engine.
 */
function isLowercaseUuid(value: string): boolean {
  if (value.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const unit = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (unit !== 0x2d) return false;
    } else if (!((unit >= 0x30 && unit <= 0x39) || (unit >= 0x61 && unit <= 0x66))) return false;
  }
  return true;
}
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

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
  if (CONTROL.test(streamId) || hasLoneSurrogate(streamId)) {
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
  if (hasLoneSurrogate(value)) throw invalidEvent(`${path}: string holds a lone UTF-16 surrogate`);
}

/** Deepest nesting `plainCanonicalJson` walks; deeper (or cyclic) values are left to `checkJson`. */
const FAST_JSON_DEPTH = 64;

/**
 * `canonicalJson(value)`, when `checkJson` would accept `value`; undefined means "not sure", and `checkJson` then
 * decides and names the offending path. One walk that both checks and serialises: the append path needs both for
 * every event, and walking each value twice (a check, then canonical JSON for the hash) was two passes over the
 * same objects, run cold after every round trip at one writer (ADR 0062). Nothing is built for error messages (no
 * path strings, entries arrays or Set of ancestors); the depth bound stands in for the cycle check. The bytes are
 * canonicalJson's: the same keys in the same order (own enumerable ones, sorted by `sortedKeys`), each quoted by
 * `quotedKey`, each primitive as `JSON.stringify` writes it, undefined properties dropped (where allowed).
 */
function plainCanonicalJson(value: unknown, depth: number, allowUndefinedProps: boolean): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      // One pass over a string with nothing to escape (no U+0000, no surrogate); the checks and JSON.stringify
      // only for the rest.
      if (!needsEscaping(value)) return `"${value}"`;
      return value.includes('\u0000') || hasLoneSurrogate(value) ? undefined : JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? finiteNumberJson(value) : undefined;
    case 'object':
      break;
    default:
      // undefined (an array's element, or a property where none is allowed), a function, a symbol, a bigint
      return undefined;
  }
  if (depth > FAST_JSON_DEPTH) return undefined;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      // A hole is not JSON.
      if (!(i in value)) return undefined;
      const item = plainCanonicalJson(value[i], depth + 1, false);
      if (item === undefined) return undefined;
      if (i > 0) out += ',';
      out += item;
    }
    return `${out}]`;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of sortedKeys(record)) {
    // A key seen before is known to be clean and is quoted already: one lookup instead of two checks and one.
    let quoted = knownQuotedKey(key);
    if (quoted === undefined) {
      if (key.includes('\u0000') || hasLoneSurrogate(key)) return undefined;
      quoted = quotedKey(key);
    }
    const item = record[key];
    if (item === undefined) {
      if (allowUndefinedProps) continue;
      return undefined;
    }
    const json = plainCanonicalJson(item, depth + 1, false);
    if (json === undefined) return undefined;
    if (out.length > 1) out += ',';
    out += quoted;
    out += json;
  }
  return `${out}}`;
}

/**
 * Checks an event's data or metadata and returns its canonical JSON; the path string is built only when the fast
 * walk is not sure (an error to name, a cycle, or nesting deeper than it goes).
 */
function canonicalAt(value: unknown, index: number, field: string, allowUndefinedProps: boolean): string {
  const json = plainCanonicalJson(value, 0, allowUndefinedProps);
  if (json !== undefined) return json;
  checkJson(value, at(index, field), new Set(), allowUndefinedProps);
  return canonicalJson(value);
}

/** The path of an event's field in an error message: built when one is thrown, not for every event. */
function at(index: number, field: string): string {
  return `events[${index}]${field}`;
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

/** `field` and `key` are joined into the path only when the error is thrown. */
function requireText(value: unknown, index: number, field: string, key = ''): void {
  if (typeof value !== 'string' || value.length === 0)
    throw invalidEvent(`${at(index, field)}${key} must be a non-empty string`);
}

function checkActor(actor: unknown, index: number, field: string): void {
  if (!isPlainObject(actor)) throw invalidEvent(`${at(index, field)} must be an object {id, role, unit}`);
  requireText(actor.id, index, field, '.id');
  requireText(actor.role, index, field, '.role');
  requireText(actor.unit, index, field, '.unit');
}

/** Checks an event's metadata; returns its canonical JSON. */
function checkMetadata(metadata: unknown, index: number): string {
  if (!isPlainObject(metadata)) throw invalidEvent(`${at(index, '.metadata')} is missing`);
  checkActor(metadata.actor, index, '.metadata.actor');
  if (metadata.onBehalfOf !== undefined) checkActor(metadata.onBehalfOf, index, '.metadata.onBehalfOf');
  requireText(metadata.correlationId, index, '.metadata.correlationId');
  if (metadata.causationId !== undefined) requireText(metadata.causationId, index, '.metadata.causationId');
  if (typeof metadata.occurredAt !== 'string' || !ISO_INSTANT.test(metadata.occurredAt)) {
    throw invalidEvent(`${at(index, '.metadata.occurredAt')} must be an ISO-8601 instant`);
  }
  if (Number.isNaN(Date.parse(metadata.occurredAt)))
    throw invalidEvent(`${at(index, '.metadata.occurredAt')} is not a real instant`);
  const workflow = metadata.workflow;
  if (workflow !== undefined) {
    if (
      !isPlainObject(workflow) ||
      typeof workflow.id !== 'string' ||
      !Number.isSafeInteger(workflow.version)
    ) {
      throw invalidEvent(`${at(index, '.metadata.workflow')} must be {id: string, version: integer}`);
    }
  }
  if (metadata.fromState !== undefined) requireText(metadata.fromState, index, '.metadata.fromState');
  if (metadata.toState !== undefined) requireText(metadata.toState, index, '.metadata.toState');
  return canonicalAt(metadata, index, '.metadata', true);
}

/**
 * An event's data and metadata in canonical JSON, exactly `canonicalJson(event.data)` and
 * `canonicalJson(event.metadata)`: what validation produced on its walk, for `chainEvents` to hash.
 */
export interface CanonicalParts {
  dataJson: string;
  metadataJson: string;
}

/**
 * Validate an append before any I/O: stream id, expected revision, and every event's envelope and payload.
 * Throws EventStoreError with INVALID_STREAM_ID, INVALID_REVISION or INVALID_EVENT. Returns each event's data and
 * metadata in canonical JSON, found on the same walk (pass them to `chainEvents`).
 */
export function validateNewEvents(
  streamId: unknown,
  events: unknown,
  expectedRevision: unknown,
): CanonicalParts[] {
  validateStreamId(streamId);
  validateExpectedRevision(expectedRevision);
  if (!Array.isArray(events) || events.length === 0) throw invalidEvent('events must be a non-empty array');
  if (events.length > MAX_BATCH_SIZE) throw invalidEvent(`a batch holds at most ${MAX_BATCH_SIZE} events`);
  // Only a batch of several events can repeat an id.
  const ids = events.length > 1 ? new Set<string>() : undefined;
  const parts: CanonicalParts[] = [];
  for (let index = 0; index < events.length; index++) {
    const event: unknown = events[index];
    if (!isPlainObject(event)) throw invalidEvent(`${at(index, '')} must be an object`);
    const candidate = event as Partial<Record<keyof NewEvent, unknown>>;
    if (typeof candidate.type !== 'string' || candidate.type.length === 0)
      throw invalidEvent(`${at(index, '.type')} is missing`);
    if (candidate.type.length > 200 || CONTROL.test(candidate.type)) {
      throw invalidEvent(`${at(index, '.type')} is over 200 characters or holds control characters`);
    }
    if (typeof candidate.eventId !== 'string' || !isLowercaseUuid(candidate.eventId)) {
      throw invalidEvent(`${at(index, '.eventId')} must be a lowercase uuid`);
    }
    if (ids !== undefined) {
      if (ids.has(candidate.eventId))
        throw invalidEvent(`${at(index, '.eventId')} repeats an earlier event of the batch`);
      ids.add(candidate.eventId);
    }
    // At most a 32-bit integer, what every adapter can store: a value the database refuses would fail the other
    // appends committed in the same group with it.
    const version = candidate.schemaVersion;
    if (
      !Number.isSafeInteger(version) ||
      (version as number) < 1 ||
      (version as number) > MAX_SCHEMA_VERSION
    ) {
      throw invalidEvent(`${at(index, '.schemaVersion')} must be an integer from 1 to ${MAX_SCHEMA_VERSION}`);
    }
    if (!isPlainObject(candidate.data)) throw invalidEvent(`${at(index, '.data')} must be a JSON object`);
    const dataJson = canonicalAt(candidate.data, index, '.data', false);
    parts.push({ dataJson, metadataJson: checkMetadata(candidate.metadata, index) });
  }
  return parts;
}
