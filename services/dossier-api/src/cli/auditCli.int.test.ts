/**
 * The audit commands as an operator runs them, on PostgreSQL with the local key ring under DATA_DIR:
 * `audit:export` writes a bundle that verifies (a dossier's, and a unit's over a period), `audit:checkpoint` signs
 * the log, `audit:verify-log` passes, then fails naming the cut tail once a stream's last events are deleted in SQL.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle, verifyUnitBundle } from '@ntm/audit';
import { dossierStreamId } from '@ntm/event-store';
import { openPostgresStore } from '@ntm/store-postgres';
import { sampleDossierEvents, sqlTamper, uuidFor } from '@ntm/testing';
import { runCliProcess } from '../../test/support/runCliProcess.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `t_auditcli_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const at = (i: number) => new Date(Date.UTC(2024, 2, 1 + i)).toISOString();
let dataDir: string;
let opened: Awaited<ReturnType<typeof openPostgresStore>>;

const run = (entry: string, args: string[] = []) =>
  runCliProcess(entry.replace('./', ''), { DATABASE_URL, DATABASE_SCHEMA: schema, DATA_DIR: dataDir }, args);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ntm-audit-cli-'));
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema });
  for (const id of ['a', 'b']) {
    const events = sampleDossierEvents({ id, communeCode: '01849', districtCode: '061', year: 2024 }, at).map(
      (e, i) => ({ ...e, eventId: uuidFor(id, i) }),
    );
    await opened.store.append(dossierStreamId(id), events, { expectedRevision: 'no_stream' });
  }
});
afterAll(async () => {
  await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await opened.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the audit commands', () => {
  it('export a bundle that verifies against the ring’s published keys', async () => {
    const out = join(dataDir, 'a.tar');
    const exported = await run('./auditExport.ts', ['--', 'a', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('30 events');
    const ring = JSON.parse(await readFile(join(dataDir, 'audit-keys', 'ring.json'), 'utf8')) as {
      keys: { kid: string }[];
    };
    const report = await verifyBundle(await readFile(out));
    expect(report.ok).toBe(true);
    expect(report.signedBy?.kid).toBe(ring.keys[0]?.kid);
  });

  it('export one bundle of a unit over a period that verifies, each dossier inside', async () => {
    const out = join(dataDir, 'unit.tar');
    const exported = await run('./auditExport.ts', [
      '--',
      '--unit',
      '01849',
      '--from',
      '2024-01-01',
      '--to',
      '2024-12-31',
      '--out',
      out,
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('2 dossiers of unit 01849');
    const report = await verifyUnitBundle(await readFile(out));
    expect(report.failures).toEqual([]);
    expect(report.dossiers.map((d) => d.dossierId)).toEqual(['a', 'b']);
    const refused = await run('./auditExport.ts', [
      '--',
      '--unit',
      '01849',
      '--from',
      '2024-12-31',
      '--to',
      '2024-01-01',
    ]);
    expect(refused.code).toBe(2);
  });

  it('checkpoint the log, verify it, and name a cut tail', async () => {
    const made = await run('./auditCheckpoint.ts');
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ body: { seq: 1, count: 60 } });
    const ok = await run('./auditVerifyLog.ts');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('LOG VERIFIED');

    await sqlTamper(opened.sql, schema).truncate(dossierStreamId('b'), 25n);
    const cut = await run('./auditVerifyLog.ts', ['--', '--json']);
    expect(cut.code).toBe(1);
    expect(JSON.parse(cut.stdout)).toMatchObject({
      ok: false,
      failures: [{ check: 'count', checkpoint: 1, expected: '60', found: '55' }],
    });
  });
});
