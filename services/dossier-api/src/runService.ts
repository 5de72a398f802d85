/**
 * The service's composition root: open keys, store and projections, print where the API is, listen, and shut
 * down gracefully on SIGTERM/SIGINT (close the server, then the store). `server.ts` runs it with the system clock;
 * the benchmark runs it with a fixed clock so that its scripted dossiers stay lawful.
 */
import type { FastifyInstance } from 'fastify';
import type { SqlClient } from '@ntm/sql';
import { vietnamDate } from '@ntm/domain';
import { createInlineProjector } from '@ntm/projections';
import { createInProcessDelivery, createSmtpMailer } from '@ntm/notifications';
// Not the barrel: that loads pkijs, which only signatures and verifications need (ADR 0029).
import { openSigner } from '@ntm/signing/openSigner';
import {
  measureLag,
  notificationSettings,
  openAuditSigner,
  loadProvincialRules,
  openInfrastructure,
  openVerifier,
  appendTraceRelay,
  wakeUpQueuesOptions,
  type Config,
} from '@ntm/runtime';
import { flushTracing, setAppendRelay, tracingOn } from '@ntm/telemetry';
import { createServer } from './app.js';
import { DEFAULT_CHECKPOINT_SCHEDULE } from './auditLog.js';
import type { Clock } from './clock.js';
import { startBanner } from './startBanner.js';
import type { AppendedNotice } from './plugins/infrastructure.js';
import { InlineLag } from './inlineLag.js';

/**
 * What another service adds to the same server and process (the web app): its routes, the token issuers the API
 * accepts besides its own local one, and its lines of the start banner.
 */
export interface ServiceExtension {
  /** more issuers signing with the local development key (the embedded OIDC provider); local mode only */
  localIssuers?(base: string): string[];
  /** registers its plugins on the server before it is ready; `sql` is the engine's database (tables of its own go in `sqlSchema`) */
  register(
    server: FastifyInstance,
    context: { base: string; local: boolean; sql: SqlClient; sqlSchema: string },
  ): Promise<void>;
  /** replaces the API's start banner */
  banner?(context: { base: string; storeMode: string; local: boolean; today: string }): string;
}

const baseUrl = (config: Config) =>
  `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST}:${config.PORT}`;

/** The service put together and ready, not yet listening. */
export interface ComposedService {
  server: FastifyInstance;
  /** Listen on the configured port and begin delivering mail. */
  listen(): Promise<void>;
  /** Close the server, wait for the projections still running, then close mail, queues and the store. */
  close(): Promise<void>;
  /** how the store is reached, for the banner */
  storeMode: string;
  /** whether tokens are signed by the local development key */
  local: boolean;
}

/**
 * Opens keys, store and projections and builds the server, ready but not listening. `runService` listens; the
 * embedded template's build (ADR 0035) closes it at once, keeping the tables it made.
 */
export async function composeService(
  config: Config,
  clock: Clock,
  extension?: ServiceExtension,
): Promise<ComposedService> {
  const base = baseUrl(config);
  const { verifyToken, local } = await openVerifier(config, extension?.localIssuers?.(base) ?? []);
  // Connections lost before the server (and its logger) exists go to stderr; the pools reconnect either way.
  let connectionLost = (err: Error) =>
    console.warn(`database connection lost (reconnecting): ${err.message}`);
  const infra = await openInfrastructure(config, {
    applicationName: 'ntm-api',
    onConnectionError: (err) => connectionLost(err),
  });
  // Without Redis there is no projector service to wake: the projections run in this process after each append,
  // and catch up once at start with whatever was appended while the process was down.
  const projector = config.REDIS_URL
    ? undefined
    : await createInlineProjector(infra.store, infra.sql, { schema: infra.readModelSchema });
  await projector?.catchUpAll();
  // BullMQ is loaded only with Redis: the embedded default has no queues (ADR 0029).
  const wakeUps = config.REDIS_URL
    ? (await import('@ntm/runtime/wakeUpQueues')).openWakeUpQueues(
        wakeUpQueuesOptions({ ...config, REDIS_URL: config.REDIS_URL }),
      )
    : undefined;
  // With traces on, each append leaves its context where the dispatcher finds it (ADR 0032).
  if (wakeUps && tracingOn()) setAppendRelay(appendTraceRelay(wakeUps));
  // Mail from the notification outbox (ADR 0024). With Redis the projector's workers deliver it; in the embedded
  // mode this process does, after each projection and every NOTIFY_RELAY_SECONDS. A failing mail server only
  // delays mail: the commands have answered long before.
  const notify = notificationSettings(config);
  const mailer = !config.REDIS_URL && notify.smtp ? createSmtpMailer(notify.smtp) : undefined;
  const delivery =
    mailer &&
    createInProcessDelivery({
      sql: infra.sql,
      schema: infra.readModelSchema,
      mailer,
      baseUrl: notify.baseUrl,
      now: () => clock.now(),
      retryMs: notify.retryMs,
      maxAgeMs: notify.maxAgeMs,
      intervalMs: notify.relayMs,
      onError: (error) => server.log.warn({ err: error }, 'notification delivery failed'),
    });
  // Lag is wall-clock time, not the business clock.
  const inlineLag = new InlineLag();
  // The inline projections run after the command has answered, off its latency path; read models trail the log
  // by a moment, as they do with a projector service. Shutdown waits for the ones still running.
  const projecting = new Set<Promise<void>>();
  const projectAfterReply = (notice: AppendedNotice): void => {
    if (!projector) return;
    const done = inlineLag.begin(notice.position);
    const run: Promise<void> = projector
      .onAppended(notice.streamId, notice.revision, notice.events)
      .catch((error: unknown) => {
        // The events are committed; the stream is caught up on its next append or at the next start.
        server.log.error({ err: error, streamId: notice.streamId }, 'inline projection failed');
      })
      .finally(() => {
        done();
        projecting.delete(run);
        void delivery?.kick();
      });
    projecting.add(run);
  };
  // Read and checked before anything listens: a wrong rules file stops the start, it never half-applies.
  const provincialRules = await loadProvincialRules(config);
  const server = await createServer({
    store: infra.store,
    sql: infra.sql,
    sqlSchema: infra.sqlSchema,
    readModelSchema: infra.readModelSchema,
    blobs: infra.blobs,
    documentLimits: {
      maxFileBytes: config.DOCUMENT_MAX_FILE_BYTES,
      maxDossierBytes: config.DOCUMENT_MAX_DOSSIER_BYTES,
    },
    ...(projector ? { onAppended: (n: AppendedNotice) => projectAfterReply(n) } : {}),
    clock,
    auditSigner: await openAuditSigner(config),
    documentSigner: await openSigner(config),
    verifyToken,
    corsOrigins: config.CORS_ORIGINS,
    publicUrl: (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, ''),
    rateLimitMax: config.RATE_LIMIT_MAX,
    logLevel: config.LOG_LEVEL,
    // Without Redis the deadline timers run here; with it, in the projector (deadlines elapse with the API down).
    deadlineTimers:
      config.REDIS_URL || config.DEADLINE_TIMERS === 'off'
        ? undefined
        : {
            reconcileIntervalMs: config.DEADLINE_RECONCILE_SECONDS * 1000,
            // The reminders before the due days, on the same switch (ADR 0024); their rows are mailed at once.
            reminders: { days: notify.reminderDays, onWritten: () => void delivery?.kick() },
          },
    auditCheckpointMs: config.AUDIT_CHECKPOINT_SECONDS * 1000,
    auditCheckpointSchedule: {
      everyEvents: config.AUDIT_CHECKPOINT_EVERY_EVENTS,
      everyMinutes: config.AUDIT_CHECKPOINT_EVERY_MINUTES,
      lookMs: config.AUDIT_CHECKPOINT_SECONDS * 1000,
      // At least three looks, for a look interval set longer than the default lease.
      leaseMs: Math.max(DEFAULT_CHECKPOINT_SCHEDULE.leaseMs, 3 * config.AUDIT_CHECKPOINT_SECONDS * 1000),
    },
    auditVerifyMs: config.AUDIT_VERIFY_SECONDS * 1000,
    calendarWarnDays: config.CALENDAR_WARN_DAYS,
    ...(provincialRules ? { domainContext: { provincialRules } } : {}),
    operations: wakeUps
      ? {
          projectionLag: () => measureLag(infra.store, infra.sql, infra.readModelSchema, () => new Date()),
          requeue: (streamId) => wakeUps.wake(infra.store, streamId),
          queues: wakeUps.queues,
          ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
        }
      : {
          projectionLag: () => inlineLag.measure(infra.store, infra.sql, infra.readModelSchema),
          requeue: (streamId) => projector!.onAppended(streamId),
          ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
        },
  });
  connectionLost = (err) => server.log.warn({ err }, 'database connection lost (reconnecting)');
  await extension?.register(server, { base, local, sql: infra.sql, sqlSchema: infra.sqlSchema });
  await server.ready();
  return {
    server,
    storeMode: infra.mode,
    local,
    async listen() {
      await server.listen({ port: config.PORT, host: config.HOST });
      void delivery?.kick();
    },
    async close() {
      await server.close();
      await Promise.all(projecting);
      await delivery?.close();
      mailer?.close();
      await wakeUps?.close();
      await infra.close();
    },
  };
}

/** Starts the service and returns the listening server; the process exits after a shutdown signal. */
export async function runService(
  config: Config,
  clock: Clock,
  extension?: ServiceExtension,
): Promise<FastifyInstance> {
  const service = await composeService(config, clock, extension);
  const { server, storeMode, local } = service;
  const base = baseUrl(config);
  const today = vietnamDate(clock.now().toISOString());
  process.stdout.write(
    extension?.banner?.({ base, storeMode, local, today }) ?? startBanner(base, storeMode, local, today),
  );
  await service.listen();

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    server.log.info({ signal }, 'shutting down');
    service
      .close()
      // The spans of the last requests, still buffered (ADR 0032); nothing to do without tracing.
      .then(() => flushTracing())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          server.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return server;
}
