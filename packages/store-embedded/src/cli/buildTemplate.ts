/**
 * `pnpm build`'s last step: the initialised PGlite data folder a first `pnpm start` copies (ADR 0029). Skipped
 * when a template of the installed PGlite version is already there.
 */
import { buildTemplate, DEFAULT_TEMPLATE_DIR } from '../dataDirTemplate.js';

const started = performance.now();
process.stdout.write(`embedded database template: ${DEFAULT_TEMPLATE_DIR} … `);
const made = await buildTemplate();
process.stdout.write(
  made ? `made in ${((performance.now() - started) / 1000).toFixed(1)} s\n` : 'up to date\n',
);
