/**
 * Staging shared by the adapters: the source is written to a spool file while its SHA-256 is computed, then
 * fsync'd. Chunks are hashed as they arrive and written in batches of about `SPOOL_WRITE_BYTES` with one
 * `writev` (the chunks themselves, not copies; while a batch is written the source's own buffer fills up): memory
 * stays bounded by one batch and a chunk, whatever the size. A chunk is the spool's once yielded (as a stream's
 * chunks are the reader's): the source must not reuse its memory. Any failure (the source errors, a truncated upload, the limit
 * passed) removes the spool file before the error is rethrown.
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, createReadStream, fsync, openSync, write, writev } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { BlobRange } from './BlobStore.js';
import { assertRange, BlobTooLargeError } from './errors.js';

export interface Spooled {
  path: string;
  hash: string;
  size: number;
  /** the file's first bytes (up to `SPOOL_HEAD_BYTES`), kept from the chunks as they passed */
  head: Uint8Array;
}

/**
 * The first bytes kept in memory: a whole read of the staged bytes serves them without opening the file, and opens
 * it only if the reader wants more. A type sniff reads a PDF's, JPEG's or PNG's signature from the first few KiB, so
 * it makes no file operation at all (three thread-pool hops fewer per upload: open, read, close).
 */
export const SPOOL_HEAD_BYTES = 64 * 1024;

/** Bytes gathered before one `writev` to the spool file. */
export const SPOOL_WRITE_BYTES = 1024 * 1024;

/** The spool directories known to exist (made once per process, again if something removed them). */
const madeDirs = new Set<string>();

/**
 * A file descriptor's writes and fsync, each a thread-pool hop (they take as long as the bytes and the disk take).
 * Opening and closing are made in place instead (`openSync`, `closeSync`): they return in microseconds, and a hop
 * costs more than that on a machine with no idle core (a thread to wake, a turn of the loop to come back to;
 * ADR 0044). The embedded database makes all its file calls in place already.
 */
export const fdFile = (fd: number) => ({
  writev: (chunks: Uint8Array[]) => writevAsync(fd, chunks),
  write: (chunk: Uint8Array, offset: number, length: number) => writeAsync(fd, chunk, offset, length),
  sync: () => fsyncAsync(fd),
});
const writevAsync = promisify(writev);
const writeAsync = promisify(write);
export const fsyncAsync = promisify(fsync);
export type FdFile = ReturnType<typeof fdFile>;

async function openSpoolFile(dir: string, path: string): Promise<number> {
  if (!madeDirs.has(dir)) {
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
  }
  try {
    return openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    madeDirs.delete(dir);
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
    return openSync(path, 'wx');
  }
}

export async function spool(
  dir: string,
  source: AsyncIterable<Uint8Array>,
  maxBytes: number = Number.POSITIVE_INFINITY,
): Promise<Spooled> {
  const path = join(dir, `${randomUUID()}.part`);
  const fd = await openSpoolFile(dir, path);
  const file = fdFile(fd);
  const hash = createHash('sha256');
  let size = 0;
  let batch: Uint8Array[] = [];
  let batched = 0;
  const head: Uint8Array[] = [];
  let headBytes = 0;
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
      if (headBytes < SPOOL_HEAD_BYTES) {
        head.push(chunk.subarray(0, SPOOL_HEAD_BYTES - headBytes));
        headBytes += head.at(-1)!.byteLength;
      }
      batch.push(chunk);
      batched += chunk.byteLength;
      if (batched >= SPOOL_WRITE_BYTES) await flush();
    }
    if (batch.length > 0) await flush();
    await file.sync();
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // the file is removed all the same
    }
    await rm(path, { force: true });
    throw error;
  }
  closeSync(fd);
  return { path, hash: hash.digest('hex'), size, head: Buffer.concat(head, headBytes) };
}

/** Writes the whole chunk (a short write continues where it stopped). */
async function writeAll(file: Pick<FdFile, 'write'>, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Writes the chunks in order with `writev`; a short write continues with what is left. */
export async function writevAll(
  file: { writev(chunks: Uint8Array[]): Promise<{ bytesWritten: number }> },
  chunks: Uint8Array[],
): Promise<void> {
  let left = chunks;
  while (left.length > 0) {
    let { bytesWritten } = await file.writev(left);
    let i = 0;
    while (i < left.length && bytesWritten >= left[i]!.byteLength) bytesWritten -= left[i++]!.byteLength;
    left = left.slice(i);
    if (bytesWritten > 0) left[0] = left[0]!.subarray(bytesWritten);
  }
}

/**
 * The spool file's bytes, or a range of them. The whole bytes start with the head from memory; the file is opened
 * (at the end of the head) only when the reader asks for more: the stream buffers nothing ahead of its reader.
 */
export function readSpooled(spooled: Spooled, range?: BlobRange): Readable {
  if (range !== undefined) {
    assertRange(spooled.size, range);
    return createReadStream(spooled.path, range);
  }
  const { head, size, path } = spooled;
  if (head.byteLength === size) return Readable.from([head], { objectMode: false });
  let headSent = false;
  let rest: Readable | undefined;
  return new Readable({
    highWaterMark: 0,
    read() {
      if (!headSent) {
        headSent = true;
        this.push(head);
      } else if (rest === undefined) {
        rest = createReadStream(path, { start: head.byteLength });
        rest.on('data', (chunk) => {
          if (!this.push(chunk)) rest!.pause();
        });
        rest.on('end', () => this.push(null));
        rest.on('error', (error) => this.destroy(error));
      } else rest.resume();
    },
    destroy(error, callback) {
      rest?.destroy();
      callback(error);
    },
  });
}
