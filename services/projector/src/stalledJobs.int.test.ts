// A wake-up job whose holder stops renewing its lock (a frozen or killed worker) is found stalled by another
// worker, handed back, and reported through `onStalled`: what `ntm_queue_stalled_jobs_total` counts. Real Redis and
// PostgreSQL, names of the test's own; waits are on conditions (bounded), never on time.
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateReadModels } from '@ntm/projections';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { partitionQueueName, type WakeUpJob } from '@ntm/runtime';
import { createProjectionWorker } from './createProjectionWorker.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `stall${randomBytes(4).toString('hex')}`;
const queueName = partitionQueueName(`${tag}-wake`, 0);
const prefix = `${tag}-bull`;
let opened: OpenedPostgresStore;

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: `${tag}_events` });
  await migrateReadModels(opened.sql, `${tag}_rm`);
});
afterAll(async () => {
  for (const s of [`${tag}_events`, `${tag}_rm`])
    await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await opened.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it('reports a job whose holder stopped renewing its lock, and projects it after all', async () => {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue<WakeUpJob>(queueName, { connection, prefix });
  // The frozen holder: takes the job and never renews its lock nor finishes.
  let taken!: () => void;
  const took = new Promise<void>((resolve) => (taken = resolve));
  const frozen = new Worker<WakeUpJob>(
    queueName,
    () => {
      taken();
      return new Promise(() => undefined);
    },
    { connection, prefix, lockDuration: 300, skipLockRenewal: true, skipStalledCheck: true },
  );
  const stalled: [string, string][] = [];
  let worker: ReturnType<typeof createProjectionWorker> | undefined;
  try {
    await queue.add(
      'wake',
      { wakeUps: [{ streamId: 'dossier-stalled', upToRevision: '0' }] },
      {
        jobId: 'stalled-1',
      },
    );
    await took;
    worker = createProjectionWorker({
      store: opened.store,
      sql: opened.sql,
      schema: `${tag}_rm`,
      redisUrl: REDIS_URL,
      queuePrefix: `${tag}-wake`,
      redisPrefix: prefix,
      partitions: 1,
      lockDurationMs: 300,
      onStalled: (name, jobId) => stalled.push([name, jobId]),
    });
    await worker.ready();
    await waitFor('the stalled job to be reported', () => stalled.length > 0);
    expect(stalled[0]).toEqual([queueName, 'stalled-1']);
    // Handed back and taken by the live worker, it completes (the stream has nothing to project).
    await waitFor('the job to complete', async () => (await queue.getJobState('stalled-1')) === 'completed');
  } finally {
    await frozen.close(true);
    await worker?.close();
    await queue.close();
    connection.disconnect();
  }
});
