/**
 * Staging shared by the adapters: the source is written to a spool file while its SHA-256 is computed, chunk by
 * chunk with the write awaited (so memory stays bounded by one chunk whatever the size), then fsync'd. Any failure
 * (the source errors, a truncated upload, the limit passed) removes the spool file before the error is rethrown.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobRange } from './BlobStore.js';
import { assertRange, BlobTooLargeError } from './errors.js';

export interface Spooled {
  path: string;
  hash: string;
  size: number;
}

export async function spool(
  dir: string,
  source: AsyncIterable<Uint8Array>,
  maxBytes: number = Number.POSITIVE_INFINITY,
): Promise<Spooled> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${randomUUID()}.part`);
  const file = await open(path, 'wx');
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of source) {
      size += chunk.byteLength;
      // Leaving the loop ends the source too (its iterator is returned), so nothing more is read.
      if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
      hash.update(chunk);
      await file.write(chunk);
    }
    await file.sync();
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
  await file.close();
  return { path, hash: hash.digest('hex'), size };
}

/** The spool file's bytes, or a range of them. */
export function readSpooled(spooled: Spooled, range?: BlobRange): Readable {
  if (range === undefined) return createReadStream(spooled.path);
  assertRange(spooled.size, range);
  return createReadStream(spooled.path, range);
}
