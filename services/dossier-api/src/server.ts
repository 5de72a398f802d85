/** Starts the dossier API with the system clock; see runService.ts for what starting means. */
import { loadConfig } from '@ntm/runtime';
import { systemClock } from './clock.js';
import { runService } from './runService.js';

runService(loadConfig(), systemClock).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
