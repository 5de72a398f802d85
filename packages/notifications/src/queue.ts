/**
 * Delivery through BullMQ (`REDIS_URL` mode): the relay queues one job per pending notification, with a job id
 * derived from the notification's id, and any number of delivery workers mail them. A job queued twice while the
 * first waits is one job; a job run twice (a stalled worker, a relay that queued it again after it completed)
 * sends nothing twice, because `deliverNotification` claims each mail in SQL. Jobs are removed once finished so
 * that a later retry can queue the same id again; retries are timed by the outbox (`email_next_at`), not BullMQ.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { deliverNotification, deliveryJobId, type DeliveryOptions, type DeliveryResult } from './delivery.js';

export interface DeliveryJob {
  notificationId: string;
}

export interface DeliveryQueueOptions {
  redisUrl: string;
  /** default "ntm-notifications" */
  queueName?: string;
  /** BullMQ key prefix; default "bull" */
  redisPrefix?: string;
}

export interface DeliveryQueue {
  enqueue(ids: readonly string[]): Promise<void>;
  queue: Queue<DeliveryJob>;
  close(): Promise<void>;
}

const QUEUE = 'ntm-notifications';

export function openDeliveryQueue(options: DeliveryQueueOptions): DeliveryQueue {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const queue = new Queue<DeliveryJob>(options.queueName ?? QUEUE, {
    connection,
    prefix: options.redisPrefix ?? 'bull',
  });
  queue.on('error', () => undefined);
  return {
    queue,
    async enqueue(ids) {
      await queue.addBulk(
        ids.map((notificationId) => ({
          name: 'deliver',
          data: { notificationId },
          opts: { jobId: deliveryJobId(notificationId), removeOnComplete: true, removeOnFail: true },
        })),
      );
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

export interface DeliveryWorker {
  ready(): Promise<void>;
  close(): Promise<void>;
  worker: Worker<DeliveryJob, DeliveryResult>;
}

/** A BullMQ worker that mails the notifications its jobs name. */
export function createDeliveryWorker(
  options: DeliveryQueueOptions &
    DeliveryOptions & { concurrency?: number; onError?: (error: unknown) => void },
): DeliveryWorker {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const worker = new Worker<DeliveryJob, DeliveryResult>(
    options.queueName ?? QUEUE,
    (job) => deliverNotification(options, job.data.notificationId),
    { connection, prefix: options.redisPrefix ?? 'bull', concurrency: options.concurrency ?? 4 },
  );
  worker.on('error', (error) => options.onError?.(error));
  return {
    worker,
    ready: () => worker.waitUntilReady().then(() => undefined),
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
