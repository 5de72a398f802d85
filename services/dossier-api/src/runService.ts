/**
 * The service's composition root: open keys, store and projections, print where the API is, listen, and shut
 * down gracefully on SIGTERM/SIGINT (close the server, then the store). `server.ts` runs it with the system clock;
 * the benchmark runs it with a fixed clock so that its scripted dossiers stay lawful.
 */
import type { FastifyInstance } from 'fastify';
import { createInlineProjector } from '@ntm/projections';
import type { Config } from './config.js';
import { createServer } from './app.js';
import type { Clock } from './clock.js';
import { demoUsers } from './demoUsers.js';
import { openInfrastructure, openVerifier } from './infrastructure.js';
import type { AppendedNotice } from './plugins/infrastructure.js';

/** Starts the service and returns the listening server; the process exits after a shutdown signal. */
export async function runService(config: Config, clock: Clock): Promise<FastifyInstance> {
  const { verifyToken, local } = await openVerifier(config);
  const infra = await openInfrastructure(config);
  // Without Redis there is no projector service to wake: the projections run in this process after each append,
  // and catch up once at start with whatever was appended while the process was down.
  const projector = config.REDIS_URL
    ? undefined
    : await createInlineProjector(infra.store, infra.sql, { schema: infra.readModelSchema });
  await projector?.catchUpAll();
  const server = await createServer({
    store: infra.store,
    sql: infra.sql,
    sqlSchema: infra.sqlSchema,
    readModelSchema: infra.readModelSchema,
    ...(projector ? { onAppended: (n: AppendedNotice) => projector.onAppended(n.streamId, n.revision) } : {}),
    clock,
    verifyToken,
    corsOrigins: config.CORS_ORIGINS,
    rateLimitMax: config.RATE_LIMIT_MAX,
    logLevel: config.LOG_LEVEL,
  });
  await server.ready();

  const base = `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST}:${config.PORT}`;
  const lines = [
    `NTM dossier engine listening on ${base} — API docs at ${base}/docs`,
    `Store: ${infra.mode}`,
  ];
  if (local) {
    lines.push('Demo users (role, unit) — get a token with: pnpm run token -- --role <role> --unit <unit>');
    for (const user of demoUsers())
      lines.push(`  ${user.role.padEnd(22)} ${user.unit.padEnd(14)} ${user.note}`);
    lines.push(
      `Then: curl -H "Authorization: Bearer $(pnpm -s run token -- --role auditor --unit 06)" ${base}/dossiers`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  await server.listen({ port: config.PORT, host: config.HOST });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    server.log.info({ signal }, 'shutting down');
    server
      .close()
      .then(() => infra.close())
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
