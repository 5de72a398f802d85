/**
 * Starts the dossier API: validate the environment, open the store and keys, print where the API is and how to
 * get a token, listen, and shut down gracefully on SIGTERM/SIGINT (close the server, then the store).
 */
import { loadConfig } from './config.js';
import { createServer } from './app.js';
import { systemClock } from './clock.js';
import { openInfrastructure, openVerifier } from './infrastructure.js';
import { demoUsers } from './demoUsers.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { verifyToken, local } = await openVerifier(config);
  const infra = await openInfrastructure(config);
  const server = await createServer({
    store: infra.store,
    sql: infra.sql,
    sqlSchema: infra.sqlSchema,
    clock: systemClock,
    verifyToken,
    corsOrigins: config.CORS_ORIGINS,
    rateLimitMax: config.RATE_LIMIT_MAX,
    logLevel: config.LOG_LEVEL,
  });
  await server.ready();

  const base = `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST}:${config.PORT}`;
  const lines = [`NTM dossier engine listening on ${base} — API docs at ${base}/docs`, `Store: ${infra.mode}`];
  if (local) {
    lines.push('Demo users (role, unit) — get a token with: pnpm token -- --role <role> --unit <unit>');
    for (const user of demoUsers()) lines.push(`  ${user.role.padEnd(22)} ${user.unit.padEnd(14)} ${user.note}`);
    lines.push(`Then: curl -H "Authorization: Bearer $(pnpm -s token -- --role auditor --unit 06)" ${base}/dossiers`);
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
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
