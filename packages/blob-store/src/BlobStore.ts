/**
 * The blob store port: documents' bytes, kept outside the event log under their SHA-256 (content-addressed, so
 * the same file uploaded twice is stored once and an event that names a hash names exactly these bytes; ADR 0013).
 *
 * Writing is two steps so that a caller can refuse what it received without ever keeping it: `stage` streams the
 * source to a private spool file while hashing it (bounded memory, whatever the size), the caller inspects the
 * staged bytes (type sniffing, limits) and then either `commit`s them under their hash or `discard`s them.
 */
import type { Readable } from 'node:stream';

/** A SHA-256 in lowercase hex: the only name a blob has. */
export type BlobHash = string;

/** An inclusive byte range, as HTTP's `Range: bytes=start-end` names it. */
export interface BlobRange {
  start: number;
  end: number;
}

export interface BlobStat {
  hash: BlobHash;
  size: number;
}

export interface StageOptions {
  /** refuse (BlobTooLargeError) as soon as the source passes this many bytes */
  maxBytes?: number | undefined;
}

/** Bytes received and hashed but not yet kept. Exactly one of `commit` or `discard` must follow. */
export interface StagedBlob extends BlobStat {
  /** the staged bytes (or a range of them), to inspect before deciding */
  read(range?: BlobRange): Readable;
  /** keep the bytes under their hash; `created` is false when the same bytes were already stored */
  commit(): Promise<{ created: boolean }>;
  /** forget the bytes; nothing remains */
  discard(): Promise<void>;
}

export interface BlobStore {
  /** stream `source` to a spool file while hashing it; a failing or oversized source leaves nothing behind */
  stage(source: AsyncIterable<Uint8Array>, options?: StageOptions): Promise<StagedBlob>;
  /** `stage` then `commit` */
  put(source: AsyncIterable<Uint8Array>, options?: StageOptions): Promise<BlobStat & { created: boolean }>;
  /** the stored bytes, or a range of them; BlobNotFoundError when absent, BlobRangeError when out of range */
  get(hash: BlobHash, range?: BlobRange): Promise<Readable>;
  stat(hash: BlobHash): Promise<BlobStat | undefined>;
  exists(hash: BlobHash): Promise<boolean>;
  /** only to clean up a blob that no event came to reference (an append that failed); absent is not an error */
  delete(hash: BlobHash): Promise<void>;
  close(): Promise<void>;
}

/** `stage` then `commit`: the `put` of every adapter. */
export async function stageAndCommit(
  store: Pick<BlobStore, 'stage'>,
  source: AsyncIterable<Uint8Array>,
  options?: StageOptions,
): Promise<BlobStat & { created: boolean }> {
  const staged = await store.stage(source, options);
  const { created } = await staged.commit();
  return { hash: staged.hash, size: staged.size, created };
}
