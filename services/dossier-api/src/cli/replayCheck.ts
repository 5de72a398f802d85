/**
 * `pnpm replay:check [-- --state <file>] [--restart] [--json] [--record-new]`: checks that every published
 * workflow version and rule set is still the one dossiers pinned (packages/audit/published-versions.json), then
 * replays every stored stream through its pinned machine and names any event whose recorded transition the
 * machine would no longer produce, and any broken hash or link. Progress on stderr; Ctrl-C stops after the current
 * page and saves where it was in the state file (default DATA_DIR/replay-check.json), from which the next run
 * resumes; a finished run removes it. `--record-new` adds versions the file does not list yet (never changes one).
 * Exit 0 when everything replays, 1 when something does not, 130 when interrupted.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  checkPublishedVersions,
  readPublishedVersions,
  replayCheck,
  withNewVersions,
  writePublishedVersions,
  type ReplayProgress,
} from '@ntm/audit';
import { runCli } from './runCli.js';

const USAGE = 'usage: pnpm replay:check [-- --state <file.json>] [--restart] [--json] [--record-new]';

runCli(
  'ntm-replay-check',
  async ({ args, config, infra }) => {
    const { values } = parseArgs({
      args,
      options: {
        state: { type: 'string' },
        restart: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'record-new': { type: 'boolean', default: false },
      },
      strict: true,
    });
    const published = readPublishedVersions();
    if (values['record-new']) writePublishedVersions(withNewVersions(published));
    const versionFailures = checkPublishedVersions(published);

    const stateFile = values.state ?? join(config.DATA_DIR, 'replay-check.json');
    if (values.restart) await rm(stateFile, { force: true });
    const resume = await readFile(stateFile, 'utf8').then(
      (text) => JSON.parse(text) as ReplayProgress,
      () => undefined,
    );
    if (resume)
      process.stderr.write(`resuming after position ${resume.after} (${resume.streams} streams done)\n`);
    const head = await infra.store.headPosition();
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.once('SIGINT', onSigint);
    let shown = 0;
    const progress = await replayCheck({
      store: infra.store,
      resume,
      signal: stop.signal,
      onPage: async (p) => {
        await mkdir(dirname(stateFile), { recursive: true });
        await writeFile(stateFile, JSON.stringify(p));
        if (p.events - shown >= 10_000) {
          shown = p.events;
          process.stderr.write(
            `${p.streams} streams, ${p.events} events replayed (position ${p.after} of ${head})\n`,
          );
        }
      },
    }).finally(() => process.off('SIGINT', onSigint));
    if (!progress.complete) {
      process.stderr.write(
        `interrupted after position ${progress.after}; run again to resume (${stateFile})\n`,
      );
      return 130;
    }
    await rm(stateFile, { force: true });
    const ok = versionFailures.length === 0 && progress.failures.length === 0;
    if (values.json)
      process.stdout.write(`${JSON.stringify({ ok, versions: versionFailures, ...progress })}\n`);
    else {
      const lines = [
        ...versionFailures.map((f) => `  [${f.kind}] ${f.version}: ${f.message}`),
        `${progress.streams} streams, ${progress.events} events replayed`,
        ...progress.failures.map(
          (f) =>
            `  [${f.check}] ${f.streamId ?? ''}#${f.revision ?? '?'} ${f.message}${f.expected !== undefined ? `: expected ${f.expected}, found ${f.found ?? '?'}` : ''}`,
        ),
        ok ? 'REPLAY OK' : 'REPLAY FAILED',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return ok ? 0 : 1;
  },
  { usage: USAGE, failCode: 2 },
);
