/**
 * The API's operator surface, all behind the administrator role: the shared operator routes of `@ntm/runtime`
 * (`/metrics`, the parked streams, and in `REDIS_URL` mode the BullMQ dashboard at `/admin/queues`), checked with
 * the API's own `authenticate`, `POST /admin/deadlines/sweep` (fire every overdue deadline now), and
 * `POST /admin/audit/checkpoint` and `POST /admin/audit/verify` (the audit log's checkpointer and verifier, now).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Queue } from 'bullmq';
import {
  administratorGuard,
  operationsRoutes as sharedOperationsRoutes,
  registerApiMetrics,
  type Metrics,
  type ProjectionLag,
} from '@ntm/runtime';
import { elapseOverdue } from '@ntm/scheduler';
import { commandPortsOf } from '../dossier.js';

export interface OperationsOptions {
  /** Projection lag as it stands: the dispatcher's (`measureLag`) with a projector service, else the inline one. */
  projectionLag: () => Promise<ProjectionLag>;
  /** Wakes a released stream up (enqueue a wake-up, or project it inline). */
  requeue: (streamId: string) => Promise<void>;
  /** The wake-up queues (`REDIS_URL` mode): mounts the dashboard and reports their depths. */
  queues?: Queue[];
  /** A static bearer token that may read `/metrics` only, for a Prometheus scraper (`METRICS_TOKEN`). */
  metricsToken?: string;
}

export default async function operationsRoutes(
  fastify: FastifyInstance,
  opts: OperationsOptions & { metrics: Metrics },
): Promise<void> {
  const authenticate = (request: FastifyRequest) => fastify.authenticate(request);
  await fastify.register(sharedOperationsRoutes, {
    ...opts,
    authenticate,
    store: fastify.store,
    now: () => fastify.clock.now(),
    sql: fastify.readModels.sql,
    schema: fastify.readModels.schema,
  });
  const watcher = fastify.auditLog?.watcher;
  registerApiMetrics(opts.metrics, {
    ...(watcher ? { auditLog: () => watcher.status } : {}),
    calendar: () => fastify.calendar.status(),
  });

  await fastify.register((admin, _opts, done) => {
    admin.addHook('onRequest', administratorGuard({ authenticate })(false));
    // Fires every overdue deadline now, whatever the timers do: after a clock or data fix, or to see what they would
    // do. Idempotent.
    admin.post('/admin/deadlines/sweep', { schema: { tags: ['operations'] } }, () =>
      elapseOverdue(commandPortsOf(fastify), fastify.readModels, fastify.log),
    );
    // The audit log's two jobs, now (they also run on their own: automatic checkpoints and AUDIT_VERIFY_SECONDS).
    const auditLog = fastify.auditLog;
    if (auditLog) {
      admin.post('/admin/audit/checkpoint', { schema: { tags: ['operations'] } }, async () => ({
        checkpoint: (await auditLog.checkpoint()) ?? null,
      }));
      admin.post('/admin/audit/verify', { schema: { tags: ['operations'] } }, () =>
        auditLog.watcher.verifyNow(),
      );
    }
    done();
  });
}
