/**
 * `pnpm import:recognitions -- <file.csv> [--resume | --clean] [--by <user id>] [--json]`: records recognitions
 * decided on paper before the engine (the CSV template of docs/audit.md), or refuses the whole file with every bad
 * row and its line (ADR 0027). Progress on stderr; Ctrl-C stops after the current chunk, and the next run is told to
 * `--resume` it or `--clean` it (the partial attempt is marked abandoned and never counts). The same file twice
 * writes nothing the second time. With the embedded store the API must be stopped (PGlite opens its folder in one
 * process). Exit 0 imported (or already imported), 1 refused, 2 bad usage, 3 an unfinished import waits, 130
 * interrupted.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { ImportRefusedError, ImportUnfinishedError, importRecognitions } from '@ntm/application';
import { nationalUnits } from '@ntm/domain';
import { catchUpStream, migrateReadModels, queryRecordedDecisionKeys } from '@ntm/projections';
import { runCli } from './runCli.js';
import { systemClock } from '../clock.js';

const USAGE = 'usage: pnpm import:recognitions -- <file.csv> [--resume | --clean] [--by <user id>] [--json]';

runCli(
  'ntm-import-recognitions',
  async ({ args, infra }) => {
    const { values, positionals } = parseArgs({
      args,
      options: {
        resume: { type: 'boolean', default: false },
        clean: { type: 'boolean', default: false },
        by: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    const file = positionals[0];
    if (file === undefined || positionals.length > 1) throw new Error('give one CSV file');
    if (values.resume && values.clean) throw new Error('--resume or --clean, not both');
    const bytes = await readFile(file);
    await migrateReadModels(infra.sql, infra.readModelSchema);
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.once('SIGINT', onSigint);
    const say = (line: string) => process.stderr.write(`${line}\n`);
    try {
      const result = await importRecognitions(
        {
          store: infra.store,
          units: nationalUnits(),
          recordedDecisions: (codes) => queryRecordedDecisionKeys(infra.sql, codes, infra.readModelSchema),
        },
        {
          fileName: basename(file),
          bytes,
          now: () => systemClock.now(),
          by: values.by,
          signal: stop.signal,
          unfinished: values.resume ? 'resume' : values.clean ? 'clean' : undefined,
          onProgress: ({ written, rows }) => say(`${written}/${rows} rows written`),
        },
      );
      // The read models show the import now, whatever the projector's lag (the catch-up is conditional on the
      // stream's checkpoint, so it cannot race the projector into writing twice).
      if (result.status !== 'interrupted')
        await catchUpStream(infra.store, infra.sql, result.streamId, { schema: infra.readModelSchema });
      const message = {
        imported: `IMPORTED ${result.rows} recognition(s) from ${file} into ${result.streamId}`,
        'already-imported': `ALREADY IMPORTED: ${file} is ${result.streamId} (${result.rows} rows); nothing written`,
        interrupted: `INTERRUPTED after ${result.written}/${result.rows} rows: run again with --resume or --clean`,
      }[result.status];
      process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${message}\n`);
      return result.status === 'interrupted' ? 130 : 0;
    } catch (error) {
      if (error instanceof ImportRefusedError) {
        if (values.json)
          process.stdout.write(`${JSON.stringify({ status: 'refused', refusals: error.refusals })}\n`);
        else {
          process.stdout.write(`REFUSED: nothing of ${file} was imported\n`);
          for (const r of error.refusals)
            process.stdout.write(`line ${r.line}: ${r.code} ${r.en} / ${r.vi}\n`);
        }
        return 1;
      }
      if (error instanceof ImportUnfinishedError) {
        say(`${error.message}: run again with --resume (continue) or --clean (abandon it and start over)`);
        return 3;
      }
      throw error;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
  { usage: USAGE, failCode: 2 },
);
