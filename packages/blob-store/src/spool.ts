/**
 * Staging shared by the adapters: the source is written to a spool file while its SHA-256 is computed, then
 * fsync'd. Chunks are hashed as they arrive and written in batches of about `SPOOL_WRITE_BYTES` with one
 * `writev` (the chunks themselves, not copies; while a batch is written the source's own buffer fills up): memory
 * stays bounded by one batch and a chunk, whatever the size. A chunk is the spool's once yielded (as a stream's
 * chunks are the reader's): the source must not reuse its memory. Any failure (the source errors, a truncated upload, the limit
 * passed) removes the spool file before the error is rethrown.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobRange } from './BlobStore.js';
import { assertRange, BlobTooLargeError } from './errors.js';

export interface Spooled {
  path: string;
  hash: string;
  size: number;
}

/** Bytes gathered before one `writev` to the spool file. */
export const SPOOL_WRITE_BYTES = 1024 * 1024;

/** The spool directories known to exist (made once per process, again if something removed them). */
const madeDirs = new Set<string>();

async function openSpoolFile(dir: string, path: string): Promise<FileHandle> {
  if (!madeDirs.has(dir)) {
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
  }
  try {
    return await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    madeDirs.delete(dir);
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
    return open(path, 'wx');
  }
}

export async function spool(
  dir: string,
  source: AsyncIterable<Uint8Array>,
  maxBytes: number = Number.POSITIVE_INFINITY,
): Promise<Spooled> {
  const path = join(dir, `${randomUUID()}.part`);
  const file = await openSpoolFile(dir, path);
  const hash = createHash('sha256');
  let size = 0;
  let batch: Uint8Array[] = [];
  let batched = 0;
  const flush = async () => {
    const chunks = batch;
    batch = [];
    batched = 0;
    await (chunks.length === 1 ? writeAll(file, chunks[0]!) : writevAll(file, chunks));
  };
  try {
    for await (const chunk of source) {
      size += chunk.byteLength;
      // Leaving the loop ends the source too (its iterator is returned), so nothing more is read.
      if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
      if (chunk.byteLength === 0) continue;
      hash.update(chunk);
      batch.push(chunk);
      batched += chunk.byteLength;
      if (batched >= SPOOL_WRITE_BYTES) await flush();
    }
    if (batch.length > 0) await flush();
    await file.sync();
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
  await file.close();
  return { path, hash: hash.digest('hex'), size };
}

/** Writes the whole chunk (a short write continues where it stopped). */
async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Writes the chunks in order with `writev`; a short write continues with what is left. */
export async function writevAll(file: FileHandle, chunks: Uint8Array[]): Promise<void> {
  let left = chunks;
  while (left.length > 0) {
    let { bytesWritten } = await file.writev(left);
    let i = 0;
    while (i < left.length && bytesWritten >= left[i]!.byteLength) bytesWritten -= left[i++]!.byteLength;
    left = left.slice(i);
    if (bytesWritten > 0) left[0] = left[0]!.subarray(bytesWritten);
  }
}

/** The spool file's bytes, or a range of them. */
export function readSpooled(spooled: Spooled, range?: BlobRange): Readable {
  if (range === undefined) return createReadStream(spooled.path);
  assertRange(spooled.size, range);
  return createReadStream(spooled.path, range);
}
