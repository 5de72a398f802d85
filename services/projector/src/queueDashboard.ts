/**
 * The BullMQ dashboard (bull-board) for the wake-up queues, as a Fastify plugin. The API mounts it behind the
 * administrator role: `app.register(queueDashboard, { queues: openProjectionQueues(...), basePath: '/admin/queues' })`.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import { partitionQueueName, type WakeUp } from './partitions.js';

export interface QueueDashboardOptions {
  queues: Queue[];
  /** URL path the dashboard is served under, e.g. "/admin/queues" */
  basePath: string;
}

export const queueDashboard: FastifyPluginAsync<QueueDashboardOptions> = async (app, options) => {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(options.basePath);
  createBullBoard({ queues: options.queues.map((queue) => new BullMQAdapter(queue)), serverAdapter });
  await app.register(serverAdapter.registerPlugin(), { prefix: options.basePath });
};

/** Opens the partition queues (for the dashboard or metrics); close them with `queue.close()`. */
export function openProjectionQueues(options: {
  redisUrl: string;
  queuePrefix?: string;
  partitions?: number;
  redisPrefix?: string;
}): Queue<WakeUp>[] {
  const url = new URL(options.redisUrl);
  return Array.from(
    { length: options.partitions ?? 4 },
    (_, i) =>
      new Queue<WakeUp>(partitionQueueName(options.queuePrefix ?? 'ntm-projections', i), {
        connection: {
          host: url.hostname,
          port: Number(url.port || 6379),
          db: Number(url.pathname.slice(1) || 0),
        },
        prefix: options.redisPrefix ?? 'bull',
      }),
  );
}
