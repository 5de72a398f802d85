/**
 * The upload floor of `pnpm bench:documents`: the least an HTTP service can do to take a file into the blob store.
 * A bare `node:http` route that hands the request's body to the configured blob store (`BLOB_STORE`, as the service
 * opens it: SHA-256 while it streams, the spool file fsync'd, then kept under its hash) and answers the hash. No
 * framework, multipart, authentication, type sniff, command or event. What it reaches beside the plain writes bounds
 * what the dossier service can reach on the same machine, as `floorServer.ts` does for `bench:api`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openBlobStore } from '@ntm/runtime';

// A data folder of its own, removed when it stops (also when the benchmark is interrupted and stops it).
const dataDir = await mkdtemp(join(tmpdir(), 'ntm-bench-floor-'));
const blobs = await openBlobStore(loadConfig({ ...process.env, DATA_DIR: dataDir }));
const server = createServer((request, response) => {
  blobs.put(request).then(
    ({ hash, size }) => {
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ hash, size }));
    },
    (error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    },
  );
});
process.once('SIGTERM', () =>
  server.close(
    () =>
      void blobs
        .close()
        .then(() => rm(dataDir, { recursive: true, force: true }))
        .then(() => process.exit(0)),
  ),
);
server.listen(Number(process.env['PORT']), '127.0.0.1', () => process.stdout.write('ready\n'));
