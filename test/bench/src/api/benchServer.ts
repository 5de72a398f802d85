/** The service as the benchmark runs it: the same composition, with a clock fixed at BENCH_NOW. */
import { loadConfig } from '@ntm/runtime';
import { FixedClock, runService } from '@ntm/dossier-api';

const now = new Date(process.env['BENCH_NOW'] ?? '2024-06-10T02:00:00.000Z');
runService(loadConfig(), new FixedClock(now)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
