export * from './BlobStore.js';
export * from './errors.js';
export * from './FilesystemBlobStore.js';
// The S3 adapter is loaded only when asked for: @aws-sdk/client-s3 is a large part of a process's start-up and
// memory, and the embedded default never uses it.
import type { S3BlobStore, S3BlobStoreOptions } from './S3BlobStore.js';
export type { S3BlobStore, S3BlobStoreOptions };
export const openS3BlobStore = async (options: S3BlobStoreOptions): Promise<S3BlobStore> =>
  new (await import('./S3BlobStore.js')).S3BlobStore(options);
