/**
 * `pnpm replay:what-if -- --rules <proposed.json> [--csv <out.csv>] [--dossier <id>]... [--json]`: every past
 * dossier (or the ones named) decided again, step by step, under a proposed rule set, and which outcomes would have
 * differed and at which step, as a table (and CSV). Writes nothing to the store. `proposed.json` holds the fields
 * that change, merged into each dossier's pinned rule set, e.g. a poll pass mark of 85%:
 * `{"id":"draft-2027","version":1,"poll":{"passShare":{"ntm":{"value":{"share":0.85,"inclusive":true}}}}}`.
 * Progress on stderr; Ctrl-C stops and reports the dossiers done so far. Exit 0 done, 1 interrupted, 2 bad usage.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  eventLine,
  streamsInLogOrder,
  whatIf,
  whatIfCsv,
  type RuleSetOverlay,
  type WhatIfResult,
} from '@ntm/audit';
import { dossierStreamId } from '@ntm/event-store';
import { runCli } from './runCli.js';

const USAGE =
  'usage: pnpm replay:what-if -- --rules <proposed.json> [--csv <out.csv>] [--dossier <id>]... [--json]';

runCli(
  'ntm-replay-what-if',
  async ({ args, infra }) => {
    const { values } = parseArgs({
      args,
      options: {
        rules: { type: 'string' },
        csv: { type: 'string' },
        dossier: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    if (!values.rules) throw new Error('--rules is required');
    const overlay = JSON.parse(await readFile(values.rules, 'utf8')) as RuleSetOverlay;
    if (typeof overlay !== 'object' || overlay === null || Array.isArray(overlay))
      throw new Error(`${values.rules} is not a JSON object of rule set fields`);
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.once('SIGINT', onSigint);
    const results: WhatIfResult[] = [];
    try {
      const judge = (events: Parameters<typeof eventLine>[0][]) => {
        if (events[0]?.type === 'DossierOpened') results.push(whatIf(events.map(eventLine), overlay));
      };
      if (values.dossier) {
        for (const id of values.dossier) judge(await infra.store.readStream(dossierStreamId(id)));
      } else {
        for await (const page of streamsInLogOrder(infra.store)) {
          for (const [streamId, events] of page.streams) if (streamId.startsWith('dossier-')) judge(events);
          process.stderr.write(`${results.length} dossiers replayed\r`);
          if (stop.signal.aborted) break;
        }
        process.stderr.write('\n');
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (values.csv) await writeFile(values.csv, whatIfCsv(results));
    if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);
    else process.stdout.write(table(results, stop.signal.aborted));
    return stop.signal.aborted ? 1 : 0;
  },
  { usage: USAGE, failCode: 2 },
);

function table(results: readonly WhatIfResult[], interrupted: boolean): string {
  const count = (s: WhatIfResult['status']) => results.filter((r) => r.status === s).length;
  const rows = results
    .filter((r) => r.status !== 'same')
    .map((r) =>
      [
        r.dossierId,
        r.kind,
        r.recordedStep,
        r.status,
        `#${r.at?.revision ?? '?'} ${r.at?.command ?? ''}`,
        `${r.at?.recorded ?? ''} → ${r.at?.proposed ?? ''}`,
      ].join(' | '),
    );
  return `${[
    'dossier | kind | recorded outcome | status | at | recorded → proposed',
    ...rows,
    `${results.length} dossiers${interrupted ? ' (interrupted)' : ''}: ${count('same')} same, ${count('differs')} would differ, ${count('not-reproducible')} not reproducible from the log`,
  ].join('\n')}\n`;
}
