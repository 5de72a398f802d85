/**
 * The deadline timers in the API's own process, for deployments without Redis (the embedded default): the
 * projector's scheduler and handler (`@ntm/scheduler`, ADR 0025) over process timers instead of BullMQ delayed
 * jobs. Timers are set from the log as deadlines are scheduled and re-derived from the deadlines read model at
 * start and every `reconcileIntervalMs`, so a restart loses none; they fire through the same command ports as the
 * routes (cache, inline projections), as the system's deadline worker. Every API process may run them: firing is
 * idempotent. With `REDIS_URL` the projector runs them instead, and deadlines elapse with the API stopped.
 */
import type { FastifyInstance } from 'fastify';
import { createDeadlineScheduler, deadlineTimerHandler, inProcessTimers } from '@ntm/scheduler';
import { createReminderScheduler, reminderTimerHandler, type ReminderData } from '@ntm/notifications';
import { commandPortsOf } from './dossier.js';

/** Starts the timers and their scheduler; resolves with the function that stops both. */
export async function startInProcessDeadlineTimers(
  fastify: FastifyInstance,
  reconcileIntervalMs: number,
): Promise<() => Promise<void>> {
  const log = fastify.log.child({ component: 'deadline-timers' });
  const timers = inProcessTimers(
    fastify.clock,
    deadlineTimerHandler(commandPortsOf(fastify, log), fastify.readModels, log),
    (err) => log.warn({ err }, 'deadline timer failed (retrying)'),
  );
  const scheduler = createDeadlineScheduler({
    store: fastify.store,
    sql: fastify.readModels.sql,
    schema: fastify.readModels.schema,
    timers,
    reconcileIntervalMs,
    onError: (err) => log.warn({ err }, 'deadline scheduler error'),
  });
  await scheduler.start();
  return async () => {
    await scheduler.close();
    await timers.close();
  };
}

/**
 * The reminders before each open deadline's due day (`NOTIFY_REMINDER_DAYS`, ADR 0024) on process timers, beside
 * the deadline timers and on the same switch: derived from the deadlines read model at start and every
 * `reconcileIntervalMs`, fired on the service clock; `onWritten` kicks the mail relay. Firing writes each reminder
 * once, so every API process may run them.
 */
export async function startInProcessReminders(
  fastify: FastifyInstance,
  options: { days: readonly number[]; reconcileIntervalMs: number; onWritten?: (() => void) | undefined },
): Promise<() => Promise<void>> {
  const log = fastify.log.child({ component: 'reminders' });
  const { sql, schema } = fastify.readModels;
  const timers = inProcessTimers<ReminderData>(
    fastify.clock,
    reminderTimerHandler({
      sql,
      schema,
      now: () => fastify.clock.now(),
      ...(options.onWritten ? { onWritten: options.onWritten } : {}),
    }),
    (err) => log.warn({ err }, 'reminder timer failed (retrying)'),
  );
  const scheduler = createReminderScheduler({
    sql,
    schema,
    timers,
    days: options.days,
    now: () => fastify.clock.now(),
    reconcileIntervalMs: options.reconcileIntervalMs,
    onError: (err) => log.warn({ err }, 'reminder scheduler error'),
  });
  await scheduler.reconcile();
  return async () => {
    await scheduler.close();
    await timers.close();
  };
}
