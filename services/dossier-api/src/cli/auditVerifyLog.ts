/**
 * `pnpm audit:verify-log [-- --checkpoints witness.json] [--keys ntm-audit-keys.json] [--json]`: checks the
 * whole store against the signed checkpoints — those in the database, or a witness's copy (the body of
 * `GET /audit/checkpoints`) — and names a deleted stream, a cut tail, an edited event and a rewritten history.
 * Keys: the given file, else the configured signer's published keys. Progress on stderr; exit 0 verified, 1 not.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  CheckpointStore,
  verifyLog,
  type LogReport,
  type PublishedKeys,
  type SignedCheckpoint,
} from '@ntm/audit';
import { openAuditSigner } from '@ntm/runtime';
import { runCli } from './runCli.js';

const USAGE = 'usage: pnpm audit:verify-log [-- --checkpoints <file.json>] [--keys <keys.json>] [--json]';

runCli(
  'ntm-audit-verify-log',
  async ({ args, config, infra }) => {
    const { values } = parseArgs({
      args,
      options: {
        checkpoints: { type: 'string' },
        keys: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const keys = values.keys
      ? (JSON.parse(await readFile(values.keys, 'utf8')) as PublishedKeys).keys
      : (await openAuditSigner(config)).published.keys;
    const store = new CheckpointStore(infra.sql, infra.sqlSchema);
    await store.migrate();
    const checkpoints = values.checkpoints
      ? (JSON.parse(await readFile(values.checkpoints, 'utf8')) as { checkpoints: SignedCheckpoint[] })
          .checkpoints
      : await store.list();
    let shown = 0;
    const report = await verifyLog({
      store: infra.store,
      checkpoints,
      keys,
      onProgress: (events) => {
        if (events - shown >= 50_000) {
          shown = events;
          process.stderr.write(`${events} events read\n`);
        }
      },
    });
    process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : describe(report));
    return report.ok ? 0 : 1;
  },
  { usage: USAGE, failCode: 2 },
);

function describe(report: LogReport): string {
  const lines = [
    `${report.events} events, ${report.checkpoints} checkpoints; verified up to checkpoint ${report.verifiedUpTo?.seq ?? '(none)'}`,
  ];
  for (const f of report.failures) {
    const where = [
      f.checkpoint && `checkpoint ${f.checkpoint}`,
      f.streamId && `${f.streamId}#${f.revision}`,
      f.position && `position ${f.position}`,
    ]
      .filter(Boolean)
      .join(', ');
    const diff = f.expected !== undefined ? `: expected ${f.expected}, found ${f.found ?? '?'}` : '';
    lines.push(`  [${f.check}] ${where} ${f.message}${diff}`);
  }
  lines.push(report.ok ? 'LOG VERIFIED' : 'LOG NOT VERIFIED');
  return `${lines.join('\n')}\n`;
}
