/**
 * Entry point: `node services/projector/dist/dispatcher.js` with REDIS_URL and DATABASE_URL (events in PostgreSQL,
 * or in EventStoreDB with EVENTSTORE_CONNECTION_STRING). Any number may run: one leads under a lease in SQL, the
 * others stand by and take over within DISPATCHER_LEASE_MS when it dies (ADR 0030). The leader follows the log,
 * enqueues wake-ups, schedules the deadline timers and the reminders before them (unless DEADLINE_TIMERS=off; ADR
 * 0025, 0024). Every dispatcher serves the operator routes on METRICS_HOST:METRICS_PORT (127.0.0.1:9464), `/metrics`
 * included (`ntm_dispatcher_leader` says which one leads).
 * SIGTERM/SIGINT: stop leading (releasing the lease, so a standby takes over at once), close.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { flushTracing } from '@ntm/telemetry';
import { startTracing } from '@ntm/telemetry/start';
import type { Dispatcher } from './createDispatcher.js';

// Tracing first, when configured (ADR 0032): what follows is imported after it, so that its instrumentations
// see pg and ioredis load (pino is not instrumented). Without configuration nothing of OpenTelemetry is loaded.
await startTracing('ntm-dispatcher');
const { Queue } = await import('bullmq');
const { lead, openLease } = await import('@ntm/sql');
const {
  createMetrics,
  loadConfig,
  openInfrastructure,
  openVerifier,
  requireProjectorSettings,
  wakeUpQueuesOptions,
} = await import('@ntm/runtime');
const { openWakeUpQueues } = await import('@ntm/runtime/wakeUpQueues');
const { createDispatcher } = await import('./createDispatcher.js');
const { startDeadlineScheduler } = await import('./deadlineTimers.js');
const { startDispatcherServer } = await import('./dispatcherServer.js');
const { remindersOn, startReminderScheduler } = await import('./reminders.js');

const config = requireProjectorSettings(loadConfig());
const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
const log = pino({ name: 'projector-dispatcher', level: config.LOG_LEVEL }).child({ holder });
const metrics = createMetrics('dispatcher');
const { verifyToken } = await openVerifier(config);
const infra = await openInfrastructure(config, {
  applicationName: 'ntm-dispatcher',
  onConnectionError: (err) => log.warn({ err }, 'database connection lost (reconnecting)'),
});
const LEASE = 'dispatcher';
const lease = await openLease(infra.sql, infra.readModelSchema, LEASE);

/** What the leader runs; nothing while standing by. */
let leading:
  | {
      dispatcher: Dispatcher;
      deadlines?: { close(): Promise<void> } | undefined;
      reminders?: { close(): Promise<void> } | undefined;
    }
  | undefined;

const leadership = lead({
  lease,
  holder,
  ttlMs: config.DISPATCHER_LEASE_MS,
  renewMs: Math.max(100, Math.floor(config.DISPATCHER_LEASE_MS / 3)),
  onError: (err) => log.warn({ err }, 'dispatcher lease not renewed'),
  async onLead(token) {
    const dispatcher = createDispatcher({
      store: infra.store,
      sql: infra.sql,
      schema: infra.readModelSchema,
      ...wakeUpQueuesOptions(config),
      onError: (err) => log.warn({ err }, 'dispatcher error (retrying)'),
      fence: {
        table: lease.table,
        name: LEASE,
        token,
        onFenced: () => {
          log.warn({ token: String(token) }, 'fenced off: another dispatcher leads');
          void leadership.stepDown();
        },
      },
    });
    await dispatcher.start();
    leading = {
      dispatcher,
      deadlines:
        config.DEADLINE_TIMERS === 'on' ? await startDeadlineScheduler(config, infra, log) : undefined,
      reminders: remindersOn(config) ? await startReminderScheduler(config, infra, log) : undefined,
    };
    metrics.dispatcherLeader?.set(1);
    log.info({ token: String(token) }, 'leading: following the log');
  },
  async onLose() {
    const was = leading;
    leading = undefined;
    metrics.dispatcherLeader?.set(0);
    await was?.dispatcher.close();
    await was?.deadlines?.close();
    await was?.reminders?.close();
    log.info('standing by');
  },
});
await leadership.tick();

// The operator routes work on a standby too: the queues are Redis's, a wake-up is the same job whoever adds it.
const wakeUps = openWakeUpQueues(wakeUpQueuesOptions(config));
// The deadline timers' queue, for its depths (delayed = scheduled deadlines) and the dashboard.
const deadlineQueue = new Queue(config.DEADLINE_QUEUE, {
  connection: wakeUps.connection,
  prefix: config.BULLMQ_PREFIX,
});
const { app, url } = await startDispatcherServer({
  config,
  infra,
  verifyToken,
  metrics,
  queues: wakeUps.queues,
  otherQueues: [deadlineQueue],
  wake: (streamId) => wakeUps.wake(infra.store, streamId),
});
log.info(
  { url, store: infra.mode, partitions: config.PARTITIONS, leading: leading !== undefined },
  'dispatcher started',
);

const shutdown = async (signal: string) => {
  log.info({ signal }, 'shutting down');
  await app.close();
  await leadership.close();
  await deadlineQueue.close();
  await wakeUps.close();
  await infra.close();
  // The spans of the last moments, still buffered (ADR 0032); nothing to do without tracing.
  await flushTracing();
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
