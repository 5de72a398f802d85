import {
  AccessDeniedError,
  DeadlineExceededError,
  NO_STREAM,
  START,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import { EventStoreError, WrongExpectedRevisionError } from '@ntm/event-store';
import type { ChainedEvent, ExpectedRevision, RecordedEvent } from '@ntm/event-store';
import { describe, expect, it } from 'vitest';
import {
  engineStreamFilter,
  findRetriedBatch,
  fromEsdbCurrentRevision,
  fromRecordedEvent,
  mapDriverError,
  satisfiesExpected,
  toEventData,
  toReadPosition,
  wireExpectedRevision,
} from './mapping.js';

const chained: ChainedEvent = {
  streamId: 'dossier-42',
  revision: 7n,
  eventId: '6f1c1f0e-7d52-4c1b-9a52-1f0e3f6b7a10',
  type: 'DossierOpened',
  schemaVersion: 2,
  data: { communeCode: '01849', criteria: [1, 2, 3], note: null, nested: { ok: true } },
  metadata: {
    actor: { id: 'u-1', role: 'commune_official', unit: '01849' },
    correlationId: 'corr-1',
    causationId: 'cause-1',
    occurredAt: '2025-03-01T08:00:00.000Z',
    workflow: { id: 'commune-ntm', version: 2 },
    toState: 'draft',
  },
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
};

/** What the client hands back for an event it wrote: JSON went over the wire and was parsed again. */
function asRecorded(overrides: Partial<EsdbRecordedEvent> = {}): EsdbRecordedEvent {
  const written = toEventData(chained);
  return {
    streamId: 'ns-dossier-42',
    id: written.id,
    isJson: true,
    revision: 7n,
    type: written.type,
    created: new Date('2025-03-01T08:00:01.234Z'),
    data: JSON.parse(JSON.stringify(written.data)) as Record<string, unknown>,
    metadata: JSON.parse(JSON.stringify(written.metadata)) as Record<string, unknown>,
    position: { commit: 1234n, prepare: 1234n },
    ...overrides,
  } as EsdbRecordedEvent;
}

describe('expected revision, port → wire', () => {
  const cases: [ExpectedRevision, bigint | undefined, boolean][] = [
    ['any', undefined, true],
    ['any', 4n, true],
    ['no_stream', undefined, true],
    ['no_stream', 0n, false],
    ['stream_exists', undefined, false],
    ['stream_exists', 0n, true],
    [3n, 3n, true],
    [3n, 4n, false],
    [3n, undefined, false],
    [0n, undefined, false],
  ];
  it.each(cases)('expected %s against actual %s holds: %s', (expected, actual, holds) => {
    expect(satisfiesExpected(expected, actual)).toBe(holds);
  });

  it('sends the exact revision read (or NO_STREAM), so a concurrent append cannot fork the chain', () => {
    expect(wireExpectedRevision(undefined)).toBe(NO_STREAM);
    expect(wireExpectedRevision(0n)).toBe(0n);
    expect(wireExpectedRevision(41n)).toBe(41n);
  });
});

describe('expected revision, wire → port', () => {
  it('maps the current revision a conflict reports', () => {
    expect(fromEsdbCurrentRevision(NO_STREAM)).toBeUndefined();
    expect(fromEsdbCurrentRevision(9n)).toBe(9n);
  });
});

describe('idempotency by event id against the tail', () => {
  const stored = (revision: bigint, eventId: string): RecordedEvent => ({
    ...chained,
    eventId,
    revision,
    position: 100n + revision,
    recordedAt: '2025-03-01T08:00:01.000Z',
  });
  const tail = [stored(4n, 'a'), stored(5n, 'b'), stored(6n, 'c'), stored(7n, 'd')];
  const batch = (...ids: string[]) => ids.map((eventId) => ({ ...chained, eventId }));

  it('sees a new write when no id is in the tail', () => {
    expect(findRetriedBatch('dossier-42', batch('x', 'y'), tail)).toBeUndefined();
    expect(findRetriedBatch('dossier-42', batch('x'), [])).toBeUndefined();
  });

  it('recognises a retry of the same batch, also when the stream has moved on since', () => {
    expect(findRetriedBatch('dossier-42', batch('b', 'c'), tail)).toEqual([tail[1], tail[2]]);
    expect(findRetriedBatch('dossier-42', batch('d'), tail)).toEqual([tail[3]]);
  });

  it.each([
    ['shares only some ids', ['c', 'x']],
    ['repeats the ids out of order', ['c', 'b']],
    ['repeats ids that were not written together', ['a', 'c']],
  ])('refuses a batch that %s', (_name, ids) => {
    expect(() => findRetriedBatch('dossier-42', batch(...ids), tail)).toThrow(
      expect.objectContaining({ code: 'INVALID_EVENT' }) as Error,
    );
  });
});

describe('driver error mapping', () => {
  it('turns a version conflict into WrongExpectedRevisionError with the actual revision', () => {
    const driver = new WrongExpectedVersionError(undefined, {
      streamName: 'dossier-1',
      expected: 3n,
      current: 5n,
    });
    const mapped = mapDriverError(driver, 'dossier-1', 'stream_exists');
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped).toMatchObject({
      code: 'WRONG_EXPECTED_REVISION',
      streamId: 'dossier-1',
      expected: 'stream_exists',
      actual: 5n,
    });
  });

  it('reports a conflict on a missing stream with actual undefined', () => {
    const driver = new WrongExpectedVersionError(undefined, {
      streamName: 'dossier-1',
      expected: 0n,
      current: NO_STREAM,
    });
    const mapped = mapDriverError(driver, 'dossier-1', 0n);
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect((mapped as WrongExpectedRevisionError).actual).toBeUndefined();
    expect(mapped.message).toContain('no stream');
  });

  it.each([
    ['unavailable', new UnavailableError(undefined, 'connection refused')],
    ['deadline', new DeadlineExceededError(undefined, 'deadline')],
    ['access denied', new AccessDeniedError(undefined, 'denied')],
    ['a plain Error', new Error('socket hang up')],
    ['a thrown string', 'Impossible situation'],
  ])('turns %s into STORE_UNAVAILABLE, keeping the cause', (_name, driver) => {
    const mapped = mapDriverError(driver, 'dossier-1', 'any');
    expect(mapped).toBeInstanceOf(EventStoreError);
    expect(mapped).not.toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped.code).toBe('STORE_UNAVAILABLE');
    expect(mapped.cause).toBe(driver);
  });

  it("passes the port's own errors through unchanged", () => {
    const own = new EventStoreError('INVALID_EVENT', 'bad');
    expect(mapDriverError(own, 'dossier-1', 'any')).toBe(own);
  });
});

describe('the $all filter', () => {
  it("keeps the engine's streams only, with no checkpoint callback to trust", () => {
    const filter = engineStreamFilter();
    expect(filter).toMatchObject({ filterOn: 'streamName', prefixes: ['dossier-'] });
    expect(filter.checkpointReached).toBeUndefined();
    expect(engineStreamFilter('t1-dossier-').prefixes).toEqual(['t1-dossier-']);
  });

  it('reads from the start for position 0 and from the commit position otherwise', () => {
    expect(toReadPosition(0n)).toBe(START);
    expect(toReadPosition(1234n)).toEqual({ commit: 1234n, prepare: 1234n });
  });
});

describe('envelope ⇄ ESDB event', () => {
  it('writes the event id, type, data and a metadata object with the chain and ESDB correlation keys', () => {
    const written = toEventData(chained);
    expect(written).toMatchObject({
      id: chained.eventId,
      type: 'DossierOpened',
      contentType: 'application/json',
      data: chained.data,
    });
    expect(written.metadata).toEqual({
      $correlationId: 'corr-1',
      $causationId: 'cause-1',
      schemaVersion: 2,
      envelope: chained.metadata,
      prevHash: chained.prevHash,
      hash: chained.hash,
    });
  });

  it('leaves $causationId out when there is no causation', () => {
    const { causationId: _dropped, ...metadata } = chained.metadata;
    expect(toEventData({ ...chained, metadata }).metadata).not.toHaveProperty('$causationId');
  });

  it('reads back the same envelope, with revision, commit position and recorded time from the server', () => {
    const recorded = fromRecordedEvent(asRecorded(), 'dossier-42');
    expect(recorded).toEqual({
      streamId: 'dossier-42',
      revision: 7n,
      position: 1234n,
      recordedAt: '2025-03-01T08:00:01.234Z',
      eventId: chained.eventId,
      type: chained.type,
      schemaVersion: 2,
      data: chained.data,
      metadata: chained.metadata,
      prevHash: chained.prevHash,
      hash: chained.hash,
    });
  });

  it('keeps the server stream name when no engine id is given', () => {
    expect(fromRecordedEvent(asRecorded()).streamId).toBe('ns-dossier-42');
  });

  it.each([
    ['binary data', { isJson: false, data: new Uint8Array([1]) }],
    ['no metadata', { metadata: undefined }],
    ['metadata without hash', { metadata: { schemaVersion: 1, envelope: {}, prevHash: 'x' } }],
    ['binary metadata', { metadata: new Uint8Array([123, 125]) }],
    ['array data', { data: [1, 2] }],
  ] as [string, Partial<EsdbRecordedEvent>][])(
    'refuses an event with %s as INVALID_EVENT',
    (_name, overrides) => {
      expect(() => fromRecordedEvent(asRecorded(overrides))).toThrow(
        expect.objectContaining({ code: 'INVALID_EVENT' }) as Error,
      );
    },
  );

  it.each([
    ['missing', undefined],
    ['the unsigned 64-bit "no position" marker', { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n }],
  ])('refuses a stream read whose position is %s (server older than 22.6)', (_name, position) => {
    expect(() => fromRecordedEvent(asRecorded({ position }))).toThrow(
      expect.objectContaining({ code: 'STORE_UNAVAILABLE' }) as Error,
    );
  });
});
