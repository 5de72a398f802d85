import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBlobStoreContract, startS3rver } from '@ntm/testing';
import { FilesystemBlobStore } from './index.js';
import { S3BlobStore } from './S3BlobStore.js';

describeBlobStoreContract('filesystem', async () => {
  const root = await mkdtemp(join(tmpdir(), 'ntm-blobs-'));
  return {
    store: new FilesystemBlobStore({ root }),
    spoolDir: join(root, 'spool'),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});

describeBlobStoreContract('S3 (s3rver)', async () => {
  const s3 = await startS3rver();
  const spoolDir = await mkdtemp(join(tmpdir(), 'ntm-s3-spool-'));
  const store = new S3BlobStore({
    bucket: s3.bucket,
    prefix: 'blobs/',
    spoolDir,
    client: { endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3.credentials },
  });
  return {
    store,
    spoolDir,
    dispose: async () => {
      await store.close();
      await s3.stop();
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
});
