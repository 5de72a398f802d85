/**
 * Reminders before a deadline's due day (`NOTIFY_REMINDER_DAYS`, ADR 0024) on the projector side (`REDIS_URL`
 * mode), beside the deadline timers (ADR 0025): the dispatcher process keeps one BullMQ delayed job per open
 * deadline and N, re-derived from the deadlines read model at start and every DEADLINE_RECONCILE_SECONDS; every
 * worker process fires them (`fireReminder`: the reminder rows to the inboxes holding the dossier, once). On with the
 * deadline timers (DEADLINE_TIMERS=on) and at least one N; in-app reminders need no SMTP, mail follows the outbox.
 */
import {
  createReminderScheduler,
  reminderQueueName,
  reminderTimerHandler,
  type ReminderData,
} from '@ntm/notifications';
import { notificationSettings, type Infrastructure, type ProjectorConfig } from '@ntm/runtime';
import type { Clock } from '@ntm/scheduler';
import { bullmqTimerQueue, bullmqTimerWorker } from '@ntm/scheduler/bullmqTimers';

interface Log {
  warn(details: object, message: string): void;
}

const systemClock: Clock = { now: () => new Date() };

const queueOptions = (config: ProjectorConfig, clock: Clock) => ({
  redisUrl: config.REDIS_URL,
  queueName: reminderQueueName(config.NOTIFY_QUEUE),
  redisPrefix: config.BULLMQ_PREFIX,
  clock,
});

/** Whether reminders run at all with this configuration. */
export const remindersOn = (config: ProjectorConfig): boolean =>
  config.DEADLINE_TIMERS === 'on' && notificationSettings(config).reminderDays.length > 0;

/** The scheduling side (dispatcher process), started: its first reconcile is done. */
export async function startReminderScheduler(
  config: ProjectorConfig,
  infra: Pick<Infrastructure, 'sql' | 'readModelSchema'>,
  log: Log,
  clock: Clock = systemClock,
): Promise<{ reconcile(): Promise<number>; close(): Promise<void> }> {
  const timers = bullmqTimerQueue<ReminderData>(queueOptions(config, clock));
  const scheduler = createReminderScheduler({
    sql: infra.sql,
    schema: infra.readModelSchema,
    timers,
    days: notificationSettings(config).reminderDays,
    now: () => clock.now(),
    reconcileIntervalMs: config.DEADLINE_RECONCILE_SECONDS * 1000,
    onError: (err) => log.warn({ err }, 'reminder scheduler error'),
  });
  await scheduler.reconcile();
  return {
    reconcile: () => scheduler.reconcile(),
    async close() {
      await scheduler.close();
      await timers.close();
    },
  };
}

/** The firing side (every worker process): `onWritten` kicks the mail relay. */
export function startReminderWorker(
  config: ProjectorConfig,
  infra: Pick<Infrastructure, 'sql' | 'readModelSchema'>,
  log: Log,
  onWritten?: () => void,
  clock: Clock = systemClock,
): { ready(): Promise<void>; close(): Promise<void> } {
  return bullmqTimerWorker(
    {
      ...queueOptions(config, clock),
      concurrency: config.WORKER_CONCURRENCY,
      lockDurationMs: config.WORKER_LOCK_MS,
      onError: (err) => log.warn({ err }, 'reminder worker error'),
    },
    reminderTimerHandler({
      sql: infra.sql,
      schema: infra.readModelSchema,
      now: () => clock.now(),
      ...(onWritten ? { onWritten } : {}),
    }),
  );
}
