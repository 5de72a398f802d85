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

/**
 * The checks written as loops (ADR 0065) against what they replace: the control-character regex, and the ISO-8601
 * pattern with `Date.parse`, which still decide every text the loop is not sure of.
 */
describe('occurredAt and control characters, checked without the regex engine', () => {
  const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  // eslint-disable-next-line no-control-regex -- the pattern the loop replaced
  const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
  const accepted = (occurredAt: string): boolean =>
    codeOf(() =>
      validateNewEvents('dossier-1', [{ ...good(), metadata: { ...good().metadata, occurredAt } }], 0n),
    ) === undefined;
  const oracle = (text: string): boolean => ISO_INSTANT.test(text) && !Number.isNaN(Date.parse(text));
  const pad = (n: number, width: number) => String(n).padStart(width, '0');

  it('accepts every day 01-31 of every month and refuses months and days out of range, as Date.parse does', () => {
    for (const year of [0, 1900, 1970, 2000, 2024, 2025, 9999])
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++) {
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T08:00:00.000Z`;
          expect(accepted(text), text).toBe(oracle(text));
        }
  });

  it('accepts every time of day and refuses hours, minutes and seconds out of range, as Date.parse does', () => {
    for (let hour = 0; hour <= 25; hour++)
      for (let minute = 0; minute <= 61; minute += hour % 5 === 0 ? 1 : 7)
        for (let second = 0; second <= 61; second++) {
          const text = `2025-03-01T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.000Z`;
          expect(accepted(text), text).toBe(oracle(text));
        }
  });

  it('accepts and refuses exactly what the pattern and Date.parse do, near the usual form and far from it', () => {
    const template = '2025-03-01T08:00:00.000Z';
    // The usual form with characters replaced, removed or added: digits, separators, signs, letters, non-ASCII.
    const unit = fc.constantFrom(...'0123456789-:.TZz+ t١'.split(''), '\u0000', '𝟎');
    const near = fc
      .tuple(fc.array(fc.tuple(fc.nat(23), unit), { maxLength: 4 }), fc.nat(3), fc.boolean())
      .map(([edits, cut, cutEnd]) => {
        const chars = template.split('');
        for (const [at, value] of edits) chars[at] = value;
        const text = chars.join('');
        return cutEnd ? text.slice(0, text.length - cut) : text + '0'.repeat(cut);
      });
    const offsets = fc
      .tuple(fc.nat(99), fc.nat(99), fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 6 }))
      .map(([h, m, sign, decimals]) => {
        const fraction = decimals === 0 ? '' : `.${'5'.repeat(decimals)}`;
        return `2025-03-01T08:00:00${fraction}${sign}${pad(h, 2)}:${pad(m, 2)}`;
      });
    fc.assert(
      fc.property(fc.oneof(near, offsets, fc.string()), (text) => {
        expect(accepted(text)).toBe(oracle(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses a stream id or type with a control character exactly where the pattern matched one', () => {
    const text = fc.string({ unit: fc.integer({ min: 0, max: 0xa0 }).map((c) => String.fromCharCode(c)) });
    fc.assert(
      fc.property(text, (value) => {
        const id = `s${value}`;
        const refused = CONTROL.test(id);
        expect(codeOf(() => validateStreamId(id)) === 'INVALID_STREAM_ID').toBe(refused);
        const typed = codeOf(() => validateNewEvents('dossier-1', [{ ...good(), type: id }], 0n));
        expect(typed === 'INVALID_EVENT').toBe(refused);
      }),
      { numRuns: 3000 },
    );
  });
});
