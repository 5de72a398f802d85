/** The API and the web app as `pnpm start` runs them (one process, one port), with a clock fixed at BENCH_NOW. */
import { loadConfig } from '@ntm/runtime';
import { FixedClock, runService } from '@ntm/dossier-api';
import { webExtension } from '@ntm/web';

const config = loadConfig();
const clock = new FixedClock(new Date(process.env['BENCH_NOW'] ?? '2024-06-10T02:00:00.000Z'));
runService(
  config,
  clock,
  webExtension(config, () => clock.now()),
).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
