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
import { commandPortsOf } from './dossier.js';

/** Starts the timers and their scheduler; resolves with the function that stops both. */
export async function startInProcessDeadlineTimers(
  fastify: FastifyInstance,
  reconcileIntervalMs: number,
): Promise<() => Promise<void>> {
  const log = fastify.log.child({ component: 'deadline-timers' });
  const timers = inProcessTimers(
    fastify.clock,
    deadlineTimerHandler(commandPortsOf(fastify, log), log),
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
