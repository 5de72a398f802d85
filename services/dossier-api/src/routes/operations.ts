/**
 * Operator surface, all behind the administrator role: `/metrics` (Prometheus text: projection lag in events and
 * seconds, parked streams, queue depths), `GET /projections/parked` and `DELETE /projections/parked/{streamId}`,
 * `POST /admin/deadlines/sweep` (run the deadline worker now), and, when the wake-up queues are given (`REDIS_URL`
 * mode), the BullMQ dashboard at `/admin/queues`.
 *
 * The guard is an `onRequest` hook of this encapsulated context, so it runs before every route registered inside
 * it, bull-board's entry, API and static routes included. It answers itself instead of throwing: bull-board sets
 * its own error handler on its routes, which would turn a thrown 401 into a 500.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Queue } from 'bullmq';
import { AuthError } from '@ntm/auth';
import { q, unparkStream } from '@ntm/projections';
import { lagToPrometheus, queueDashboard, type ProjectionLag } from '@ntm/projector';
import { sweepDeadlines } from '../deadlineSweeper.js';
import { sendProblem } from '../plugins/errors.js';
import { ProblemError, problems } from '../problems.js';

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

/** Where the BullMQ dashboard is served. */
export const DASHBOARD_PATH = '/admin/queues';

const administratorOnly = () =>
  new ProblemError(403, 'ADMINISTRATOR_ONLY', {
    vi: 'Chỉ quản trị viên được dùng chức năng vận hành này',
    en: 'Only an administrator may use this operations route',
  });

const digest = (value: string) => createHash('sha256').update(value).digest();

export default async function operationsRoutes(
  fastify: FastifyInstance,
  opts: OperationsOptions,
): Promise<void> {
  const metricsToken = opts.metricsToken === undefined ? undefined : digest(opts.metricsToken);
  /** Compared as digests in constant time, so the token's length and prefix do not leak through timing. */
  const isMetricsToken = (request: FastifyRequest): boolean => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    return metricsToken !== undefined && match !== null && timingSafeEqual(digest(match[1]!), metricsToken);
  };

  const guard =
    (allowMetricsToken: boolean) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      if (allowMetricsToken && isMetricsToken(request)) return;
      let problem: ProblemError;
      try {
        const principal = await fastify.authenticate(request);
        if (principal.actor.role === 'administrator') return;
        request.log.info(
          { actorId: principal.actor.id, role: principal.actor.role, reason: 'ADMINISTRATOR_ONLY' },
          'access denied',
        );
        problem = administratorOnly();
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        request.log.info({ reason: error.code }, 'authentication refused');
        problem = problems.unauthenticated(error.message);
      }
      await sendProblem(request, reply, problem);
    };

  await fastify.register((metrics, _opts, done) => {
    metrics.addHook('onRequest', guard(true));
    metrics.get('/metrics', { schema: { tags: ['operations'], hide: true } }, async (_request, reply) => {
      const [lag, depths] = await Promise.all([
        opts.projectionLag(),
        Promise.all(
          (opts.queues ?? []).map(async (queue): Promise<[string, number]> => [
            queue.name,
            await queue.getWaitingCount(),
          ]),
        ),
      ]);
      return reply
        .type('text/plain; version=0.0.4; charset=utf-8')
        .send(lagToPrometheus(lag, Object.fromEntries(depths)));
    });
    done();
  });

  await fastify.register(async (admin) => {
    admin.addHook('onRequest', guard(false));
    const { sql, schema } = fastify.readModels;

    admin.get('/projections/parked', { schema: { tags: ['operations'] } }, async () => {
      const rows = await sql.query(
        `SELECT stream_id, revision::text AS revision, error_code, message, parked_at
           FROM ${q(schema)}.parked_streams ORDER BY parked_at, stream_id`,
      );
      return { items: rows.rows };
    });

    admin.delete<{ Params: { streamId: string } }>(
      '/projections/parked/:streamId',
      { schema: { tags: ['operations'] } },
      async (request, reply) => {
        const { streamId } = request.params;
        if (!(await unparkStream(sql, streamId, { schema }))) {
          throw new ProblemError(404, 'STREAM_NOT_PARKED', {
            vi: `Luồng ${streamId} không bị tạm dừng`,
            en: `Stream ${streamId} is not parked`,
          });
        }
        await opts.requeue(streamId);
        return reply.code(204).send();
      },
    );

    // Runs the deadline worker now (it also runs every DEADLINE_SWEEP_SECONDS): after a clock or data fix, or to see
    // what it would do. Idempotent.
    admin.post('/admin/deadlines/sweep', { schema: { tags: ['operations'] } }, () => sweepDeadlines(fastify));

    if (opts.queues && opts.queues.length > 0) {
      await admin.register(queueDashboard, { queues: opts.queues, basePath: DASHBOARD_PATH });
    }
  });
}
