export * from './BlobStore.js';
export * from './errors.js';
export * from './FilesystemBlobStore.js';
export * from './S3BlobStore.js';
