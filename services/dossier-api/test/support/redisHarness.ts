/**
 * For the int/e2e tests of `REDIS_URL` mode: the API started by `startTestServer` with the projector's queues, and
 * the projector's dispatcher and one worker created in-process on the same schemas, queue names and BullMQ key
 * prefix, all unique to the test. `close()` stops everything and deletes the test's Redis keys and schemas.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  createDispatcher,
  createProjectionWorker,
  type Dispatcher,
  type ProjectionWorker,
} from '@ntm/projector';
import { startTestServer, type TestServer, type TestServerOptions } from './startTestServer.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface RedisModeHarness {
  t: TestServer;
  /** Starts the dispatcher and one worker (separately, so a test can append before projection starts). */
  startProjector(): Promise<void>;
  close(): Promise<void>;
}

export async function startRedisMode(
  options: Omit<TestServerOptions, 'redis' | 'schemaPrefix'>,
): Promise<RedisModeHarness> {
  const tag = `apiops${randomBytes(4).toString('hex')}`;
  const queues = {
    redisUrl: REDIS_URL,
    queuePrefix: `${tag}-wake`,
    redisPrefix: `${tag}-bull`,
    partitions: 2,
  };
  const t = await startTestServer({ ...options, schemaPrefix: tag, redis: queues });
  let dispatcher: Dispatcher | undefined;
  let worker: ProjectionWorker | undefined;
  const projector = { store: t.store, sql: t.sql, schema: t.readModelSchema, ...queues };
  return {
    t,
    async startProjector() {
      worker = createProjectionWorker({ ...projector, concurrency: 1 });
      await worker.ready();
      dispatcher = createDispatcher({ ...projector, reconcileIntervalMs: 50 });
      await dispatcher.start();
    },
    async close() {
      await dispatcher?.close();
      await worker?.close();
      await t.close();
      await deleteRedisKeys(queues.redisPrefix);
    },
  };
}

/** Deletes a test's BullMQ keys (`<prefix>:*`) from the shared Redis. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
