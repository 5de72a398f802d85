/** `pnpm start`'s composition (the API and the web app on one port) with a clock fixed at BENCH_NOW, for bench:start. */
import { embeddedFolder, loadConfig } from '@ntm/runtime/config';
import { beginSeeding, keepWasmOnBaselineTier } from '@ntm/store-embedded';

// As server.ts does: PGlite's WebAssembly kept on the baseline compiler unless EMBEDDED_WASM_TIER_UP=on (ADR 0049),
// and the embedded folder prepared while the rest of the service loads.
const config = loadConfig();
if (!config.DATABASE_URL) {
  if (config.EMBEDDED_WASM_TIER_UP === 'off') keepWasmOnBaselineTier();
  beginSeeding(embeddedFolder(config));
}
const { FixedClock, runService } = await import('@ntm/dossier-api');
const { webExtension } = await import('@ntm/web');

// Not imported from the journeys' module: that would load @ntm/testing (a browser driver) into the measured process.
const now = new Date(process.env['BENCH_NOW'] ?? '2024-06-10T02:00:00.000Z');
runService(
  config,
  new FixedClock(now),
  webExtension(config, () => now),
).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
