import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventStoreError } from './errors.js';
import type { NewEvent } from './EventStore.js';
import { canonicalJson } from './canonicalJson.js';
import { validateExpectedRevision, validateNewEvents, validateStreamId } from './validation.js';

const good = (): NewEvent => ({
  eventId: '6f1c2a9e-3b7d-4c1e-9a2b-0c4d5e6f7a8b',
  type: 'DossierOpened',
  schemaVersion: 1,
  data: { commune: '01849', score: 17, tags: ['a'], nested: { ok: true, none: null } },
  metadata: {
    actor: { id: 'u1', role: 'commune_official', unit: '01849' },
    onBehalfOf: undefined,
    correlationId: 'c1',
    occurredAt: '2025-03-01T08:00:00.000+07:00',
    workflow: { id: 'commune-ntm', version: 2 },
  },
});

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(EventStoreError);
    return (error as EventStoreError).code;
  }
};

describe('validateNewEvents', () => {
  it('accepts a well-formed batch', () => {
    expect(codeOf(() => validateNewEvents('dossier-1', [good()], 0n))).toBeUndefined();
  });

  it('accepts surrogate pairs (characters beyond the BMP) in stream ids, keys and values', () => {
    const event = { ...good(), data: { '\ud83d\ude00': 'x\ud83d\ude00y', note: 'Đạt chuẩn' } };
    expect(codeOf(() => validateNewEvents('dossier-\ud83d\ude00', [event], 0n))).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['too long', 'd'.repeat(201)],
    ['tab', 'a\tb'],
    ['DEL', 'a\u007fb'],
    ['lone surrogate', 'a\ud800'],
    ['lone low surrogate after a pair', 'a\ud83d\ude00\udc00'],
    ['not a string', 42],
  ])('refuses a stream id that is %s', (_label, streamId) => {
    expect(codeOf(() => validateStreamId(streamId))).toBe('INVALID_STREAM_ID');
  });

  it.each([-1n, 1, '3', null, undefined])('refuses expected revision %s', (expected) => {
    expect(codeOf(() => validateExpectedRevision(expected))).toBe('INVALID_REVISION');
  });

  it.each<[string, (e: NewEvent) => unknown]>([
    ['uppercase uuid', (e) => ({ ...e, eventId: e.eventId.toUpperCase() })],
    ['zero schema version', (e) => ({ ...e, schemaVersion: 0 })],
    ['schema version beyond a 32-bit integer', (e) => ({ ...e, schemaVersion: 2 ** 31 })],
    ['lone surrogate in data', (e) => ({ ...e, data: { s: '\udc00' } })],
    ['lone surrogate in a data key', (e) => ({ ...e, data: { 'k\ud800': 1 } })],
    [
      'lone low surrogate after a pair in metadata',
      (e) => ({ ...e, metadata: { ...e.metadata, extra: '\ud83d\ude00\udc00' } }),
    ],
    ['Symbol in data', (e) => ({ ...e, data: { s: Symbol('x') } })],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the case under test
    ['sparse array', (e) => ({ ...e, data: { a: [1, , 3] } })],
    ['null data', (e) => ({ ...e, data: null })],
    ['actor without unit', (e) => ({ ...e, metadata: { ...e.metadata, actor: { id: 'u', role: 'r' } } })],
    ['empty correlation id', (e) => ({ ...e, metadata: { ...e.metadata, correlationId: '' } })],
    [
      'impossible instant',
      (e) => ({ ...e, metadata: { ...e.metadata, occurredAt: '2025-13-45T99:00:00Z' } }),
    ],
    ['bad workflow', (e) => ({ ...e, metadata: { ...e.metadata, workflow: { id: 'w' } } })],
    ['NaN in metadata', (e) => ({ ...e, metadata: { ...e.metadata, extra: NaN } })],
    ['not an object', () => 'event'],
  ])('refuses an event with %s', (_label, change) => {
    expect(codeOf(() => validateNewEvents('dossier-1', [change(good())], 'any'))).toBe('INVALID_EVENT');
  });

  it('names the offending path, however deep, in data and metadata', () => {
    const messageOf = (change: (e: NewEvent) => unknown, index = 0): string => {
      const batch: unknown[] = [good(), { ...good(), eventId: '6f1c2a9e-3b7d-4c1e-9a2b-0c4d5e6f7a8c' }];
      batch[index] = change(batch[index] as NewEvent);
      try {
        validateNewEvents('dossier-1', batch, 'any');
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(messageOf((e) => ({ ...e, data: { a: { b: [1, { c: Number.NaN }] } } }), 1)).toBe(
      'events[1].data.a.b[1].c: NaN is not a JSON number',
    );
    expect(messageOf((e) => ({ ...e, data: { ['k\u0000']: 1 } }))).toBe(
      'events[0].data key: strings may not contain U+0000',
    );
    expect(
      messageOf((e) => ({ ...e, metadata: { ...e.metadata, onBehalfOf: { id: 'u', role: '', unit: 'x' } } })),
    ).toBe('events[0].metadata.onBehalfOf.role must be a non-empty string');
    expect(messageOf((e) => ({ ...e, metadata: { ...e.metadata, toState: '' } }), 1)).toBe(
      'events[1].metadata.toState must be a non-empty string',
    );
    expect(messageOf((e) => ({ ...e, metadata: { ...e.metadata, extra: { d: new Date(0) } } }))).toBe(
      'events[0].metadata.extra.d: a Date (pass an ISO string) is not a plain JSON object',
    );
    expect(messageOf((e) => ({ ...e, eventId: good().eventId }), 1)).toBe(
      'events[1].eventId repeats an earlier event of the batch',
    );
  });

  it('refuses a cycle and accepts deep nesting without one', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = { again: cyclic };
    expect(() => validateNewEvents('s', [{ ...good(), data: cyclic as NewEvent['data'] }], 'any')).toThrow(
      'events[0].data.self.again: cyclic reference',
    );
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 200; i++) deep = { d: deep, list: [i, null] };
    expect(
      codeOf(() => validateNewEvents('s', [{ ...good(), data: deep as NewEvent['data'] }], 'any')),
    ).toBeUndefined();
    let deepBad: unknown[] = [Number.POSITIVE_INFINITY];
    for (let i = 0; i < 200; i++) deepBad = [deepBad];
    expect(
      codeOf(() => validateNewEvents('s', [{ ...good(), data: { deepBad } as NewEvent['data'] }], 'any')),
    ).toBe('INVALID_EVENT');
  });

  it('accepts every JSON value, and canonicalJson encodes what it accepts', () => {
    const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'grapheme' }), json), (data) => {
        // U+0000 is the one JSON character PostgreSQL jsonb cannot store, so validation refuses it.
        const clean = JSON.parse(JSON.stringify(data).replaceAll('\\u0000', '')) as NewEvent['data'];
        validateNewEvents('s', [{ ...good(), data: clean }], 'any');
        expect(JSON.parse(canonicalJson(clean))).toEqual(clean);
      }),
    );
  });
});
