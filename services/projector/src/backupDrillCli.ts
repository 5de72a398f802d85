/**
 * `pnpm backup:drill [-- --wal-archive <dir>] [--keep]`: the backup-and-restore drill against the configured
 * PostgreSQL (DATABASE_URL, DATABASE_SCHEMA, READ_MODEL_SCHEMA). Progress on stderr, one JSON line at the end; exit 0
 * only when nothing was lost, every chain holds and the read models equal a rebuild. Interrupted, it removes the
 * restored cluster (unless --keep).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '@ntm/runtime';
import { runBackupDrill } from './backupDrill.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { 'wal-archive': { type: 'string' }, keep: { type: 'boolean', default: false } },
});
const config = loadConfig();
if (!config.DATABASE_URL) {
  process.stderr.write(
    'backup:drill needs DATABASE_URL (the embedded store is backed up by copying DATA_DIR)\n',
  );
  process.exit(2);
}
const started = performance.now();
const report = await runBackupDrill({
  sourceUrl: config.DATABASE_URL,
  eventsSchema: config.DATABASE_SCHEMA,
  readModelSchema: config.READ_MODEL_SCHEMA,
  walArchiveDir: values['wal-archive'],
  keep: values.keep,
  onProgress: (step) =>
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${step}\n`),
});
process.stdout.write(`${JSON.stringify({ drill: 'backup', ...report })}\n`);
process.exit(report.ok ? 0 : 1);
