// The backup drill on a private PostgreSQL cluster with WAL archiving (never the shared server): events written
// after the base backup come back from the archive, every chain holds, the read models equal a rebuild; and a drill
// on a store whose event was edited in place names the broken stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuild } from '@ntm/projections';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { freePort, sampleDossierEvents, startPrivateCluster, type PrivateCluster } from '@ntm/testing';
import { runBackupDrill } from './backupDrill.js';

const EVENTS = 'drill_events';
const READ_MODELS = 'drill_rm';
let cluster: PrivateCluster | undefined;
let skipped: string | undefined;
let opened: OpenedPostgresStore;

beforeAll(async () => {
  const started = await startPrivateCluster({ archiveWal: true });
  if ('unavailable' in started) {
    skipped = started.unavailable;
    console.warn(`backup drill SKIPPED: ${skipped}`);
    return;
  }
  cluster = started;
  opened = await openPostgresStore({ connectionString: cluster.connectionString, schema: EVENTS });
}, 120_000);
afterAll(async () => {
  await opened?.close();
  await cluster?.destroy();
});

async function appendDossiers(from: number, count: number): Promise<number> {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const events = sampleDossierEvents(
      { id: `drill-${i}`, communeCode: String(1800 + i).padStart(5, '0'), districtCode: '061', year: 2024 },
      (k) => new Date(Date.UTC(2024, 0, 1) + k * 3_600_000).toISOString(),
    );
    await opened.store.append(`dossier-drill-${i}`, events, { expectedRevision: 'no_stream' });
    n += events.length;
  }
  return n;
}

/** Switches to a new WAL segment and waits until the archiver has copied the one holding our writes. */
async function archiveWal(): Promise<void> {
  const { rows } = await opened.sql.query<{ wal: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS wal');
  const wal = rows[0]!.wal;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const archived = await opened.sql.query<{ last: string | null }>(
      'SELECT last_archived_wal AS last FROM pg_stat_archiver',
    );
    if ((archived.rows[0]!.last ?? '') >= wal) return;
    if (Date.now() > deadline) throw new Error(`WAL ${wal} was not archived`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the backup-and-restore drill', () => {
  it('restores the base backup and the archived WAL: nothing lost, chains intact, read models equal a rebuild', async (ctx) => {
    if (skipped) ctx.skip();
    const before = await appendDossiers(0, 5);
    await rebuild(opened.store, opened.sql, { schema: READ_MODELS });
    let after = 0;
    const report = await runBackupDrill({
      sourceUrl: cluster!.connectionString,
      eventsSchema: EVENTS,
      readModelSchema: READ_MODELS,
      port: await freePort(),
      walArchiveDir: cluster!.walArchiveDir,
      // Writes while the backup is taken: they are only in the WAL archive.
      afterBaseBackup: async () => {
        after = await appendDossiers(5, 3);
        await rebuild(opened.store, opened.sql, { schema: READ_MODELS });
        await archiveWal();
      },
    });
    expect(report.events).toEqual({ sourceAtRestore: before + after, restored: before + after, lost: 0 });
    expect(report.chains).toEqual({ streams: 8, broken: [] });
    expect(report.readModels.equal).toBe(true);
    expect(report.ok).toBe(true);
  }, 180_000);

  it('names the stream whose event was edited in the database', async (ctx) => {
    if (skipped) ctx.skip();
    await opened.sql.query(
      `UPDATE ${EVENTS}.events SET data = jsonb_set(data, '{year}', '1999') WHERE stream_id = 'dossier-drill-2' AND revision = 0`,
    );
    const report = await runBackupDrill({
      sourceUrl: cluster!.connectionString,
      eventsSchema: EVENTS,
      readModelSchema: READ_MODELS,
      port: await freePort(),
    });
    expect(report.chains.broken).toEqual([
      { streamId: 'dossier-drill-2', reason: 'hash_mismatch', revision: '0' },
    ]);
    expect(report.ok).toBe(false);
  }, 180_000);
});
