/**
 * S3-compatible object storage (AWS S3, MinIO, Ceph RGW, …) through `@aws-sdk/client-s3`. A blob is the object
 * `<prefix><hash>` in one bucket. Staging spools to a local file while hashing (the key is the hash, known only at
 * the end), so the object is then written with one `PutObject` of known length, and not at all when an object of
 * that hash is already there.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
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

export interface S3BlobStoreOptions {
  bucket: string;
  /** key prefix inside the bucket, e.g. `ntm/blobs/` */
  prefix?: string | undefined;
  /** local directory for staging uploads before they are written */
  spoolDir: string;
  /** endpoint, region, credentials, `forcePathStyle` (MinIO and most self-hosted servers need it) */
  client: S3ClientConfig;
}

const isNotFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly spoolDir: string;

  constructor(options: S3BlobStoreOptions) {
    // Checksums only where the API requires them: self-hosted S3 servers do not all know the newer trailers.
    this.client = new S3Client({
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...options.client,
    });
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.spoolDir = options.spoolDir;
  }

  private keyOf(hash: string): string {
    assertBlobHash(hash);
    return `${this.prefix}${hash}`;
  }

  async stage(source: AsyncIterable<Uint8Array>, options: StageOptions = {}): Promise<StagedBlob> {
    const spooled = await spool(this.spoolDir, source, options.maxBytes);
    const key = this.keyOf(spooled.hash);
    return {
      hash: spooled.hash,
      size: spooled.size,
      read: (range) => readSpooled(spooled, range),
      commit: async () => {
        try {
          if (await this.exists(spooled.hash)) return { created: false };
          await this.client.send(
            new PutObjectCommand({
              Bucket: this.bucket,
              Key: key,
              Body: createReadStream(spooled.path),
              ContentLength: spooled.size,
            }),
          );
          return { created: true };
        } finally {
          await rm(spooled.path, { force: true });
        }
      },
      discard: () => rm(spooled.path, { force: true }),
    };
  }

  put(source: AsyncIterable<Uint8Array>, options?: StageOptions): Promise<BlobStat & { created: boolean }> {
    return stageAndCommit(this, source, options);
  }

  async get(hash: string, range?: BlobRange): Promise<Readable> {
    const key = this.keyOf(hash);
    if (range !== undefined) {
      const found = await this.stat(hash);
      if (found === undefined) throw new BlobNotFoundError(hash);
      assertRange(found.size, range);
    }
    try {
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range === undefined ? undefined : `bytes=${range.start}-${range.end}`,
        }),
      );
      return answer.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError(hash);
      throw error;
    }
  }

  async stat(hash: string): Promise<BlobStat | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(hash) }),
      );
      return { hash, size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async exists(hash: string): Promise<boolean> {
    return (await this.stat(hash)) !== undefined;
  }

  async delete(hash: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(hash) }));
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }
}
