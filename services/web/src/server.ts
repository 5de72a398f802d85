/** `pnpm start`: the API and the web app on one port, with the system clock. */
import { loadConfig, runService, systemClock } from '@ntm/dossier-api';
import { webExtension } from './extension.js';

const config = loadConfig();
runService(
  config,
  systemClock,
  webExtension(config, () => systemClock.now()),
).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
