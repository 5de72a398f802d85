/**
 * Starts the dossier API with the system clock; see runService.ts for what starting means. Tracing starts first,
 * when configured (ADR 0032): the rest is imported after it, so that its instrumentations see pg, ioredis and
 * Fastify load; without configuration nothing of OpenTelemetry is loaded.
 */
import { startTracing } from '@ntm/telemetry/start';

await startTracing('ntm-api');
const { loadConfig } = await import('@ntm/runtime');
const { systemClock } = await import('./clock.js');
const { runService } = await import('./runService.js');

runService(loadConfig(), systemClock).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
