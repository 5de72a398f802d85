/**
 * `pnpm start`: the API and the web app on one port, with the system clock. Tracing first, when configured (ADR
 * 0032), and the rest imported after it; without configuration nothing of OpenTelemetry is loaded. The embedded
 * database's folder is prepared (on a first start, copied from the template) while the service's modules load, and
 * its WebAssembly kept on V8's baseline compiler unless EMBEDDED_WASM_TIER_UP=on (ADR 0049).
 */
import { startTracing } from '@ntm/telemetry/start';

await startTracing('ntm-api');
const { loadConfig, embeddedFolder } = await import('@ntm/runtime/config');
const config = loadConfig();
if (!config.DATABASE_URL) {
  const embedded = await import('@ntm/store-embedded');
  // Before PGlite compiles its WebAssembly: kept off the optimising compiler, 40 % of a start's CPU (ADR 0049).
  if (config.EMBEDDED_WASM_TIER_UP === 'off') embedded.keepWasmOnBaselineTier();
  // A first start copies the database template while the rest of the service loads (ADR 0029).
  embedded.beginSeeding(embeddedFolder(config));
}
const { runService, systemClock } = await import('@ntm/dossier-api');
const { webExtension } = await import('./extension.js');

runService(
  config,
  systemClock,
  webExtension(config, () => systemClock.now()),
).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
