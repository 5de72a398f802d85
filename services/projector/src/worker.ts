/**
 * Entry point: `node services/projector/dist/worker.js` with REDIS_URL and DATABASE_URL (events in PostgreSQL, or
 * in EventStoreDB with EVENTSTORE_CONNECTION_STRING); run as many as needed. It projects, (unless
 * DEADLINE_TIMERS=off) fires the deadline timers the dispatcher scheduled (ADR 0025), and with SMTP_HOST mails the
 * notification outbox (ADR 0024: a relay kicked after each projection job that applied events and every
 * NOTIFY_RELAY_SECONDS, and a delivery worker on NOTIFY_QUEUE); it also fires the reminders the dispatcher
 * scheduled (`NOTIFY_REMINDER_DAYS`, with the deadline timers). With WORKER_METRICS_PORT set it
 * serves its `/metrics` on METRICS_HOST:WORKER_METRICS_PORT (docs/operations.md, "Metrics"). SIGTERM/SIGINT: stop taking
 * jobs, finish the ones in flight, close. A restart resumes from the checkpoints; a killed worker's timer job is
 * taken again by another worker once its lock (WORKER_LOCK_MS) runs out.
 */
import { pino } from 'pino';
import { flushTracing } from '@ntm/telemetry';
import { startTracing } from '@ntm/telemetry/start';

// Tracing first, when configured (ADR 0032): what follows is imported after it, so that its instrumentations
// see pg and ioredis load. Without configuration nothing of OpenTelemetry is loaded.
await startTracing('ntm-worker');
const {
  createMetrics,
  instrumentStore,
  loadConfig,
  openInfrastructure,
  openVerifier,
  requireProjectorSettings,
  wakeUpQueuesOptions,
} = await import('@ntm/runtime');
const { createProjectionWorker } = await import('./createProjectionWorker.js');
const { startDeadlineWorker } = await import('./deadlineTimers.js');
const { startMetricsServer } = await import('./metricsServer.js');
const { startNotificationDelivery } = await import('./notificationDelivery.js');
const { remindersOn, startReminderWorker } = await import('./reminders.js');

const config = requireProjectorSettings(loadConfig());
const log = pino({ name: 'projector-worker', level: config.LOG_LEVEL });
const metrics = createMetrics('worker');
const onStalled = (queue: string, jobId: string) => {
  metrics.stalledJobs.inc({ queue });
  log.warn({ queue, jobId }, 'job stalled: handed back to the queue');
};
const infra = await openInfrastructure(config, {
  applicationName: 'ntm-worker',
  onConnectionError: (err) => log.warn({ err }, 'database connection lost (reconnecting)'),
});
// Before the projection worker, so that its first job can already kick the relay. Undefined without SMTP_HOST.
const delivery = await startNotificationDelivery(config, infra, (err) =>
  log.warn({ err }, 'notification delivery error'),
);
const worker = createProjectionWorker({
  store: infra.store,
  sql: infra.sql,
  schema: infra.readModelSchema,
  ...wakeUpQueuesOptions(config),
  concurrency: config.WORKER_CONCURRENCY,
  lockDurationMs: config.WORKER_LOCK_MS,
  onError: (err) => log.warn({ err }, 'worker error'),
  onStalled,
  // The relay is not awaited: a slow or failing mail server delays mail, never the projection.
  ...(delivery ? { onApplied: () => void delivery.kick() } : {}),
});
// The timers append `DeadlineElapsed`: through the instrumented port, so that their appends are counted too.
const deadlines =
  config.DEADLINE_TIMERS === 'on'
    ? startDeadlineWorker(config, { ...infra, store: instrumentStore(infra.store, metrics) }, log, onStalled)
    : undefined;
const reminders = remindersOn(config)
  ? startReminderWorker(config, infra, log, delivery && (() => void delivery.kick()))
  : undefined;
await worker.ready();
await deadlines?.ready();
await reminders?.ready();
const served =
  config.WORKER_METRICS_PORT === undefined
    ? undefined
    : await startMetricsServer({
        config,
        port: config.WORKER_METRICS_PORT,
        verifyToken: (await openVerifier(config)).verifyToken,
        metrics,
      });
log.info(
  { pid: process.pid, store: infra.mode, mail: delivery ? 'smtp' : 'off', metrics: served?.url ?? 'off' },
  'worker ready',
);

const shutdown = async (signal: string) => {
  log.info({ signal }, 'shutting down');
  await served?.app.close();
  await worker.close();
  await deadlines?.close();
  await reminders?.close();
  await delivery?.close();
  await infra.close();
  // The spans of the last moments, still buffered (ADR 0032); nothing to do without tracing.
  await flushTracing();
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
