/** `pnpm start`'s composition (the API and the web app on one port) with a clock fixed at BENCH_NOW, for bench:start. */
import { loadConfig } from '@ntm/runtime';
import { FixedClock, runService } from '@ntm/dossier-api';
import { webExtension } from '@ntm/web';

// Not imported from the journeys' module: that would load @ntm/testing (a browser driver) into the measured process.
const now = new Date(process.env['BENCH_NOW'] ?? '2024-06-10T02:00:00.000Z');
const config = loadConfig();
runService(
  config,
  new FixedClock(now),
  webExtension(config, () => now),
).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
