/**
 * The dispatcher's operator server: `/metrics` (its registry, with the operator gauges), the parked-stream routes and the BullMQ dashboard, behind the same
 * token verification as the API (administrator role; `METRICS_TOKEN` may read `/metrics`). It listens on
 * `METRICS_HOST:METRICS_PORT`, loopback by default.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import type { TokenVerifier } from '@ntm/auth';
import {
  bearerAuthenticator,
  instrumentHttp,
  measureLag,
  operationsRoutes,
  type Config,
  type Infrastructure,
  type Metrics,
} from '@ntm/runtime';

export interface DispatcherServerOptions {
  config: Pick<Config, 'METRICS_HOST' | 'METRICS_PORT' | 'METRICS_TOKEN' | 'LOG_LEVEL'>;
  infra: Pick<Infrastructure, 'store' | 'sql' | 'readModelSchema'>;
  verifyToken: TokenVerifier;
  /** the wake-up queues: their depths in `/metrics`, and the dashboard */
  queues: Queue[];
  /** more queues for the depths and the dashboard (the deadline timers') */
  otherQueues?: Queue[];
  /** the process's registry, served at `/metrics` */
  metrics: Metrics;
  /** wakes a released stream up */
  wake: (streamId: string) => Promise<void>;
  now?: () => Date;
}

/** Builds the server and listens where the configuration says; returns it with its address. */
export async function startDispatcherServer(
  options: DispatcherServerOptions,
): Promise<{ app: FastifyInstance; url: string }> {
  const { config, infra } = options;
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.remoteAddress'], censor: '[redacted]' },
    },
  });
  instrumentHttp(app, options.metrics);
  await app.register(operationsRoutes, {
    authenticate: bearerAuthenticator(options.verifyToken),
    ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
    metrics: options.metrics,
    store: infra.store,
    ...(options.now ? { now: options.now } : {}),
    sql: infra.sql,
    schema: infra.readModelSchema,
    projectionLag: () =>
      measureLag(infra.store, infra.sql, infra.readModelSchema, options.now ?? (() => new Date())),
    requeue: options.wake,
    queues: options.queues,
    ...(options.otherQueues ? { otherQueues: options.otherQueues } : {}),
  });
  const url = await app.listen({ port: config.METRICS_PORT, host: config.METRICS_HOST });
  return { app, url };
}
