/**
 * The embedded default: blobs as files under `root/objects/ab/cd/<hash>`, staged in `root/spool`. A blob is kept
 * by hard-linking the fsync'd spool file to its final name and then removing the spool name: like a rename it is
 * atomic, and unlike a rename it never replaces an existing file, so two uploads of the same bytes keep one file
 * and exactly one of them is told it created it. The directory is fsync'd so the new name survives a crash.
 */
import { link, mkdir, open, rm, stat as statFile } from 'node:fs/promises';
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
import { readSpooled, spool } from './spool.js';

export interface FilesystemBlobStoreOptions {
  /** the store's own directory (e.g. `${DATA_DIR}/blobs`) */
  root: string;
}

const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException | null)?.code === code;

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
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
        await mkdir(dirname(target), { recursive: true });
        let created = true;
        try {
          await link(spooled.path, target);
        } catch (error) {
          if (!isCode(error, 'EEXIST')) throw error;
          created = false;
        }
        await rm(spooled.path, { force: true });
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
