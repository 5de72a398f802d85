/**
 * Entry point: `node services/projector/dist/dispatcher.js` with DATABASE_URL and REDIS_URL. Follows the log,
 * enqueues wake-ups, and serves /metrics and the parked-stream routes on METRICS_PORT. SIGTERM/SIGINT: stop
 * following, let the current hand-on finish, close.
 */
import Fastify from 'fastify';
import { pino } from 'pino';
import { openPostgresStore } from '@ntm/store-postgres';
import { loadConfig } from './config.js';
import { createDispatcher } from './createDispatcher.js';
import { projectorRoutes } from './projectorRoutes.js';
import { wakeStream } from './partitions.js';

const config = loadConfig();
const log = pino({ name: 'projector-dispatcher' });
const opened = await openPostgresStore({
  connectionString: config.databaseUrl,
  schema: config.eventsSchema,
  notifyIntervalMs: config.tailIntervalMs,
  applicationName: 'ntm-dispatcher',
  onConnectionError: (err) => log.warn({ err }, 'database connection lost (reconnecting)'),
});
const dispatcher = createDispatcher({
  store: opened.store,
  sql: opened.sql,
  redisUrl: config.redisUrl,
  schema: config.readModelSchema,
  queuePrefix: config.queuePrefix,
  partitions: config.partitions,
  redisPrefix: config.redisPrefix,
  onError: (err) => log.warn({ err }, 'dispatcher error (retrying)'),
});
await dispatcher.start();

const app = Fastify({ logger: false });
await app.register(projectorRoutes, {
  store: opened.store,
  sql: opened.sql,
  schema: config.readModelSchema,
  queues: dispatcher.queues(),
  requeue: (streamId) =>
    wakeStream(dispatcher.queues(), config.queuePrefix, config.partitions, opened.store, streamId),
});
await app.listen({ port: config.metricsPort, host: '0.0.0.0' });
log.info({ port: config.metricsPort, partitions: config.partitions }, 'dispatcher started');

const shutdown = async (signal: string) => {
  log.info({ signal }, 'shutting down');
  await app.close();
  await dispatcher.close();
  await opened.close();
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
