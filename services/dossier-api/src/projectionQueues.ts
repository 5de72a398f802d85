/**
 * The projector's wake-up queues as the API sees them (`REDIS_URL` mode): for the dashboard, for queue depths in
 * `/metrics`, and to wake a stream up after an operator releases it. Queue names, partitions and Redis key prefix
 * must match the projector service's (`QUEUE_PREFIX`, `PARTITIONS`, `BULLMQ_PREFIX`, same defaults).
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { EventStore } from '@ntm/event-store';
import { partitionQueueName, wakeStream, type WakeUpJob } from '@ntm/projector';

export interface ProjectionQueuesOptions {
  /** the whole URL is used, password and TLS (`rediss:`) included */
  redisUrl: string;
  /** default "ntm-projections" */
  queuePrefix?: string;
  /** default 4 */
  partitions?: number;
  /** default "bull" */
  redisPrefix?: string;
}

export interface ProjectionQueues {
  queues: Queue<WakeUpJob>[];
  /** Enqueues a wake-up for the stream in its partition, as the dispatcher does. */
  requeue(store: EventStore, streamId: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens one Redis connection and the partition queues on it. */
export function openProjectionQueues(options: ProjectionQueuesOptions): ProjectionQueues {
  const queuePrefix = options.queuePrefix ?? 'ntm-projections';
  const partitions = options.partitions ?? 4;
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  // ioredis reports every failed reconnect here; it keeps retrying, and routes that need Redis fail on their own.
  connection.on('error', () => undefined);
  const queues = Array.from(
    { length: partitions },
    (_, i) =>
      new Queue<WakeUpJob>(partitionQueueName(queuePrefix, i), {
        connection,
        prefix: options.redisPrefix ?? 'bull',
        // As the dispatcher's: a released stream that fails again is retried, then parked again.
        defaultJobOptions: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 200 },
          removeOnComplete: { count: 1000 },
          removeOnFail: { count: 10_000 },
        },
      }),
  );
  return {
    queues,
    requeue: (store, streamId) => wakeStream(queues, queuePrefix, partitions, store, streamId),
    async close() {
      await Promise.all(queues.map((queue) => queue.close()));
      connection.disconnect();
    },
  };
}
