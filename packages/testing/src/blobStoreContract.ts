/**
 * The contract every BlobStore adapter must pass. Call it from an adapter's `*.int.test.ts`:
 * `describeBlobStoreContract('filesystem', async () => harness)`. The harness is created once per suite; each test
 * uses bytes of its own (random), so tests never see each other's blobs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlobNotFoundError,
  BlobRangeError,
  BlobStoreError,
  BlobTooLargeError,
  type BlobStore,
} from '@ntm/blob-store';

export interface BlobStoreHarness {
  store: BlobStore;
  /** where the adapter stages uploads: it must be empty whenever no stage is pending */
  spoolDir: string;
  dispose(): Promise<void>;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** `bytes` as a source of `chunkSize` chunks. */
export function chunksOf(bytes: Uint8Array, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.byteLength; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
    })(),
    { objectMode: false },
  );
}

/** A source that yields `bytes` and then fails, as a dropped connection does mid-upload. */
export async function* failingAfter(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield* chunksOf(bytes);
  throw new Error('connection lost');
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** Register the contract suite for one adapter. */
export function describeBlobStoreContract(name: string, factory: () => Promise<BlobStoreHarness>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let harness: BlobStoreHarness;
    let store: BlobStore;
    const spoolIsEmpty = async () =>
      expect((await readdir(harness.spoolDir).catch(() => [])).filter((f) => f.endsWith('.part'))).toEqual(
        [],
      );

    beforeAll(async () => {
      harness = await factory();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    it('stores streamed bytes under their SHA-256 and gives them back', async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const put = await store.put(chunksOf(bytes));
      expect(put).toEqual({ hash: sha256(bytes), size: bytes.byteLength, created: true });
      expect(await store.stat(put.hash)).toEqual({ hash: put.hash, size: bytes.byteLength });
      expect(await store.exists(put.hash)).toBe(true);
      expect((await readAll(await store.get(put.hash))).equals(bytes)).toBe(true);
      await spoolIsEmpty();
    });

    it('stores the same bytes once: the second put is told it created nothing', async () => {
      const bytes = randomBytes(1000);
      const first = await store.put(chunksOf(bytes, 100));
      const second = await store.put(chunksOf(bytes, 333));
      expect(first.created).toBe(true);
      expect(second).toEqual({ ...first, created: false });
      expect((await readAll(await store.get(first.hash))).equals(bytes)).toBe(true);
      await spoolIsEmpty();
    });

    it('keeps concurrent puts of the same bytes as one intact blob', async () => {
      const bytes = randomBytes(256 * 1024);
      const puts = await Promise.all(Array.from({ length: 5 }, () => store.put(chunksOf(bytes, 4096))));
      expect(new Set(puts.map((p) => p.hash))).toEqual(new Set([sha256(bytes)]));
      expect(puts.some((p) => p.created)).toBe(true);
      expect((await readAll(await store.get(sha256(bytes)))).equals(bytes)).toBe(true);
      await spoolIsEmpty();
    });

    it('stores an empty blob', async () => {
      const put = await store.put(chunksOf(new Uint8Array(0)));
      expect(put.size).toBe(0);
      expect(put.hash).toBe(sha256(new Uint8Array(0)));
      expect((await readAll(await store.get(put.hash))).byteLength).toBe(0);
    });

    it('gives back an inclusive byte range', async () => {
      const bytes = randomBytes(10_000);
      const { hash } = await store.put(chunksOf(bytes));
      expect(
        (await readAll(await store.get(hash, { start: 100, end: 199 }))).equals(bytes.subarray(100, 200)),
      ).toBe(true);
      expect(
        (await readAll(await store.get(hash, { start: 9_999, end: 9_999 }))).equals(bytes.subarray(9_999)),
      ).toBe(true);
    });

    it('refuses a range outside the blob', async () => {
      const { hash } = await store.put(chunksOf(randomBytes(100)));
      expect(await rejection(store.get(hash, { start: 50, end: 100 }))).toBeInstanceOf(BlobRangeError);
      expect(await rejection(store.get(hash, { start: 60, end: 50 }))).toBeInstanceOf(BlobRangeError);
      expect(await rejection(store.get(hash, { start: -1, end: 5 }))).toBeInstanceOf(BlobRangeError);
    });

    it('answers an absent blob: stat undefined, exists false, get BlobNotFoundError', async () => {
      const hash = sha256(randomBytes(32));
      expect(await store.stat(hash)).toBeUndefined();
      expect(await store.exists(hash)).toBe(false);
      expect(await rejection(store.get(hash))).toBeInstanceOf(BlobNotFoundError);
      expect(await rejection(store.get(hash, { start: 0, end: 0 }))).toBeInstanceOf(BlobNotFoundError);
    });

    it('refuses a hash that is not 64 lowercase hex digits before it reaches a path or key', async () => {
      for (const bad of ['../../etc/passwd', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(64)}/x`]) {
        const error = await rejection(store.get(bad));
        expect(error).toBeInstanceOf(BlobStoreError);
        expect((error as BlobStoreError).code).toBe('INVALID_BLOB_HASH');
        expect(await rejection(store.stat(bad))).toBeInstanceOf(BlobStoreError);
        expect(await rejection(store.delete(bad))).toBeInstanceOf(BlobStoreError);
      }
    });

    it('refuses a source over maxBytes and keeps nothing of it', async () => {
      const bytes = randomBytes(200_000);
      const error = await rejection(store.put(chunksOf(bytes, 10_000), { maxBytes: 100_000 }));
      expect(error).toBeInstanceOf(BlobTooLargeError);
      expect(await store.exists(sha256(bytes))).toBe(false);
      await spoolIsEmpty();
      // exactly at the limit is allowed
      expect((await store.put(chunksOf(bytes.subarray(0, 100_000)), { maxBytes: 100_000 })).size).toBe(
        100_000,
      );
    });

    it('keeps nothing of a source that fails midway (a truncated upload)', async () => {
      const bytes = randomBytes(300_000);
      const error = await rejection(store.put(failingAfter(bytes)));
      expect((error as Error).message).toBe('connection lost');
      expect(await store.exists(sha256(bytes))).toBe(false);
      await spoolIsEmpty();
    });

    it('lets a staged blob be inspected, then discarded without a trace', async () => {
      const bytes = randomBytes(50_000);
      const staged = await store.stage(chunksOf(bytes));
      expect({ hash: staged.hash, size: staged.size }).toEqual({ hash: sha256(bytes), size: 50_000 });
      expect((await readAll(staged.read({ start: 0, end: 9 }))).equals(bytes.subarray(0, 10))).toBe(true);
      expect((await readAll(staged.read())).equals(bytes)).toBe(true);
      expect(await store.exists(staged.hash)).toBe(false);
      await staged.discard();
      expect(await store.exists(staged.hash)).toBe(false);
      await spoolIsEmpty();
    });

    it('keeps a staged blob once committed', async () => {
      const bytes = randomBytes(5_000);
      const staged = await store.stage(chunksOf(bytes));
      expect(await staged.commit()).toEqual({ created: true });
      expect((await readAll(await store.get(staged.hash))).equals(bytes)).toBe(true);
      await spoolIsEmpty();
    });

    it('deletes a blob (cleanup of an orphan); deleting an absent one is no error', async () => {
      const { hash } = await store.put(chunksOf(randomBytes(1_000)));
      await store.delete(hash);
      expect(await store.exists(hash)).toBe(false);
      await store.delete(hash);
      expect(await store.exists(hash)).toBe(false);
    });
  });
}
