/**
 * Opening the wake-up queues: the only part of the wake-up contract that loads BullMQ and ioredis, so it is not in
 * `@ntm/runtime`'s barrel. Processes with Redis import it; the embedded default never does (ADR 0029).
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  DEFAULT_PARTITIONS,
  partitionQueueName,
  queueNameFor,
  wakeStream,
  wakeUpJobOptions,
  type WakeUpJob,
  type WakeUpQueues,
  type WakeUpQueuesOptions,
} from './wakeUps.js';

/** Opens one Redis connection and the partition queues on it. */
export function openWakeUpQueues(options: WakeUpQueuesOptions): WakeUpQueues {
  const queuePrefix = options.queuePrefix ?? 'ntm-projections';
  const partitions = options.partitions ?? DEFAULT_PARTITIONS;
  const connection = new Redis(options.redisUrl, { ...options.redisOptions, maxRetriesPerRequest: null });
  // ioredis reports every failed reconnect here; it keeps retrying, and whatever needs Redis fails on its own.
  connection.on('error', () => undefined);
  const queues = Array.from(
    { length: partitions },
    (_, i) =>
      new Queue<WakeUpJob>(partitionQueueName(queuePrefix, i), {
        connection,
        prefix: options.redisPrefix ?? 'bull',
        defaultJobOptions: wakeUpJobOptions(options.attempts),
      }),
  );
  const byName = new Map(queues.map((queue) => [queue.name, queue]));
  const queueFor = (streamId: string) => byName.get(queueNameFor(queuePrefix, streamId, partitions))!;
  return {
    queues,
    connection,
    queuePrefix,
    partitions,
    redisPrefix: options.redisPrefix ?? 'bull',
    queueFor,
    wake: (store, streamId) => wakeStream(queueFor(streamId), store, streamId),
    async close() {
      await Promise.all(queues.map((queue) => queue.close()));
      connection.disconnect();
    },
  };
}
