/**
 * The contract every EventStore adapter must pass (after emmett's shared store tests). Call it from an adapter's
 * `*.int.test.ts`: `describeEventStoreContract('postgres', async () => harness)`. The harness is created once per
 * suite; each test writes its own uniquely named streams, and tests run one after another.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventStoreError,
  verifyChain,
  WrongExpectedRevisionError,
  type EventStore,
  type Json,
  type NewEvent,
  type RecordedEvent,
} from '@ntm/event-store';

/** Direct access to the stored rows, to prove that the hash chain catches tampering. */
export interface ContractTamper {
  editData(streamId: string, revision: bigint, data: { [key: string]: Json }): Promise<void>;
  delete(streamId: string, revision: bigint): Promise<void>;
  /** Swap the stream positions (revisions) of two stored events. */
  swap(streamId: string, revA: bigint, revB: bigint): Promise<void>;
}

export interface ContractHarness {
  store: EventStore;
  tamper: ContractTamper;
  dispose(): Promise<void>;
}

const OCCURRED_AT = '2025-03-01T08:00:00.000Z';

/** A valid event for tests: random id, fixed clock. */
export function contractEvent(type = 'ContractTested', data: { [key: string]: Json } = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actor: { id: 'user-1', role: 'commune_official', unit: '01849' },
      correlationId: randomUUID(),
      occurredAt: OCCURRED_AT,
    },
  };
}

function events(count: number, type = 'ContractTested'): NewEvent[] {
  return Array.from({ length: count }, (_, i) => contractEvent(type, { i }));
}

/** Yield to the event loop without waiting for any time to pass. */
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The global log may trail a committed append for as long as an older transaction is open: wait for it. */
async function caughtUp(store: EventStore, position: bigint): Promise<void> {
  while ((await store.headPosition()) < position) await yieldTurn();
}

async function conflictOf(promise: Promise<unknown>): Promise<WrongExpectedRevisionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  return error as WrongExpectedRevisionError;
}

/** Register the contract suite for one adapter. */
export function describeEventStoreContract(name: string, factory: () => Promise<ContractHarness>): void {
  describe(`EventStore contract: ${name}`, () => {
    let harness: ContractHarness;
    let store: EventStore;
    const streamName = (label: string) => `contract-${label}-${randomUUID()}`;

    beforeAll(async () => {
      harness = await factory();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    describe('expected revision', () => {
      it('no_stream creates a stream and refuses an existing one', async () => {
        const s = streamName('no-stream');
        const batch = events(2);
        const result = await store.append(s, batch, { expectedRevision: 'no_stream' });
        expect(result).toMatchObject({ nextExpectedRevision: 1n, written: 2 });
        const conflict = await conflictOf(store.append(s, events(1), { expectedRevision: 'no_stream' }));
        expect(conflict.code).toBe('WRONG_EXPECTED_REVISION');
        expect(conflict.actual).toBe(1n);
        const read = await store.readStream(s);
        expect(read.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
        expect(read.map((e) => e.revision)).toEqual([0n, 1n]);
        expect(read[0]).toMatchObject({
          streamId: s,
          type: 'ContractTested',
          schemaVersion: 1,
          data: { i: 0 },
        });
        expect(read[0]!.metadata).toEqual(batch[0]!.metadata);
        expect(Number.isNaN(Date.parse(read[0]!.recordedAt))).toBe(false);
        expect(read[1]!.position).toBe(result.position);
        expect(read[1]!.position).toBeGreaterThan(read[0]!.position);
      });

      it('stream_exists refuses a missing stream and appends to an existing one', async () => {
        const s = streamName('exists');
        const conflict = await conflictOf(store.append(s, events(1), { expectedRevision: 'stream_exists' }));
        expect(conflict.actual).toBeUndefined();
        expect(await store.streamRevision(s)).toBeUndefined();
        await store.append(s, events(1), { expectedRevision: 'no_stream' });
        const result = await store.append(s, events(1), { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(1n);
      });

      it('an exact revision appends when it matches and conflicts with the actual revision when stale', async () => {
        const s = streamName('exact');
        const missing = await conflictOf(store.append(s, events(1), { expectedRevision: 0n }));
        expect(missing.actual).toBeUndefined();
        await store.append(s, events(3), { expectedRevision: 'no_stream' });
        const ok = await store.append(s, events(1), { expectedRevision: 2n });
        expect(ok).toMatchObject({ nextExpectedRevision: 3n, written: 1 });
        const stale = await conflictOf(store.append(s, events(1), { expectedRevision: 1n }));
        expect(stale.actual).toBe(3n);
        const ahead = await conflictOf(store.append(s, events(1), { expectedRevision: 7n }));
        expect(ahead.actual).toBe(3n);
        expect(await store.streamRevision(s)).toBe(3n);
      });

      it('an append that says the hash of its last event says the one the stream keeps', async () => {
        const s = streamName('hash');
        const first = await store.append(s, events(2), { expectedRevision: 'no_stream' });
        const second = await store.append(s, events(1), { expectedRevision: 1n });
        const read = await store.readStream(s);
        // Optional in the port: the command handler computes it itself from an adapter that does not say it.
        if (first.hash !== undefined) expect(first.hash).toBe(read[1]!.hash);
        if (second.hash !== undefined) expect(second.hash).toBe(read[2]!.hash);
      });

      it('any appends to a new and to an existing stream', async () => {
        const s = streamName('any');
        expect((await store.append(s, events(1), { expectedRevision: 'any' })).nextExpectedRevision).toBe(0n);
        expect((await store.append(s, events(2), { expectedRevision: 'any' })).nextExpectedRevision).toBe(2n);
        expect(await store.streamRevision(s)).toBe(2n);
      });

      it('50 concurrent writers at the same revision: exactly one wins, the others see the winner', async () => {
        const s = streamName('race');
        await store.append(s, events(1), { expectedRevision: 'no_stream' });
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, () => store.append(s, events(1), { expectedRevision: 0n })),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(49);
        for (const loss of lost) {
          expect(loss.reason).toBeInstanceOf(WrongExpectedRevisionError);
          expect((loss.reason as WrongExpectedRevisionError).actual).toBe(1n);
        }
        const read = await store.readStream(s);
        expect(read.map((e) => e.revision)).toEqual([0n, 1n]);
        expect(verifyChain(read)).toEqual({ ok: true, count: 2 });
      });
    });

    describe('appends issued together (adapters may commit them as one group)', () => {
      it('writes each append once; a conflict or a retry among them is answered alone', async () => {
        const taken = streamName('group-taken');
        const retried = streamName('group-retried');
        const batch = events(2);
        await store.append(taken, events(1), { expectedRevision: 'no_stream' });
        await store.append(retried, batch, { expectedRevision: 'no_stream' });
        const fresh = Array.from({ length: 10 }, (_, i) => streamName(`group-${i}`));
        // Issued in one turn of the event loop, so that a grouping adapter puts them in the same INSERT.
        const results = await Promise.allSettled([
          store.append(streamName('group-first'), events(1), { expectedRevision: 'no_stream' }),
          ...fresh.map((s) => store.append(s, events(2), { expectedRevision: 'no_stream' })),
          store.append(taken, events(1), { expectedRevision: 'no_stream' }),
          store.append(retried, batch, { expectedRevision: 'no_stream' }),
        ]);
        const [first, ...rest] = results;
        const conflict = rest.at(-2)!;
        const retry = rest.at(-1)!;
        expect(first?.status).toBe('fulfilled');
        expect(conflict.status === 'rejected' && conflict.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(retry).toMatchObject({ status: 'fulfilled', value: { written: 0, nextExpectedRevision: 1n } });
        const written = rest.slice(0, fresh.length);
        expect(written.map((r) => r.status === 'fulfilled' && r.value.written)).toEqual(fresh.map(() => 2));
        const positions = written.map((r) => (r.status === 'fulfilled' ? r.value.position : -1n));
        expect(new Set(positions).size).toBe(fresh.length);
        for (const s of fresh) {
          const read = await store.readStream(s);
          expect(read.map((e) => e.revision)).toEqual([0n, 1n]);
          expect(verifyChain(read)).toEqual({ ok: true, count: 2 });
        }
        expect(await store.readStream(taken)).toHaveLength(1);
        expect(await store.readStream(retried)).toHaveLength(2);
      });
    });

    describe('idempotent retries by event id', () => {
      it('the same batch twice writes once and reports written = 0', async () => {
        const s = streamName('retry');
        const batch = events(3);
        const first = await store.append(s, batch, { expectedRevision: 'no_stream' });
        const again = await store.append(s, batch, { expectedRevision: 'no_stream' });
        expect(again).toEqual({ nextExpectedRevision: 2n, position: first.position, written: 0 });
        const anyRetry = await store.append(s, batch, { expectedRevision: 'any' });
        expect(anyRetry.written).toBe(0);
        await store.append(s, events(1), { expectedRevision: 2n });
        // A late retry of an older batch is still recognised, even though the stream has moved on.
        expect((await store.append(s, batch, { expectedRevision: 'no_stream' })).written).toBe(0);
        expect(await store.streamRevision(s)).toBe(3n);
      });

      it('a batch that overlaps the stream only in part is refused and writes nothing', async () => {
        const s = streamName('overlap');
        const batch = events(2);
        await store.append(s, batch, { expectedRevision: 'no_stream' });
        const mixed = [batch[1]!, contractEvent()];
        await expect(store.append(s, mixed, { expectedRevision: 'any' })).rejects.toMatchObject({
          code: 'INVALID_EVENT',
        });
        const reordered = [batch[1]!, batch[0]!];
        await expect(store.append(s, reordered, { expectedRevision: 'any' })).rejects.toMatchObject({
          code: 'INVALID_EVENT',
        });
        expect(await store.streamRevision(s)).toBe(1n);
      });

      it('concurrent retries of one batch write it exactly once', async () => {
        const s = streamName('retry-race');
        const batch = events(3);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.append(s, batch, { expectedRevision: 'any' })),
        );
        expect(results.reduce((sum, r) => sum + r.written, 0)).toBe(3);
        expect(new Set(results.map((r) => r.nextExpectedRevision))).toEqual(new Set([2n]));
        expect(await store.readStream(s)).toHaveLength(3);
      });
    });

    describe('reading', () => {
      it('reads a 10,000-event stream whole and in pages', async () => {
        const s = streamName('long');
        for (let page = 0; page < 10; page++) {
          const expectedRevision = page === 0 ? 'no_stream' : BigInt(page * 1000 - 1);
          await store.append(s, events(1000), { expectedRevision });
        }
        const all = await store.readStream(s);
        expect(all).toHaveLength(10_000);
        expect(all.every((e, i) => e.revision === BigInt(i))).toBe(true);
        expect(verifyChain(all)).toEqual({ ok: true, count: 10_000 });
        expect(await store.streamRevision(s)).toBe(9999n);
        const paged: RecordedEvent[] = [];
        for (let from = 0n; ;) {
          const page = await store.readStream(s, { fromRevision: from, maxCount: 1500 });
          paged.push(...page);
          if (page.length < 1500) break;
          from = page.at(-1)!.revision + 1n;
        }
        expect(paged.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
        const middle = await store.readStream(s, { fromRevision: 4321n, maxCount: 3 });
        expect(middle.map((e) => e.revision)).toEqual([4321n, 4322n, 4323n]);
        expect(await store.readStream(s, { fromRevision: 10_000n })).toEqual([]);
        expect(await store.readStream(streamName('absent'))).toEqual([]);
      });

      it('reads several streams from a revision each with readStreams', async () => {
        const [a, b, absent] = [streamName('multi-a'), streamName('multi-b'), streamName('multi-absent')];
        await store.append(a, events(3), { expectedRevision: 'no_stream' });
        await store.append(b, events(5), { expectedRevision: 'no_stream' });
        const read = await store.readStreams([
          { streamId: b, fromRevision: 3n },
          { streamId: a, fromRevision: 0n },
          { streamId: absent, fromRevision: 0n },
        ]);
        expect([...read.keys()].sort()).toEqual([a, b, absent].sort());
        expect(read.get(a)).toEqual(await store.readStream(a));
        expect(read.get(b)!.map((e) => e.revision)).toEqual([3n, 4n]);
        expect(read.get(absent)).toEqual([]);
        expect(await store.readStreams([])).toEqual(new Map());
        await expect(
          store.readStreams([
            { streamId: a, fromRevision: 0n },
            { streamId: a, fromRevision: 1n },
          ]),
        ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      });

      it('pages through the global log with readAll', async () => {
        const start = await store.headPosition();
        const written: string[] = [];
        let last = 0n;
        for (let k = 0; k < 5; k++) {
          const batch = events(5);
          last = (await store.append(streamName('all'), batch, { expectedRevision: 'no_stream' })).position;
          written.push(...batch.map((e) => e.eventId));
        }
        await caughtUp(store, last);
        const seen: RecordedEvent[] = [];
        let after = start;
        for (;;) {
          const page = await store.readAll({ after, limit: 7 });
          seen.push(...page.events);
          expect(page.nextAfter).toBe(page.events.at(-1)?.position ?? after);
          after = page.nextAfter;
          if (page.isEnd) break;
        }
        expect(seen.map((e) => e.eventId)).toEqual(written);
        seen.forEach((e, i) => i > 0 && expect(e.position).toBeGreaterThan(seen[i - 1]!.position));
        const empty = await store.readAll({ after: last });
        expect(empty).toEqual({ events: [], nextAfter: last, isEnd: true });
      });

      it('keeps the global log gap-free and ordered under 8 concurrent writers, for readAll and subscribeToAll', async () => {
        const start = await store.headPosition();
        const prefix = streamName('log');
        const writers = 8;
        const perWriter = 250;
        const total = writers * perWriter;
        const ours = (e: RecordedEvent) => e.streamId.startsWith(prefix);

        const subscribed: RecordedEvent[] = [];
        let subscriptionDone!: () => void;
        const subscriptionFinished = new Promise<void>((resolve) => (subscriptionDone = resolve));
        const subscriptionErrors: unknown[] = [];
        const subscription = store.subscribeToAll({
          after: start,
          onEvent: (e) => {
            if (!ours(e)) return;
            subscribed.push(e);
            if (subscribed.length === total) subscriptionDone();
          },
          onError: (error) => subscriptionErrors.push(error),
        });

        let writing = true;
        const tailed: RecordedEvent[] = [];
        const tail = (async () => {
          let after = start;
          for (;;) {
            const finished = !writing;
            const page = await store.readAll({ after, limit: 300 });
            tailed.push(...page.events.filter(ours));
            after = page.nextAfter;
            if (page.isEnd) {
              if (finished && tailed.length >= total) return;
              await yieldTurn();
            }
          }
        })();

        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let r = 0; r < perWriter; r++) {
              await store.append(`${prefix}-w${w}`, [contractEvent('Logged', { w, r })], {
                expectedRevision: r === 0 ? 'no_stream' : BigInt(r - 1),
              });
            }
          }),
        );
        writing = false;
        await tail;
        await subscriptionFinished;
        await subscription.close();
        expect(subscriptionErrors).toEqual([]);

        for (const seen of [tailed, subscribed]) {
          expect(seen).toHaveLength(total);
          expect(new Set(seen.map((e) => e.eventId)).size).toBe(total);
          seen.forEach((e, i) => i > 0 && expect(e.position).toBeGreaterThan(seen[i - 1]!.position));
          const next = new Map<string, bigint>();
          for (const e of seen) {
            expect(e.revision).toBe(next.get(e.streamId) ?? 0n);
            next.set(e.streamId, e.revision + 1n);
          }
        }
        expect(subscribed.map((e) => e.position)).toEqual(tailed.map((e) => e.position));
      });

      it('a subscription starts after the given position and stops delivering once closed', async () => {
        const s = streamName('sub');
        const first = await store.append(s, events(2), { expectedRevision: 'no_stream' });
        const later = events(1);
        const got: RecordedEvent[] = [];
        let resolveSeen!: () => void;
        const seen = new Promise<void>((resolve) => (resolveSeen = resolve));
        const subscription = store.subscribeToAll({
          after: first.position,
          onEvent: (e) => {
            if (e.streamId !== s) return;
            got.push(e);
            resolveSeen();
          },
        });
        await store.append(s, later, { expectedRevision: 1n });
        await seen;
        await subscription.close();
        await store.append(s, events(1), { expectedRevision: 2n });
        expect(got.map((e) => e.eventId)).toEqual([later[0]!.eventId]);
      });
    });

    describe('hash chain', () => {
      const chained = async (label: string) => {
        const s = streamName(label);
        await store.append(s, events(6), { expectedRevision: 'no_stream' });
        const read = await store.readStream(s);
        expect(verifyChain(read)).toEqual({ ok: true, count: 6 });
        expect(read[1]!.prevHash).toBe(read[0]!.hash);
        expect(read[0]!.prevHash).toBe('0'.repeat(64));
        return { s, read };
      };

      it('detects an edited event', async () => {
        const { s, read } = await chained('edit');
        await harness.tamper.editData(s, 2n, { i: 999 });
        expect(verifyChain(await store.readStream(s))).toEqual({
          ok: false,
          firstBadRevision: 2n,
          eventId: read[2]!.eventId,
          reason: 'hash_mismatch',
        });
      });

      it('detects a deleted event', async () => {
        const { s, read } = await chained('delete');
        await harness.tamper.delete(s, 3n);
        expect(verifyChain(await store.readStream(s))).toEqual({
          ok: false,
          firstBadRevision: 4n,
          eventId: read[4]!.eventId,
          reason: 'revision_gap',
        });
      });

      it('detects reordered events', async () => {
        const { s, read } = await chained('swap');
        await harness.tamper.swap(s, 1n, 4n);
        expect(verifyChain(await store.readStream(s))).toEqual({
          ok: false,
          firstBadRevision: 1n,
          eventId: read[4]!.eventId,
          reason: 'broken_link',
        });
      });
    });

    describe('bad input is refused with a typed error and changes nothing', () => {
      class Money {
        constructor(readonly amount: number) {}
      }
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic['self'] = cyclic;
      const withData = (data: unknown): NewEvent => ({ ...contractEvent(), data: data as NewEvent['data'] });
      const withMetadata = (metadata: unknown): NewEvent => ({
        ...contractEvent(),
        metadata: metadata as NewEvent['metadata'],
      });
      const { metadata: goodMetadata } = contractEvent();

      const cases: [string, string | undefined, () => NewEvent[], unknown, string][] = [
        ['empty stream id', '', () => events(1), 'no_stream', 'INVALID_STREAM_ID'],
        ['over-long stream id', 'x'.repeat(201), () => events(1), 'no_stream', 'INVALID_STREAM_ID'],
        ['control character in stream id', 'a\nb', () => events(1), 'no_stream', 'INVALID_STREAM_ID'],
        ['no events', undefined, () => [], 'any', 'INVALID_EVENT'],
        ['missing type', undefined, () => [{ ...contractEvent(), type: '' }], 'any', 'INVALID_EVENT'],
        [
          'non-uuid event id',
          undefined,
          () => [{ ...contractEvent(), eventId: 'evt-1' }],
          'any',
          'INVALID_EVENT',
        ],
        [
          'repeated event id in a batch',
          undefined,
          () => {
            const e = contractEvent();
            return [e, { ...e }];
          },
          'any',
          'INVALID_EVENT',
        ],
        ['NaN in data', undefined, () => [withData({ x: Number.NaN })], 'any', 'INVALID_EVENT'],
        ['Infinity in data', undefined, () => [withData({ x: Infinity })], 'any', 'INVALID_EVENT'],
        ['undefined in data', undefined, () => [withData({ x: undefined })], 'any', 'INVALID_EVENT'],
        ['undefined in an array', undefined, () => [withData({ x: [1, undefined] })], 'any', 'INVALID_EVENT'],
        ['function in data', undefined, () => [withData({ x: () => 1 })], 'any', 'INVALID_EVENT'],
        ['bigint in data', undefined, () => [withData({ x: 1n })], 'any', 'INVALID_EVENT'],
        ['Date in data', undefined, () => [withData({ at: new Date(0) })], 'any', 'INVALID_EVENT'],
        ['class instance in data', undefined, () => [withData({ m: new Money(1) })], 'any', 'INVALID_EVENT'],
        ['Map in data', undefined, () => [withData({ m: new Map() })], 'any', 'INVALID_EVENT'],
        ['cycle in data', undefined, () => [withData({ c: cyclic })], 'any', 'INVALID_EVENT'],
        ['U+0000 in data', undefined, () => [withData({ s: 'a\u0000b' })], 'any', 'INVALID_EVENT'],
        ['data not an object', undefined, () => [withData([1, 2])], 'any', 'INVALID_EVENT'],
        ['missing metadata', undefined, () => [withMetadata(undefined)], 'any', 'INVALID_EVENT'],
        [
          'metadata without actor',
          undefined,
          () => [withMetadata({ ...goodMetadata, actor: undefined })],
          'any',
          'INVALID_EVENT',
        ],
        [
          'metadata with a bad occurredAt',
          undefined,
          () => [withMetadata({ ...goodMetadata, occurredAt: 'yesterday' })],
          'any',
          'INVALID_EVENT',
        ],
        [
          'a bad event after a good one',
          undefined,
          () => [contractEvent(), withData({ x: NaN })],
          'any',
          'INVALID_EVENT',
        ],
        ['negative expected revision', undefined, () => events(1), -1n, 'INVALID_REVISION'],
        ['number as expected revision', undefined, () => events(1), 0, 'INVALID_REVISION'],
      ];

      it.each(cases)('%s', async (_label, fixedStream, batch, expectedRevision, code) => {
        const s = fixedStream ?? streamName('bad');
        const head = await store.headPosition();
        const error = await store.append(s, batch(), { expectedRevision: expectedRevision as bigint }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(EventStoreError);
        expect(error).toMatchObject({ code });
        if (fixedStream === undefined) expect(await store.streamRevision(s)).toBeUndefined();
        expect(await store.headPosition()).toBe(head);
      });

      it('refuses bad read options', async () => {
        await expect(store.readStream(streamName('r'), { fromRevision: -1n })).rejects.toMatchObject({
          code: 'INVALID_REVISION',
        });
        await expect(store.readStream(streamName('r'), { maxCount: 0 })).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
        });
        await expect(store.readAll({ limit: -5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        await expect(store.readStream('')).rejects.toMatchObject({ code: 'INVALID_STREAM_ID' });
      });
    });
  });
}
