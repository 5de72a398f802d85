/**
 * The operator surface, served by the API and by the projector's dispatcher alike, all behind the administrator
 * role: `/metrics` (Prometheus text: projection lag in events and seconds, parked streams, queue depths; a static
 * `METRICS_TOKEN` may read it too), `GET /projections/parked`, `DELETE /projections/parked/:streamId`, and, when
 * the wake-up queues are given, the BullMQ dashboard (bull-board) at `/admin/queues`.
 *
 * The guard is an `onRequest` hook of an encapsulated context, so it runs before every route registered inside
 * it, bull-board's entry, API and static routes included. It answers itself instead of throwing: bull-board sets
 * its own error handler on its routes, which would turn a thrown 401 into a 500.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { hasZodFastifySchemaValidationErrors, validatorCompiler } from 'fastify-type-provider-zod';
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { AuthError, type Principal, type TokenVerifier } from '@ntm/auth';
import { EventStoreError, validateStreamId } from '@ntm/event-store';
import { q, unparkStream } from '@ntm/projections';
import type { SqlClient } from '@ntm/sql';
import type { EventStore } from '@ntm/event-store';
import type { ProjectionLag } from './projectionLag.js';
import type { Metrics } from './metrics.js';
import { registerOperationsMetrics } from './operationsMetrics.js';
import { sendOperationsProblem, type OperationsProblem } from './operationsProblem.js';

/** Verifies the request's bearer token; throws `AuthError` without a valid one. */
export type Authenticate = (request: FastifyRequest) => Promise<Principal>;

/** `Authorization: Bearer <token>` checked by the `@ntm/auth` verifier, as the API's `authenticate` does. */
export const bearerAuthenticator =
  (verifyToken: TokenVerifier): Authenticate =>
  async (request) => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!match) throw new AuthError('TOKEN_MISSING', 'no bearer token');
    return verifyToken(match[1]!);
  };

export interface GuardOptions {
  authenticate: Authenticate;
  /** A static bearer token that may read `/metrics` only, for a Prometheus scraper (`METRICS_TOKEN`). */
  metricsToken?: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * An `onRequest` hook that lets administrators through (and the metrics token, where allowed) and answers anyone
 * else with a problem: 401 `UNAUTHENTICATED` without a valid token, 403 `ADMINISTRATOR_ONLY` for other roles.
 */
export function administratorGuard(
  options: GuardOptions,
): (allowMetricsToken: boolean) => onRequestAsyncHookHandler {
  const metricsToken = options.metricsToken === undefined ? undefined : digest(options.metricsToken);
  /** Compared as digests in constant time, so the token's length and prefix do not leak through timing. */
  const isMetricsToken = (request: FastifyRequest): boolean => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    return metricsToken !== undefined && match !== null && timingSafeEqual(digest(match[1]!), metricsToken);
  };
  return (allowMetricsToken) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (allowMetricsToken && isMetricsToken(request)) return;
    let problem: OperationsProblem;
    try {
      const principal = await options.authenticate(request);
      if (principal.actor.role === 'administrator') return;
      request.log.info(
        { actorId: principal.actor.id, role: principal.actor.role, reason: 'ADMINISTRATOR_ONLY' },
        'access denied',
      );
      problem = {
        status: 403,
        code: 'ADMINISTRATOR_ONLY',
        detail: {
          vi: 'Chỉ quản trị viên được dùng chức năng vận hành này',
          en: 'Only an administrator may use this operations route',
        },
      };
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      request.log.info({ reason: error.code }, 'authentication refused');
      problem = {
        status: 401,
        code: 'UNAUTHENTICATED',
        detail: {
          vi: `Cần mã xác thực (Bearer) hợp lệ: ${error.message}`,
          en: `A valid bearer token is required: ${error.message}`,
        },
      };
    }
    await sendOperationsProblem(request, reply, problem);
  };
}

/** A stream id as the event store accepts it: control characters and over-long ids never reach SQL. */
const StreamIdParams = z.object({
  streamId: z.string().refine((id) => {
    try {
      validateStreamId(id);
      return true;
    } catch (error) {
      if (error instanceof EventStoreError) return false;
      throw error;
    }
  }, 'not a valid stream id'),
});

export interface OperationsRoutesOptions extends GuardOptions {
  /** the process's registry: served at `/metrics`, with the operator gauges (lag, queues, deadlines) added to it */
  metrics: Metrics;
  /** the event store (the age of the last projected event) */
  store: EventStore;
  /** the service's clock (which deadlines are overdue); default the system clock */
  now?: () => Date;
  /** the read models' database and schema (the parked streams' table) */
  sql: SqlClient;
  schema: string;
  /** Projection lag as it stands: the dispatcher's (`measureLag`) with a projector service, else the inline one. */
  projectionLag: () => Promise<ProjectionLag>;
  /** Wakes a released stream up (enqueue a wake-up, or project it inline). */
  requeue: (streamId: string) => Promise<void>;
  /** The wake-up queues: mounts the dashboard and reports their depths. */
  queues?: Queue[];
  /** More queues for the dashboard and the depths (the deadline timers') */
  otherQueues?: Queue[];
}

/** Where the BullMQ dashboard is served. */
export const DASHBOARD_PATH = '/admin/queues';

/** The operator routes as an encapsulated Fastify plugin (register it without `fastify-plugin`). */
export async function operationsRoutes(
  fastify: FastifyInstance,
  opts: OperationsRoutesOptions,
): Promise<void> {
  const guard = administratorGuard(opts);
  const { sql, schema } = opts;
  // Path parameters are checked by zod here whatever the host's validator; a bad one is a 400 problem.
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setErrorHandler(async (error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return sendOperationsProblem(request, reply, {
        status: 400,
        code: 'VALIDATION_FAILED',
        detail: { vi: 'Dữ liệu yêu cầu (params) không hợp lệ', en: 'The request params is not valid' },
        extra: { errors: error.validation.map((v) => ({ path: v.instancePath || '/', message: v.message })) },
      });
    }
    // Fastify's own refusals of what the client sent (an empty JSON body, a bad content type) keep their 4xx.
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return sendOperationsProblem(request, reply, {
        status,
        code: 'BAD_REQUEST',
        detail: { vi: 'Yêu cầu không hợp lệ', en: 'The request is malformed' },
      });
    }
    request.log.error({ err: error }, 'request failed');
    return sendOperationsProblem(request, reply, {
      status: 500,
      code: 'INTERNAL',
      detail: {
        vi: 'Đã xảy ra lỗi nội bộ; sự cố đã được ghi lại',
        en: 'An internal error occurred; it has been logged',
      },
    });
  });

  registerOperationsMetrics(opts.metrics, {
    store: opts.store,
    sql,
    schema,
    projectionLag: opts.projectionLag,
    now: opts.now ?? (() => new Date()),
    ...(opts.queues ? { queues: opts.queues } : {}),
    ...(opts.otherQueues ? { otherQueues: opts.otherQueues } : {}),
  });
  await fastify.register(metricsRoute, {
    authenticate: opts.authenticate,
    ...(opts.metricsToken === undefined ? {} : { metricsToken: opts.metricsToken }),
    registry: opts.metrics.registry,
  });

  await fastify.register(async (admin) => {
    admin.addHook('onRequest', guard(false));

    admin.get('/projections/parked', { schema: { tags: ['operations'] } }, async () => {
      const rows = await sql.query(
        `SELECT stream_id, revision::text AS revision, error_code, message, parked_at
           FROM ${q(schema)}.parked_streams ORDER BY parked_at, stream_id`,
      );
      return { items: rows.rows };
    });

    admin.delete<{ Params: z.infer<typeof StreamIdParams> }>(
      '/projections/parked/:streamId',
      { schema: { tags: ['operations'], params: StreamIdParams } },
      async (request, reply) => {
        const { streamId } = request.params;
        if (!(await unparkStream(sql, streamId, { schema }))) {
          return sendOperationsProblem(request, reply, {
            status: 404,
            code: 'STREAM_NOT_PARKED',
            detail: { vi: `Luồng ${streamId} không bị tạm dừng`, en: `Stream ${streamId} is not parked` },
          });
        }
        await opts.requeue(streamId);
        return reply.code(204).send();
      },
    );

    const dashboard = [...(opts.queues ?? []), ...(opts.otherQueues ?? [])];
    if (dashboard.length > 0) {
      // bull-board is loaded only where there are queues to show (never in the embedded default).
      const { queueDashboard } = await import('./queueDashboard.js');
      await admin.register(queueDashboard, { queues: dashboard, basePath: DASHBOARD_PATH });
    }
  });
}

/**
 * `GET /metrics`: the registry's Prometheus text, for an administrator or the `METRICS_TOKEN`. An encapsulated
 * plugin of its own, so that its guard covers this route only (a worker serves nothing else).
 */
export function metricsRoute(
  fastify: FastifyInstance,
  opts: GuardOptions & { registry: Metrics['registry'] },
  done: (error?: Error) => void,
): void {
  fastify.addHook('onRequest', administratorGuard(opts)(true));
  fastify.get('/metrics', { schema: { tags: ['operations'], hide: true } }, async (_request, reply) =>
    reply.type(opts.registry.contentType).send(await opts.registry.metrics()),
  );
  done();
}
