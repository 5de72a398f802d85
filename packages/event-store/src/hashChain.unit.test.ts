import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson.js';
import { GENESIS_HASH, chainEvents, hashEvent, verifyChain } from './hashChain.js';
import type { NewEvent } from './EventStore.js';
import { dossierStreamId, isEngineStream } from './streams.js';

const event = (eventId: string, data: NewEvent['data']): NewEvent => ({
  eventId,
  type: 'DossierOpened',
  schemaVersion: 1,
  data,
  metadata: {
    actor: { id: 'u1', role: 'commune_official', unit: '01849' },
    correlationId: 'c1',
    occurredAt: '2025-03-01T08:00:00.000Z',
  },
});
const ids = [1, 2, 3, 4].map((n) => `00000000-0000-4000-8000-00000000000${n}`);

describe('hashEvent', () => {
  const input = {
    streamId: 'dossier-1',
    revision: 7n,
    eventId: ids[0]!,
    type: 'DossierOpened',
    schemaVersion: 2,
    data: { b: [1, { z: null, y: true }], a: 'Đạt', é: 1.5 },
    metadata: {
      actor: { id: 'u1', role: 'commune_official', unit: '01849' },
      correlationId: 'c1',
      occurredAt: '2025-03-01T08:00:00.000Z',
      causationId: undefined,
    },
    prevHash: GENESIS_HASH,
  };
  const expected = 'f89ee01305284d6650ed94734b35ec826897b960d6c79ec0c3456afd4922899f';

  it('hashes the canonical JSON of the event (a fixed value: stored chains must keep verifying)', () => {
    expect(hashEvent(input)).toBe(expected);
    expect(
      createHash('sha256')
        .update(canonicalJson({ ...input, revision: 7 }), 'utf8')
        .digest('hex'),
    ).toBe(expected);
  });

  it('chainEvents hashes the same bytes, and keeps the canonical JSON it hashed for the store to send', () => {
    const { streamId, revision, prevHash, ...source } = input;
    const [chained] = chainEvents(streamId, revision, prevHash, [source]);
    expect(chained!.hash).toBe(expected);
    expect(chained!.dataJson).toBe('{"a":"Đạt","b":[1,{"y":true,"z":null}],"é":1.5}');
    expect(chained!.metadataJson).toBe(canonicalJson(source.metadata));
    expect(JSON.parse(chained!.metadataJson!)).toEqual(source.metadata);
  });
});

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units at every depth and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1}',
    );
    expect(canonicalJson({ é: 1, z: 2, '\u{1F600}': 3, '\uffff': 4 })).toBe(
      '{"z":2,"é":1,"😀":3,"\uffff":4}',
    );
  });

  it('orders keys as Array.prototype.sort does, integer-like keys included', () => {
    const keys = ['z', '10', 'b', '2', 'B', '', 'ä', 'a\u{1F600}', 'a\uffff', 'aa', 'a', '01', '1'];
    for (const order of [keys, [...keys].reverse(), [...keys].sort()]) {
      const record = Object.fromEntries(order.map((key, i) => [key, i]));
      expect(Object.keys(JSON.parse(canonicalJson(record)) as object).sort()).toEqual([...keys].sort());
      expect(canonicalJson(record)).toBe(
        `{${[...keys]
          .sort()
          .map((key) => `${JSON.stringify(key)}:${record[key]}`)
          .join(',')}}`,
      );
    }
  });

  it('serialises numbers and strings as RFC 8785 does', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1, 123456789012345680000, 4.5])).toBe(
      '[1e+21,1e-7,0,0.1,123456789012345680000,4.5]',
    );
    expect(canonicalJson('a"b\\c\n\u001f€')).toBe('"a\\"b\\\\c\\n\\u001f€"');
  });

  it('quotes keys as JSON.stringify does, the same on every call and past the keys it keeps quoted', () => {
    const odd = { 'a"b': 1, 'c\\d': 2, 'e\nf': 3, '\u001f': 4, '': 5 };
    const expected = '{"":5,"\\u001f":4,"a\\"b":1,"c\\\\d":2,"e\\nf":3}';
    expect(canonicalJson(odd)).toBe(expected);
    expect(canonicalJson(odd)).toBe(expected);
    // More distinct keys than the cache keeps: those beyond it are quoted afresh, with the same result.
    const many = Object.fromEntries(
      Array.from({ length: 5000 }, (_, i) => [`k"${String(i).padStart(4, '0')}`, i]),
    );
    expect(JSON.parse(canonicalJson(many))).toEqual(many);
    expect(canonicalJson(many)).toBe(canonicalJson(many));
  });

  it('refuses what is not JSON', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(1n)).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});

describe('hash chain', () => {
  const stream = 'dossier-1';
  const chained = chainEvents(
    stream,
    0n,
    GENESIS_HASH,
    ids.map((id, i) => event(id, { i })),
  );

  it('links each event to the one before, from the genesis hash', () => {
    expect(chained.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
    expect(chained[0]!.prevHash).toBe(GENESIS_HASH);
    chained.slice(1).forEach((e, i) => expect(e.prevHash).toBe(chained[i]!.hash));
    expect(chained[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyChain(chained)).toEqual({ ok: true, count: 4 });
  });

  it('does not depend on key order, and does depend on every covered field', () => {
    const base = chained[1]!;
    const { actor, correlationId, occurredAt } = base.metadata;
    const reordered = { ...base, data: { i: 1 }, metadata: { occurredAt, correlationId, actor } };
    expect(hashEvent(reordered)).toBe(base.hash);
    for (const change of [
      { streamId: 'dossier-2' },
      { revision: 9n },
      { eventId: ids[3]! },
      { type: 'Other' },
      { schemaVersion: 2 },
      { data: { i: 2 } },
      { metadata: { ...base.metadata, correlationId: 'c2' } },
      { prevHash: GENESIS_HASH },
    ]) {
      expect(hashEvent({ ...base, ...change })).not.toBe(base.hash);
    }
  });

  it('continues a stream from its head', () => {
    const more = chainEvents(stream, 4n, chained[3]!.hash, [
      event('00000000-0000-4000-8000-000000000005', {}),
    ]);
    expect(verifyChain([...chained, ...more])).toEqual({ ok: true, count: 5 });
  });

  it('names the first bad event: edited, deleted, reordered', () => {
    const edited = chained.map((e, i) => (i === 2 ? { ...e, data: { i: 99 } } : e));
    expect(verifyChain(edited)).toEqual({
      ok: false,
      firstBadRevision: 2n,
      eventId: ids[2],
      reason: 'hash_mismatch',
    });
    const deleted = chained.filter((_, i) => i !== 1);
    expect(verifyChain(deleted)).toEqual({
      ok: false,
      firstBadRevision: 2n,
      eventId: ids[2],
      reason: 'revision_gap',
    });
    const swapped = [
      chained[0]!,
      { ...chained[2]!, revision: 1n },
      { ...chained[1]!, revision: 2n },
      chained[3]!,
    ];
    expect(verifyChain(swapped)).toEqual({
      ok: false,
      firstBadRevision: 1n,
      eventId: ids[2],
      reason: 'broken_link',
    });
    expect(verifyChain(chained.slice(1))).toMatchObject({ ok: false, reason: 'revision_gap' });
  });
});

describe('stream ids', () => {
  it('builds and recognises the engine streams', () => {
    expect(dossierStreamId('abc')).toBe('dossier-abc');
    expect(isEngineStream('dossier-abc')).toBe(true);
    expect(isEngineStream('dossier-')).toBe(false);
    expect(isEngineStream('other-abc')).toBe(false);
  });
});
