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
  registerApiGauges(fastify, opts.metrics);

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

/** The API's own alarms as gauges read at each scrape: the audit log's continuous verifier and the calendar. */
function registerApiGauges(fastify: FastifyInstance, metrics: Metrics): void {
  const watcher = fastify.auditLog?.watcher;
  if (watcher) {
    metrics.gauge(
      'ntm_audit_log_ok',
      '1 while the global log matches its signed checkpoints (and before the first check), 0 after a mismatch.',
      () => (watcher.status.ok === false ? 0 : 1),
    );
    metrics.gauge(
      'ntm_audit_log_checked_timestamp_seconds',
      'When the continuous verifier last finished (Unix seconds; 0 before its first run).',
      () => {
        const { checkedAt } = watcher.status;
        return checkedAt === undefined ? 0 : Math.floor(Date.parse(checkedAt) / 1000);
      },
    );
    metrics.gauge(
      'ntm_audit_log_verified_checkpoint',
      'The last checkpoint the log matched (its sequence number; 0 before the first run).',
      () => watcher.status.report?.verifiedUpTo?.seq ?? 0,
    );
  }
  metrics.gauge(
    'ntm_calendar_days_left',
    'Days until the working-day calendar data ends (negative once past).',
    () => fastify.calendar.status().daysLeft,
  );
  metrics.gauge(
    'ntm_calendar_ok',
    '1 while the calendar data reaches past CALENDAR_WARN_DAYS from today, else 0.',
    () => (fastify.calendar.status().ok ? 1 : 0),
  );
}
