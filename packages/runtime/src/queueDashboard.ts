/**
 * The BullMQ dashboard (bull-board) for the wake-up queues, as a Fastify plugin. Not exported: bull-board's JSON
 * API can pause queues and retry or remove jobs, so it is only ever mounted inside `operationsRoutes`, behind the
 * administrator guard.
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
