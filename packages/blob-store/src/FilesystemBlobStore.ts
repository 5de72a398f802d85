/**
 * The embedded default: blobs as files under `root/objects/ab/cd/<hash>`, staged in `root/spool`. A blob is kept
 * by hard-linking the fsync'd spool file to its final name and then removing the spool name: like a rename it is
 * atomic, and unlike a rename it never replaces an existing file, so two uploads of the same bytes keep one file
 * and exactly one of them is told it created it. The directory is fsync'd so the new name survives a crash.
 */
import { closeSync, linkSync, openSync, unlinkSync } from 'node:fs';
import { mkdir, open, rm, stat as statFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  stageAndCommit,
  type BlobRange,
  type BlobStat,
  type BlobStore,
  type StagedBlob,
  type StageOptions,
} from './BlobStore.js';
import { assertBlobHash, assertRange, BlobNotFoundError } from './errors.js';
import { fsyncAsync, readSpooled, spool } from './spool.js';

export interface FilesystemBlobStoreOptions {
  /** the store's own directory (e.g. `${DATA_DIR}/blobs`) */
  root: string;
}

const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException | null)?.code === code;

/** Only the fsync is a thread-pool hop; opening, linking and unlinking are made in place (see `fdFile`). */
async function fsyncDir(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes a file; absent is not an error. */
function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
}

/**
 * Hard-links `from` as `to` (a shard under `objectsDir`), making `to`'s directory only when the link finds it
 * missing: once per shard, not per blob. The directories above it are then fsync'd up to `objectsDir`'s parent (and
 * further up for any this call made), so that the new directories survive a crash too; also when a concurrent commit
 * made them, since this one must not return before they are durable. The caller fsyncs `to`'s own directory.
 */
async function linkMakingDir(from: string, to: string, objectsDir: string): Promise<void> {
  try {
    linkSync(from, to);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
    const dir = dirname(to);
    const first = await mkdir(dir, { recursive: true });
    const top = first !== undefined && first.length < objectsDir.length ? first : objectsDir;
    for (let made = dir; made.length >= top.length; made = dirname(made)) await fsyncDir(dirname(made));
    linkSync(from, to);
  }
}

export class FilesystemBlobStore implements BlobStore {
  private readonly spoolDir: string;
  private readonly objectsDir: string;

  constructor(options: FilesystemBlobStoreOptions) {
    this.spoolDir = join(options.root, 'spool');
    this.objectsDir = join(options.root, 'objects');
  }

  private pathOf(hash: string): string {
    assertBlobHash(hash);
    return join(this.objectsDir, hash.slice(0, 2), hash.slice(2, 4), hash);
  }

  async stage(source: AsyncIterable<Uint8Array>, options: StageOptions = {}): Promise<StagedBlob> {
    const spooled = await spool(this.spoolDir, source, options.maxBytes);
    const target = this.pathOf(spooled.hash);
    return {
      hash: spooled.hash,
      size: spooled.size,
      read: (range) => readSpooled(spooled, range),
      commit: async () => {
        let created = true;
        try {
          await linkMakingDir(spooled.path, target, this.objectsDir);
        } catch (error) {
          if (!isCode(error, 'EEXIST')) throw error;
          created = false;
        }
        unlinkIfThere(spooled.path);
        if (created) await fsyncDir(dirname(target));
        return { created };
      },
      discard: () => rm(spooled.path, { force: true }),
    };
  }

  put(source: AsyncIterable<Uint8Array>, options?: StageOptions): Promise<BlobStat & { created: boolean }> {
    return stageAndCommit(this, source, options);
  }

  async get(hash: string, range?: BlobRange): Promise<Readable> {
    let handle;
    try {
      handle = await open(this.pathOf(hash), 'r');
    } catch (error) {
      if (isCode(error, 'ENOENT')) throw new BlobNotFoundError(hash);
      throw error;
    }
    try {
      if (range !== undefined) assertRange((await handle.stat()).size, range);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return handle.createReadStream({ ...range, autoClose: true });
  }

  async stat(hash: string): Promise<BlobStat | undefined> {
    try {
      return { hash, size: (await statFile(this.pathOf(hash))).size };
    } catch (error) {
      if (isCode(error, 'ENOENT')) return undefined;
      throw error;
    }
  }

  async exists(hash: string): Promise<boolean> {
    return (await this.stat(hash)) !== undefined;
  }

  async delete(hash: string): Promise<void> {
    await rm(this.pathOf(hash), { force: true });
  }

  async close(): Promise<void> {}
}
