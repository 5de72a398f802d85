/**
 * The dossier API as a Fastify plugin (the fastify/demo layout): external plugins, then the app's own plugins
 * (errors, request context, infrastructure decorators, auth), then the routes. `createServer` wraps it in a
 * Fastify instance with the logger and limits; `server.ts` only starts that.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import helmet from 'helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { TokenVerifier } from '@ntm/auth';
import {
  createMetrics,
  instrumentHttp,
  instrumentStore,
  instrumentTokenChecks,
  type Metrics,
} from '@ntm/runtime';
import errors, { sendProblem } from './plugins/errors.js';
import { ProblemError } from './problems.js';
import { quickValidatorCompiler } from './quickValidation.js';
import requestContext, { requestSerializer } from './plugins/requestContext.js';
import infrastructure, { type InfrastructureOptions } from './plugins/infrastructure.js';
import auth from './plugins/auth.js';
import commandRoutes from './routes/commands.js';
import dossierRoutes from './routes/dossiers.js';
import auditRoutes from './routes/audit.js';
import openDataRoutes from './routes/openData.js';
import documentRoutes from './routes/documents.js';
import documentFileRoutes from './routes/documentFiles.js';
import listRoutes from './routes/list.js';
import notificationRoutes from './routes/notifications.js';
import integrationRoutes from './routes/integration.js';
import healthRoutes from './routes/health.js';
import { startInProcessDeadlineTimers, startInProcessReminders } from './deadlineTimers.js';
import { every } from './auditLog.js';
import operationsRoutes, { type OperationsOptions } from './routes/operations.js';

export interface AppOptions extends InfrastructureOptions {
  verifyToken: TokenVerifier;
  /** allowed CORS origins; empty = none */
  corsOrigins: string[];
  /** requests per minute per client address; default 1200 */
  rateLimitMax?: number;
  /** the administrator's routes: metrics, parked streams, and the queue dashboard in `REDIS_URL` mode */
  operations: OperationsOptions;
  /** the process's Prometheus registry (served at `/metrics`); `createServer` makes one when none is given */
  metrics?: Metrics;
  /**
   * run the deadline timers in this process (deployments without Redis): pending deadlines re-derived from the read
   * model at start and every `reconcileIntervalMs`; default off (with Redis the projector runs them). With
   * `reminders`, also the reminders `days` working days before each due day (`onWritten` kicks the mail relay).
   */
  deadlineTimers?:
    | {
        reconcileIntervalMs: number;
        reminders?: { days: readonly number[]; onWritten?: (() => void) | undefined } | undefined;
      }
    | undefined;
  /** the API's public address, for the verification link in generated documents; default http://localhost */
  publicUrl?: string;
  /**
   * look every this many ms whether a checkpoint of the global log is due (`auditCheckpointSchedule`) and, as the
   * lease holder among the replicas, sign it; default off
   */
  auditCheckpointMs?: number;
  /** run the continuous verifier every this many ms; default off */
  auditVerifyMs?: number;
}

/** The whole API as one plugin. */
export async function dossierApp(fastify: FastifyInstance, opts: AppOptions): Promise<void> {
  // zod's validators, each behind its schema's compiled check (ADR 0054).
  fastify.setValidatorCompiler(quickValidatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);

  // External plugins. Helmet's headers are the same on every reply: computed once, and set as one object with the
  // reply's own headers (helmet's middleware, run per request, set them one by one on the raw response: 3 % of the
  // service's CPU; @fastify/helmet also parsed the CSP per request).
  const securityHeaders = helmetHeaders();
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(securityHeaders);
    done();
  });
  // With no origin allowed the CORS plugin adds nothing to any reply, but costs a hook per request.
  if (opts.corsOrigins.length > 0) {
    await fastify.register(cors, {
      origin: opts.corsOrigins,
      exposedHeaders: ['etag', 'location', 'x-correlation-id'],
    });
  }
  await fastify.register(rateLimit, { max: opts.rateLimitMax ?? 1200, timeWindow: '1 minute' });
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'NTM recognition dossiers API',
        description:
          'Hồ sơ công nhận Nông thôn mới — commands, queries and audit over the event-sourced dossiers',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });
  await fastify.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  // App plugins.
  await fastify.register(errors);
  await fastify.register(requestContext);
  await fastify.register(infrastructure, opts);
  await fastify.register(auth, { verifyToken: opts.verifyToken });

  // Routes.
  const routes = fastify.withTypeProvider<ZodTypeProvider>();
  await routes.register(healthRoutes);
  await routes.register(commandRoutes);
  await routes.register(listRoutes);
  await routes.register(integrationRoutes);
  await routes.register(dossierRoutes);
  await routes.register(auditRoutes);
  await routes.register(openDataRoutes);
  await routes.register(documentRoutes, {
    publicUrl: opts.publicUrl ?? 'http://localhost',
    signer: opts.documentSigner,
  });
  await routes.register(documentFileRoutes);
  await routes.register(notificationRoutes, { publicUrl: opts.publicUrl ?? 'http://localhost' });
  await fastify.register(operationsRoutes, {
    ...opts.operations,
    metrics: opts.metrics ?? createMetrics('api'),
  });

  if (opts.deadlineTimers) {
    const { reconcileIntervalMs, reminders } = opts.deadlineTimers;
    let stop: (() => Promise<void>) | undefined;
    let stopReminders: (() => Promise<void>) | undefined;
    fastify.addHook('onReady', async () => {
      stop = await startInProcessDeadlineTimers(fastify, reconcileIntervalMs);
      if (reminders && reminders.days.length > 0)
        stopReminders = await startInProcessReminders(fastify, { ...reminders, reconcileIntervalMs });
    });
    fastify.addHook('onClose', async () => {
      await stopReminders?.();
      await stop?.();
    });
  }
  const auditLog = fastify.auditLog;
  const audits: [number | undefined, () => Promise<unknown>, string][] = auditLog
    ? [
        [opts.auditCheckpointMs, () => auditLog.tick(), 'audit checkpoint'],
        [opts.auditVerifyMs, () => auditLog.watcher.verifyNow(), 'audit log verification'],
      ]
    : [];
  // The calendar alarm: at start and every hour, a warning in the log while the data ends within the window.
  audits.push([
    CALENDAR_CHECK_MS,
    () => Promise.resolve(fastify.calendar.check(fastify.log)),
    'calendar check',
  ]);
  for (const [ms, task, name] of audits) {
    if (!ms) continue;
    let stop: (() => Promise<void>) | undefined;
    fastify.addHook('onReady', (done) => {
      stop = every(ms, task, fastify.log, name);
      done();
    });
    fastify.addHook('onClose', async () => stop?.());
  }
}

const CALENDAR_CHECK_MS = 3_600_000;

/** The headers helmet's middleware (default options) sets on a response; it reads nothing of the request. */
export function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) =>
      void (headers[name.toLowerCase()] = String(value)),
    // X-Powered-By, which neither Node nor Fastify sets.
    removeHeader: () => undefined,
  };
  // Helmet 8 throws its errors rather than passing them on, so `next` is only ever called without one.
  helmet()({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

export interface ServerOptions extends AppOptions {
  /** pino level; default info */
  logLevel?: string;
}

/** 256 KiB: a command is a few kilobytes. Document files are streamed by their own route, outside this limit. */
export const BODY_LIMIT = 256 * 1024;

/** A Fastify instance running the app, not yet listening. */
export async function createServer({ logLevel, ...appOptions }: ServerOptions): Promise<FastifyInstance> {
  const server = Fastify({
    bodyLimit: BODY_LIMIT,
    genReqId: () => randomUUID(),
    // Errors the router raises before any route runs (over-long or malformed URLs) get problem details too.
    frameworkErrors: (error, request, reply) => {
      void sendProblem(
        request,
        reply,
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new ProblemError(414, 'URI_TOO_LONG', {
              en: 'A path segment is too long',
              vi: 'Đường dẫn quá dài',
            })
          : new ProblemError(400, 'BAD_URL', { en: 'The URL is malformed', vi: 'Đường dẫn không hợp lệ' }),
      );
    },
    logger: {
      level: logLevel ?? 'info',
      // The request line with its URL's credential-like query values redacted.
      serializers: { req: requestSerializer },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.remoteAddress',
          'req.headers["x-forwarded-for"]',
          '*.fullName',
          '*.email',
          '*.phone',
          '*.nationalId',
        ],
        censor: '[redacted]',
      },
    },
  });
  // Counted on the root instance, so that the routes another service adds (the web app's) are counted too; the
  // appends are timed at the store port, whatever adapter is behind it.
  const metrics = appOptions.metrics ?? createMetrics('api');
  instrumentHttp(server, metrics);
  if (appOptions.verifyToken.checks) instrumentTokenChecks(metrics, appOptions.verifyToken.checks);
  await server.register(dossierApp, {
    ...appOptions,
    store: instrumentStore(appOptions.store, metrics),
    metrics,
  });
  return server;
}
