/**
 * Entry point: `node services/projector/dist/dispatcher.js` with REDIS_URL and DATABASE_URL (events in PostgreSQL,
 * or in EventStoreDB with EVENTSTORE_CONNECTION_STRING). Follows the log, enqueues wake-ups, schedules the deadline
 * timers and the reminders before them (unless DEADLINE_TIMERS=off; ADR 0025, 0024), and serves the operator routes on METRICS_HOST:METRICS_PORT (127.0.0.1:9464). SIGTERM/SIGINT: stop following, let the current
 * hand-on finish, close.
 */
import { pino } from 'pino';
import {
  loadConfig,
  openInfrastructure,
  openVerifier,
  requireProjectorSettings,
  wakeUpQueuesOptions,
} from '@ntm/runtime';
import { createDispatcher } from './createDispatcher.js';
import { startDeadlineScheduler } from './deadlineTimers.js';
import { startDispatcherServer } from './dispatcherServer.js';
import { remindersOn, startReminderScheduler } from './reminders.js';

const config = requireProjectorSettings(loadConfig());
const log = pino({ name: 'projector-dispatcher', level: config.LOG_LEVEL });
const { verifyToken } = await openVerifier(config);
const infra = await openInfrastructure(config, {
  applicationName: 'ntm-dispatcher',
  onConnectionError: (err) => log.warn({ err }, 'database connection lost (reconnecting)'),
});
const dispatcher = createDispatcher({
  store: infra.store,
  sql: infra.sql,
  schema: infra.readModelSchema,
  ...wakeUpQueuesOptions(config),
  onError: (err) => log.warn({ err }, 'dispatcher error (retrying)'),
});
await dispatcher.start();
const deadlines =
  config.DEADLINE_TIMERS === 'on' ? await startDeadlineScheduler(config, infra, log) : undefined;
const reminders = remindersOn(config) ? await startReminderScheduler(config, infra, log) : undefined;

const { app, url } = await startDispatcherServer({
  config,
  infra,
  verifyToken,
  queues: dispatcher.queues(),
  wake: (streamId) => dispatcher.wake(streamId),
});
log.info({ url, store: infra.mode, partitions: config.PARTITIONS }, 'dispatcher started');

const shutdown = async (signal: string) => {
  log.info({ signal }, 'shutting down');
  await app.close();
  await dispatcher.close();
  await deadlines?.close();
  await reminders?.close();
  await infra.close();
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
