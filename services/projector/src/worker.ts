/**
 * Entry point: `node services/projector/dist/worker.js` with DATABASE_URL and REDIS_URL; run as many as needed.
 * SIGTERM/SIGINT: stop taking jobs, finish the ones in flight, close. A restart resumes from the checkpoints.
 */
import { pino } from 'pino';
import { openPostgresStore } from '@ntm/store-postgres';
import { loadConfig } from './config.js';
import { createProjectionWorker } from './createProjectionWorker.js';

const config = loadConfig();
const log = pino({ name: 'projector-worker' });
const opened = await openPostgresStore({
  connectionString: config.databaseUrl,
  schema: config.eventsSchema,
  applicationName: 'ntm-worker',
  onConnectionError: (err) => log.warn({ err }, 'database connection lost (reconnecting)'),
});
const worker = createProjectionWorker({
  store: opened.store,
  sql: opened.sql,
  redisUrl: config.redisUrl,
  schema: config.readModelSchema,
  queuePrefix: config.queuePrefix,
  partitions: config.partitions,
  redisPrefix: config.redisPrefix,
  concurrency: config.concurrency,
  lockDurationMs: config.lockDurationMs,
  onError: (err) => log.warn({ err }, 'worker error'),
});
await worker.ready();
log.info({ pid: process.pid }, 'worker ready');

const shutdown = async (signal: string) => {
  log.info({ signal }, 'shutting down');
  await worker.close();
  await opened.close();
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
