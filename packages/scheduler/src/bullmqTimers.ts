/**
 * Timers as BullMQ delayed jobs (the `REDIS_URL` deployment). The job id is the timer id, so a timer scheduled twice
 * is one job (BullMQ ignores an add whose id exists). Delays are computed from the injected clock; Redis only
 * counts them down. An early timer moves its own job back to delayed (same id, no second job) for the instant the
 * handler names. A worker killed while holding a job loses its lock; the job is stalled and taken again by another
 * worker (the handler is idempotent). Completed and finally failed jobs are removed, which frees their id for the
 * next reconcile to schedule again if the deadline is still open.
 */
import { DelayedError, Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import {
  delayUntil,
  type Clock,
  type FireTimer,
  type Timer,
  type TimerQueue,
  type TimerWorker,
} from './timers.js';

export interface BullmqTimersOptions {
  /** the whole URL is used, password and TLS included */
  redisUrl: string;
  /** the queue's name, e.g. "ntm-deadlines" */
  queueName: string;
  /** BullMQ's Redis key prefix; default "bull" */
  redisPrefix?: string;
  clock: Clock;
}

/** Stored in the job: BullMQ data is JSON. */
export interface TimerJob<T> {
  dueAt: string;
  data: T;
}

/** Attempts of a handler that throws (a transient failure: database or store down) before the job is dropped. */
export const TIMER_ATTEMPTS = 12;

const jobOptions: JobsOptions = {
  attempts: TIMER_ATTEMPTS,
  // 1 s, 2 s, 4 s … about an hour in all; after that the periodic reconcile schedules it again.
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: true,
};

/** Jobs per `addBulk` call: one Redis round trip (a MULTI) each. */
const BULK = 1000;

const connect = (redisUrl: string): Redis => {
  // Commands wait for a reconnect instead of failing; ioredis reports every failed reconnect as an error event.
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  return connection;
};

/** The scheduling side: adds delayed jobs. */
export function bullmqTimerQueue<T>(
  options: BullmqTimersOptions,
): TimerQueue<T> & { queue: Queue<TimerJob<T>> } {
  const connection = connect(options.redisUrl);
  const queue = new Queue<TimerJob<T>>(options.queueName, {
    connection,
    prefix: options.redisPrefix ?? 'bull',
    defaultJobOptions: jobOptions,
  });
  return {
    queue,
    async schedule(timers: readonly Timer<T>[]) {
      for (let i = 0; i < timers.length; i += BULK) {
        const now = options.clock.now();
        await queue.addBulk(
          timers.slice(i, i + BULK).map((t) => ({
            name: 'timer',
            data: { dueAt: t.dueAt, data: t.data },
            opts: { jobId: t.id, delay: delayUntil(t.dueAt, now) },
          })),
        );
      }
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

export interface BullmqTimerWorkerOptions extends BullmqTimersOptions {
  /** timers fired at once; default 16 */
  concurrency?: number;
  /** how long a job's lock lasts without renewal: a killed worker's job is taken again after it; default 30000 */
  lockDurationMs?: number;
  onError?: (error: unknown) => void;
}

/** The firing side: a BullMQ worker calling `fire` for each due timer. */
export function bullmqTimerWorker<T>(
  options: BullmqTimerWorkerOptions,
  fire: FireTimer<T>,
): TimerWorker & { worker: Worker<TimerJob<T>>; ready(): Promise<void> } {
  const connection = connect(options.redisUrl);
  const lockDuration = options.lockDurationMs ?? 30_000;
  const worker = new Worker<TimerJob<T>>(
    options.queueName,
    async (job: Job<TimerJob<T>>, token?: string) => {
      const outcome = await fire({ id: job.id!, dueAt: job.data.dueAt, data: job.data.data });
      if (outcome === undefined) return;
      // Early: wait again under the same id. BullMQ counts delays in Redis time; the instant is the clock's.
      await job.moveToDelayed(Date.now() + delayUntil(outcome.retryAt, options.clock.now()), token);
      throw new DelayedError();
    },
    {
      connection,
      prefix: options.redisPrefix ?? 'bull',
      concurrency: options.concurrency ?? 16,
      lockDuration,
      stalledInterval: Math.max(100, Math.floor(lockDuration / 2)),
      // A killed worker's job is stalled once per kill; it must come back, not fail.
      maxStalledCount: 10,
    },
  );
  worker.on('error', options.onError ?? (() => undefined));
  return {
    worker,
    ready: () => worker.waitUntilReady().then(() => undefined),
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
