/**
 * The BullMQ dashboard (bull-board) for the wake-up queues, as a Fastify plugin. The API mounts it behind the
 * administrator role: see `services/dossier-api/src/routes/operations.ts`, which opens the queues on the whole `REDIS_URL`.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';

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
