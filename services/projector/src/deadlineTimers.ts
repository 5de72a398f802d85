/**
 * The deadline timers on the projector side (ADR 0025, 0034), as configured: the dispatcher process schedules them
 * (BullMQ delayed jobs: one per due day and one per open deadline, from the log and the deadlines read model) and
 * every worker process fires them (appends `DeadlineElapsed` through the domain when still due). The API takes no part: deadlines elapse with
 * it stopped. Both sides use the system clock; the logic takes it injected (`@ntm/scheduler`).
 */
import type { Infrastructure, ProjectorConfig } from '@ntm/runtime';
import { bullmqTimerQueue, bullmqTimerWorker } from '@ntm/scheduler/bullmqTimers';
import {
  createDeadlineScheduler,
  deadlineTimerHandler,
  deadlineWorkerPorts,
  type DeadlineTimerData,
} from '@ntm/scheduler';

interface Log {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

const systemClock = { now: () => new Date() };

const queueOptions = (config: ProjectorConfig) => ({
  redisUrl: config.REDIS_URL,
  queueName: config.DEADLINE_QUEUE,
  redisPrefix: config.BULLMQ_PREFIX,
  clock: systemClock,
});

/** The scheduling side, started (start-up reconcile done); `close` stops following the log. */
export async function startDeadlineScheduler(
  config: ProjectorConfig,
  infra: Pick<Infrastructure, 'store' | 'sql' | 'readModelSchema'>,
  log: Log,
): Promise<{ close(): Promise<void> }> {
  const timers = bullmqTimerQueue<DeadlineTimerData>(queueOptions(config));
  const scheduler = createDeadlineScheduler({
    store: infra.store,
    sql: infra.sql,
    schema: infra.readModelSchema,
    timers,
    reconcileIntervalMs: config.DEADLINE_RECONCILE_SECONDS * 1000,
    dayShards: config.DEADLINE_DAY_SHARDS,
    dayPrepareMs: config.DEADLINE_PREPARE_SECONDS * 1000,
    onError: (err) => log.warn({ err }, 'deadline scheduler error (retrying)'),
  });
  await scheduler.start();
  return {
    async close() {
      await scheduler.close();
      await timers.close();
    },
  };
}

/** The firing side: a BullMQ worker on the deadline queue. */
export function startDeadlineWorker(
  config: ProjectorConfig,
  infra: Pick<Infrastructure, 'store' | 'sql' | 'readModelSchema'>,
  log: Log,
  /** told of each timer job found stalled and handed back */
  onStalled?: (queue: string, jobId: string) => void,
): { ready(): Promise<void>; close(): Promise<void> } {
  const ports = deadlineWorkerPorts({ store: infra.store, clock: systemClock, log });
  const timers = bullmqTimerWorker(
    {
      ...queueOptions(config),
      concurrency: config.DEADLINE_CONCURRENCY,
      lockDurationMs: config.WORKER_LOCK_MS,
      onError: (err) => log.warn({ err }, 'deadline worker error'),
    },
    // A due day fires its deadlines DEADLINE_CONCURRENCY at a time, as the worker takes jobs, its dossiers read
    // DEADLINE_PREPARE_SECONDS ahead (the scheduler sets its timer that early).
    deadlineTimerHandler(ports, { sql: infra.sql, schema: infra.readModelSchema }, log, {
      concurrency: config.DEADLINE_CONCURRENCY,
      prepareMs: config.DEADLINE_PREPARE_SECONDS * 1000,
    }),
  );
  if (onStalled) timers.worker.on('stalled', (jobId) => onStalled(timers.worker.name, jobId));
  return timers;
}
