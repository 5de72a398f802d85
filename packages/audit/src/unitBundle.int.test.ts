/**
 * A unit's bundle on PostgreSQL: the dossiers it holds (by unit and period), verified with the published keys by the
 * library and by the one-file offline verifier alone in a folder; every kind of tampering named.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { sampleDossierEvents, uuidFor } from '@ntm/testing';
import {
  exportBundle,
  exportUnitBundle,
  FILES,
  jsonBytes,
  openLocalKeyRing,
  packTar,
  sha256Hex,
  signDetached,
  unpackTar,
  verifyUnitBundle,
  type AuditSigner,
  type UnitManifest,
} from './index.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `t_unitbundle_${randomBytes(4).toString('hex')}`;
const run = promisify(execFile);
const EXPORTED = new Date('2025-01-15T00:00:00Z');
let opened: OpenedPostgresStore;
let dir: string;
let signer: AuditSigner;
let other: AuditSigner;

const dossiers = [
  { id: 'a', communeCode: '01849', districtCode: '061', year: 2024 },
  { id: 'b', communeCode: '01849', districtCode: '061', year: 2022 },
  { id: 'c', communeCode: '02032', districtCode: '064', year: 2024 },
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntm-unit-bundle-'));
  signer = await openLocalKeyRing({ dir: join(dir, 'ring'), now: new Date('2020-01-01T00:00:00Z') });
  other = await openLocalKeyRing({ dir: join(dir, 'other'), now: new Date('2020-01-01T00:00:00Z') });
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema });
  for (const d of dossiers) {
    const events = sampleDossierEvents(d, (i) => new Date(Date.UTC(d.year, 2, 1 + i)).toISOString()).map(
      (e, i) => ({ ...e, eventId: uuidFor(d.id, i) }),
    );
    await opened.store.append(`dossier-${d.id}`, events, { expectedRevision: 'no_stream' });
  }
}, 60_000);
afterAll(async () => {
  await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await opened.close();
  await rm(dir, { recursive: true, force: true });
});

const exportOf = (unit: string, from: string, to: string) =>
  exportUnitBundle({ unit, from, to, store: opened.store, signer, exportedAt: EXPORTED });

/** The bundle's files changed by `edit`, the manifest re-hashed, and signed again by `by` (or not at all). */
async function tampered(
  bundle: Buffer,
  edit: (files: Map<string, Buffer>) => Promise<void> | void,
  by: AuditSigner | undefined,
): Promise<Buffer> {
  const files = await unpackTar(bundle);
  await edit(files);
  const manifest = JSON.parse(files.get(FILES.manifest)!.toString('utf8')) as UnitManifest;
  manifest.files = manifest.files.map((f) => {
    const bytes = files.get(f.name);
    if (!bytes) return f;
    return { ...f, sha256: sha256Hex(bytes), bytes: bytes.length };
  });
  const bytes = jsonBytes(manifest);
  files.set(FILES.manifest, bytes);
  if (by)
    files.set(
      FILES.signature,
      Buffer.from(`${await signDetached(by, bytes, 'ntm-audit-unit-manifest+jws')}\n`),
    );
  return packTar(files, EXPORTED);
}

describe('a unit bundle', () => {
  it('holds the dossiers about the unit whose history overlaps the period, and verifies', async () => {
    const commune2024 = await exportOf('01849', '2024-01-01', '2024-12-31');
    expect(commune2024.dossiers).toBe(1);
    const report = await verifyUnitBundle(commune2024.bundle, { trustedKeys: signer.published });
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ ok: true, unit: '01849', signedBy: { trust: 'given' } });
    expect(report.dossiers.map((d) => [d.dossierId, d.ok, d.events])).toEqual([['a', true, 30]]);

    // A district code takes every dossier of its communes; both periods overlap.
    const district = await exportOf('061', '2022-01-01', '2024-12-31');
    const both = await verifyUnitBundle(district.bundle, { trustedKeys: signer.published });
    expect(both.ok).toBe(true);
    expect(both.dossiers.map((d) => d.dossierId)).toEqual(['a', 'b']);
    // A dossier whose events end before the period is not in it; an empty period is a signed empty list.
    expect((await exportOf('061', '2023-01-01', '2023-12-31')).dossiers).toBe(0);
    const none = await verifyUnitBundle((await exportOf('061', '2023-01-01', '2023-12-31')).bundle, {
      trustedKeys: signer.published,
    });
    expect(none).toMatchObject({ ok: true, dossiers: [] });
  });

  it('is verified by the one-file verifier with plain Node, and a tampered one is not', async () => {
    await run(process.execPath, [
      fileURLToPath(new URL('../scripts/bundleVerifier.mjs', import.meta.url)),
      join(dir, 'ntm-audit-verify.mjs'),
    ]);
    const { bundle } = await exportOf('061', '2022-01-01', '2024-12-31');
    await writeFile(join(dir, 'unit.tar'), bundle);
    await writeFile(join(dir, 'keys.json'), JSON.stringify(signer.published));
    const verify = async (file: string) =>
      run(process.execPath, ['ntm-audit-verify.mjs', file, '--keys', 'keys.json'], {
        cwd: dir,
        env: { PATH: process.env['PATH'] ?? '' },
      }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
    const ok = await verify('unit.tar');
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('unit 061 from 2022-01-01 to 2024-12-31: 2 dossier(s)');
    expect(ok.stdout).toContain('ok   a: 30 events');
    expect(ok.stdout.trimEnd().endsWith('VERIFIED')).toBe(true);

    // One dossier's bundle swapped for another's, the unit manifest re-hashed but not signed again.
    const swapped = await tampered(
      bundle,
      async (files) => {
        const events = await opened.store.readStream('dossier-c');
        files.set(
          'dossiers/a.audit.tar',
          await exportBundle({ dossierId: 'c', events, signer, exportedAt: EXPORTED }),
        );
      },
      undefined,
    );
    await writeFile(join(dir, 'swapped.tar'), swapped);
    const bad = await verify('swapped.tar');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('[signature]');
    expect(bad.stdout).toContain(
      '[dossiers] dossier-a dossiers/a.audit.tar is not the dossier the manifest lists',
    );
  });

  it('names every kind of tampering', async () => {
    const { bundle } = await exportOf('061', '2022-01-01', '2024-12-31');
    const checksOf = async (archive: Buffer) =>
      (await verifyUnitBundle(archive, { trustedKeys: signer.published })).failures.map((f) =>
        [f.check, f.streamId].filter(Boolean).join(' '),
      );
    // A dossier file edited, nothing re-signed: its hash no longer matches the signed manifest.
    const files = await unpackTar(bundle);
    const inner = await unpackTar(files.get('dossiers/b.audit.tar')!);
    const events = inner.get(FILES.events)!.toString('utf8').replace('"draft"', '"preparing"');
    inner.set(FILES.events, Buffer.from(events));
    const editedInner = await packTar(inner, EXPORTED);
    files.set('dossiers/b.audit.tar', editedInner);
    expect(await checksOf(await packTar(files, EXPORTED))).toEqual(
      expect.arrayContaining(['files', 'files dossier-b']),
    );
    // The same, re-hashed and re-signed with the engine's own key (an insider): the dossier's own signature and
    // hashes still name it.
    const insider = await tampered(bundle, (f) => void f.set('dossiers/b.audit.tar', editedInner), signer);
    const insiderChecks = await checksOf(insider);
    expect(insiderChecks).not.toContain('signature');
    expect(insiderChecks).toEqual(expect.arrayContaining(['files dossier-b']));
    // A dossier left out of the archive but still in the signed manifest; a bundle signed by another key.
    const cut = await tampered(bundle, (f) => void f.delete('dossiers/a.audit.tar'), undefined);
    expect(await checksOf(cut)).toEqual(['archive', 'dossiers dossier-a']);
    const forged = await tampered(bundle, () => undefined, other);
    expect(await checksOf(forged)).toEqual(['signature']);
  });
});
