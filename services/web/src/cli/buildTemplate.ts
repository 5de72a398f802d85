/**
 * `pnpm build`'s last step: the data folder a first `pnpm start` copies (ADR 0029 and its amendment). PGlite's initdb runs
 * once into the template (skipped when one of the installed PGlite version is there); then the service is put
 * together on a copy of it, as a first start would be, and closed without listening, so that every table the
 * engine, its read models and the web app create is already in the template. Keys, blobs and the demo provider's
 * state are made under a throwaway DATA_DIR and discarded: each installation makes its own on its first start.
 * Migrations are versioned, so a template made by an older build is brought up to date by the start that uses it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeService, systemClock } from '@ntm/dossier-api';
import { embeddedFolder, loadConfig } from '@ntm/runtime';
import { adoptTemplate, buildTemplate, DEFAULT_TEMPLATE_DIR } from '@ntm/store-embedded';
import { webExtension } from '../extension.js';

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(`embedded database template: ${DEFAULT_TEMPLATE_DIR} … `);
const initdb = await buildTemplate();
const dataDir = await mkdtemp(join(tmpdir(), 'ntm-template-'));
try {
  // Nothing from the environment: the template is the embedded default's, whatever this shell has configured.
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error', DEADLINE_TIMERS: 'off' });
  const service = await composeService(
    config,
    systemClock,
    webExtension(config, () => systemClock.now()),
  );
  await service.close();
  await adoptTemplate(embeddedFolder(config));
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
process.stdout.write(`${initdb ? 'made' : 'tables brought up to date'} in ${seconds()} s\n`);
