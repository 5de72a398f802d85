/**
 * `pnpm start`: the API and the web app on one port, with the system clock. Tracing first, when configured (ADR
 * 0032), and the rest imported after it; without configuration nothing of OpenTelemetry is loaded.
 */
import { startTracing } from '@ntm/telemetry/start';

await startTracing('ntm-api');
const { loadConfig, runService, systemClock } = await import('@ntm/dossier-api');
const { webExtension } = await import('./extension.js');

const config = loadConfig();
runService(
  config,
  systemClock,
  webExtension(config, () => systemClock.now()),
).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
