/**
 * Validation's walk also gives each event's canonical JSON (ADR 0062): it must accept exactly what the checks
 * accept, refuse with the same messages, and give canonicalJson's very bytes, since stored hashes depend on them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, stringJson } from './canonicalJson.js';
import type { NewEvent } from './EventStore.js';
import { GENESIS_HASH, chainEvents } from './hashChain.js';
import { validateNewEvents } from './validation.js';

/** Metadata with an optional field left undefined, and an offset in the instant. */
const baseMetadata = {
  occurredAt: '2025-03-01T08:00:00.000+07:00',
  correlationId: 'c1',
  causationId: undefined,
  actor: { unit: '01849', role: 'commune_official', id: 'u1' },
};

/** An event around `data` (not necessarily valid), its metadata with `metadataExtra` added. */
const envelope = (data: unknown, metadataExtra: Record<string, unknown> = {}): NewEvent =>
  ({
    data,
    metadata: { ...baseMetadata, ...metadataExtra },
    eventId: '6f1c2a9e-3b7d-4c1e-9a2b-0c4d5e6f7a8b',
    type: 'DossierOpened',
    schemaVersion: 1,
  }) as NewEvent;

/** An independent statement of what validation accepts as an event's data: plain JSON, no U+0000, no lone surrogate. */
function isPlainJsonValue(value: unknown, seen: Set<object> = new Set()): boolean {
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return isCleanString(value);
  if (typeof value !== 'object' || seen.has(value)) return false;
  seen.add(value);
  let ok: boolean;
  if (Array.isArray(value)) {
    ok = Array.from({ length: value.length }, (_, i) => i in value && value[i] !== undefined).every(Boolean);
    ok &&= value.every((item) => isPlainJsonValue(item, seen));
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    ok =
      (proto === Object.prototype || proto === null) &&
      Object.entries(value).every(
        ([key, item]) => isCleanString(key) && item !== undefined && isPlainJsonValue(item, seen),
      );
  }
  seen.delete(value);
  return ok;
}

function isCleanString(value: string): boolean {
  return !value.includes('\u0000') && (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** Strings with what needs escaping or is refused: quotes, backslashes, control characters, (lone) surrogates. */
const trickyString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    '"',
    '\\',
    '\u0000',
    '\u001f',
    '\u007f',
    '\u2028',
    '\ud800',
    '\udc00',
    '\ud83d\ude00',
    'Đạt',
  ),
);

/** Leaves that are not JSON, or not accepted: each tree below holds one now and then. */
const badLeaf = fc.constantFrom<unknown>(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  undefined,
  1n,
  new Date(0),
  new Map(),
  Symbol('s'),
  () => 1,
  'a\u0000b',
  'a\ud800',
);
const leaf = fc.oneof(
  { arbitrary: trickyString, weight: 8 },
  {
    arbitrary: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 1e21, 5e-7)),
    weight: 8,
  },
  { arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)), weight: 8 },
  { arbitrary: badLeaf, weight: 1 },
);
const key = fc.oneof(
  { arbitrary: trickyString, weight: 8 },
  {
    arbitrary: fc.constantFrom('10', '9', '01', '__proto__', 'constructor', 'toJSON', 'k\u0000', 'k\udc00'),
    weight: 1,
  },
);

/** Values that are JSON, and values that are not (NaN, undefined, holes, dates, class instances, functions...). */
const anyValue = fc.oneof(
  fc.anything({ key, values: [leaf], withNullPrototype: true }),
  fc.anything({
    key,
    values: [leaf],
    withBigInt: true,
    withDate: true,
    withMap: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
    withBoxedValues: true,
    withObjectString: true,
  }),
);

/** What validation said: the canonical parts, or the error's code and message. */
function outcome(event: unknown): { parts: unknown } | { error: string } {
  try {
    return { parts: validateNewEvents('dossier-1', [event], 'any') };
  } catch (error) {
    return { error: `${(error as { code?: string }).code}: ${(error as Error).message}` };
  }
}

describe("validation's canonical JSON", () => {
  it('is canonicalJson of what it accepts, and accepts exactly the plain JSON values', () => {
    fc.assert(
      fc.property(fc.dictionary(key, anyValue), (data) => {
        const result = outcome(envelope(data));
        const accepted = isPlainJsonValue(data);
        expect('parts' in result).toBe(accepted);
        if ('parts' in result) {
          const [parts] = result.parts as { dataJson: string; metadataJson: string }[];
          expect(parts!.dataJson).toBe(canonicalJson(data));
          expect(parts!.metadataJson).toBe(canonicalJson(envelope(data).metadata));
        } else {
          expect(result.error).toMatch(/^INVALID_EVENT: events\[0\]\.data/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the bytes of JSON values with escapes, surrogate pairs, integer-like keys and odd numbers', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'grapheme' }), fc.jsonValue()),
        fc.dictionary(fc.string({ unit: 'grapheme-composite' }), fc.jsonValue()),
        (data, extra) => {
          const clean = JSON.parse(JSON.stringify(data).replaceAll('\\u0000', '')) as NewEvent['data'];
          const extras = JSON.parse(JSON.stringify(extra).replaceAll('\\u0000', '')) as Record<
            string,
            unknown
          >;
          const event = envelope(clean, { extra: extras, '\u00e9': [-0, 1e21, 5e-7, 0.1] });
          const [parts] = validateNewEvents('dossier-1', [event], 'any');
          expect(parts!.dataJson).toBe(canonicalJson(clean));
          expect(parts!.metadataJson).toBe(canonicalJson(event.metadata));
        },
      ),
    );
  });

  it('refuses the same way however the walk got there: the messages of the checks', () => {
    const messageOf = (data: unknown) => outcome(envelope(data));
    expect(messageOf({ a: [1, { b: '\u0000' }] })).toEqual({
      error: 'INVALID_EVENT: events[0].data.a[1].b: strings may not contain U+0000',
    });
    expect(messageOf({ 'k\ud800': 1 })).toEqual({
      error: 'INVALID_EVENT: events[0].data key: string holds a lone UTF-16 surrogate',
    });
    expect(messageOf({ a: { b: undefined } })).toEqual({
      error: 'INVALID_EVENT: events[0].data.a.b: undefined is not JSON',
    });
    expect(messageOf({ a: [1, 2n] })).toEqual({
      error: 'INVALID_EVENT: events[0].data.a[1]: a bigint is not JSON',
    });
    expect(messageOf({ a: new Map() })).toEqual({
      error: 'INVALID_EVENT: events[0].data.a: a class instance is not a plain JSON object',
    });
  });

  it('still refuses a key with U+0000 or a lone surrogate that canonicalJson has quoted before', () => {
    // canonicalJson quotes any key (it serves reads and request bodies too); the keys it keeps quoted, which
    // validation trusts without checking again, are only the clean ones.
    for (const key of ['bad\u0000key', 'bad\udc00key']) {
      expect(canonicalJson({ [key]: 1 })).toBe(`{${JSON.stringify(key)}:1}`);
      const result = outcome(envelope({ [key]: 1 }));
      expect('error' in result && result.error).toMatch(/^INVALID_EVENT: events\[0\]\.data key: /);
    }
  });

  it('accepts exactly the lowercase UUIDs as event ids', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const candidate = fc.oneof(
      fc.uuid(),
      fc.uuid().map((id) => id.toUpperCase()),
      fc
        .uuid()
        .chain((id) =>
          fc
            .tuple(fc.nat({ max: 35 }), fc.constantFrom('-', 'g', 'A', '0', '\n', ''))
            .map(([at, unit]) => id.slice(0, at) + unit + id.slice(at + 1)),
        ),
      fc.uuid().map((id) => `${id}\n`),
      fc.string(),
    );
    fc.assert(
      fc.property(candidate, (eventId) => {
        const result = outcome({ ...envelope({}), eventId });
        expect('parts' in result).toBe(uuid.test(eventId));
      }),
      { numRuns: 2000 },
    );
  });

  it('chains to the same hashes with the parts validation gave as without them', () => {
    const events = [envelope({ note: 'Đạt chuẩn', n: [1, 2.5], nested: { z: null, a: true } }), envelope({})];
    events[1] = { ...events[1]!, eventId: '6f1c2a9e-3b7d-4c1e-9a2b-0c4d5e6f7a8c' };
    const parts = validateNewEvents('dossier-1', events, 'any');
    const withParts = chainEvents('dossier-1', 0n, GENESIS_HASH, events, parts);
    const without = chainEvents('dossier-1', 0n, GENESIS_HASH, events);
    expect(withParts.map((e) => e.hash)).toEqual(without.map((e) => e.hash));
    expect(withParts.map((e) => [e.dataJson, e.metadataJson])).toEqual(
      without.map((e) => [e.dataJson, e.metadataJson]),
    );
  });
});

describe('stringJson', () => {
  it('is JSON.stringify of any string, lone surrogates and control characters included', () => {
    fc.assert(
      fc.property(trickyString, (value) => {
        expect(stringJson(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 5000 },
    );
  });

  it('serialises numbers as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(canonicalJson(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 5000 },
    );
  });
});
