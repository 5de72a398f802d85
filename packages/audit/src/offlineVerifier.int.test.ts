/**
 * The one-file verifier runs with plain Node from a folder that holds only it, a bundle and the published keys:
 * no node_modules, no server, no database. It is bundled here by the same script `pnpm build` runs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainEvents, GENESIS_HASH } from '@ntm/event-store';
import { sampleDossierEvents } from '@ntm/testing';
import { exportBundle, FILES, openLocalKeyRing, packTar, unpackTar } from './index.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../scripts/bundleVerifier.mjs', import.meta.url));
const at = (i: number) => new Date(Date.UTC(2024, 2, 1 + i)).toISOString();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntm-offline-'));
  await run(process.execPath, [script, join(dir, 'ntm-audit-verify.mjs')]);
  const signer = await openLocalKeyRing({ dir: join(dir, 'ring'), now: new Date('2024-01-01T00:00:00Z') });
  const events = chainEvents(
    'dossier-d1',
    0n,
    GENESIS_HASH,
    sampleDossierEvents({ id: 'd1', communeCode: '01849', districtCode: '061', year: 2024 }, at),
  ).map((e, i) => ({ ...e, position: BigInt(i + 1), recordedAt: at(i) }));
  const exportedAt = new Date('2024-06-01T00:00:00Z');
  const bundle = await exportBundle({ dossierId: 'd1', events, signer, exportedAt });
  await writeFile(join(dir, 'd1.tar'), bundle);
  await writeFile(join(dir, 'keys.json'), JSON.stringify(signer.published));
  // The same bundle with one event removed.
  const files = await unpackTar(bundle);
  const lines = files.get(FILES.events)!.toString('utf8').split('\n');
  lines.splice(4, 1);
  files.set(FILES.events, Buffer.from(lines.join('\n')));
  await writeFile(join(dir, 'cut.tar'), await packTar(files, exportedAt));
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

async function verify(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ['ntm-audit-verify.mjs', ...args], {
      cwd: dir,
      // Nothing to resolve packages from: not the repository's folders, not NODE_PATH.
      env: { PATH: process.env['PATH'] ?? '' },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe('ntm-audit-verify.mjs, alone in a folder', () => {
  it('verifies a bundle against the published keys and prints the story', async () => {
    const { code, stdout } = await verify('d1.tar', '--keys', 'keys.json');
    expect(code).toBe(0);
    expect(stdout).toContain('#0 2024-03-01T00:00:00.000Z DossierOpened by commune_official');
    expect(stdout).toContain('draft → preparing');
    expect(stdout).toContain('(one of the keys you gave)');
    expect(stdout.trimEnd().endsWith('VERIFIED')).toBe(true);
  });

  it('exits 1 and names the missing event', async () => {
    const { code, stdout } = await verify('cut.tar', '--keys', 'keys.json', '--json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { ok: boolean; failures: { check: string; revision?: number }[] };
    expect(report.ok).toBe(false);
    expect(report.failures).toContainEqual(expect.objectContaining({ check: 'chain', revision: 5 }));
  });

  it('exits 2 on bad usage', async () => {
    expect((await verify()).code).toBe(2);
  });
});
