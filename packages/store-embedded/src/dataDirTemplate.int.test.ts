/** A new embedded data folder is copied from the template `pnpm build` makes, never half made (ADR 0029). */
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractEvent } from '@ntm/testing';
import {
  adoptTemplate,
  beginSeeding,
  buildTemplate,
  seedDataDir,
  templateUsable,
} from './dataDirTemplate.js';
import { openEmbeddedStore } from './openEmbeddedStore.js';

let root: string;
let template: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pglite-template-'));
  template = join(root, 'template');
  expect(await buildTemplate(template)).toBe(true);
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the data folder template', () => {
  it('is made once: a second build finds it up to date', async () => {
    expect(await templateUsable(template)).toBe(true);
    expect(await buildTemplate(template)).toBe(false);
    expect((await readdir(root)).filter((n) => n.endsWith('.building'))).toEqual([]);
  });

  it('seeds a new folder, which then holds events across a reopen', async () => {
    const dataDir = join(root, 'data-a');
    const first = await openEmbeddedStore({ dataDir, templateDir: template });
    expect(first.origin).toBe('template');
    await first.store.append('dossier-t1', [contractEvent('Opened')], { expectedRevision: 'no_stream' });
    await first.close();
    const again = await openEmbeddedStore({ dataDir, templateDir: template });
    expect(again.origin).toBe('existing');
    expect(await again.store.readStream('dossier-t1')).toHaveLength(1);
    await again.close();
  }, 60_000);

  it('copies every file and folder of the template with its mode, and not its stamp', async () => {
    const dataDir = join(root, 'data-copy');
    expect(await seedDataDir(dataDir, template)).toBe('template');
    const listing = async (dir: string) =>
      Promise.all(
        (await readdir(dir, { recursive: true })).sort().map(async (name) => {
          const s = await stat(join(dir, name));
          return { name, mode: s.mode, size: s.isFile() ? s.size : 0 };
        }),
      );
    const copied = await listing(dataDir);
    expect(copied.length).toBeGreaterThan(100);
    expect(copied).toEqual((await listing(template)).filter((e) => e.name !== 'ntm-template.json'));
  });

  it('opens a folder whose seed was begun ahead, reporting that seed, and fails with its error', async () => {
    const dataDir = join(root, 'data-ahead');
    beginSeeding(dataDir, template);
    const opened = await openEmbeddedStore({ dataDir, templateDir: template });
    expect(opened.origin).toBe('template');
    await opened.close();

    const blocked = join(root, 'data-blocked');
    await writeFile(blocked, 'a file where the folder should be');
    beginSeeding(join(blocked, 'pglite'), template);
    await expect(
      openEmbeddedStore({ dataDir: join(blocked, 'pglite'), templateDir: template }),
    ).rejects.toThrow(/ENOTDIR/);
  }, 60_000);

  it('clears what an interrupted copy left, and never touches a folder already initialised', async () => {
    const dataDir = join(root, 'data-b');
    await mkdir(`${dataDir}.seeding`, { recursive: true });
    await writeFile(join(`${dataDir}.seeding`, 'half-copied'), 'x');
    expect(await seedDataDir(dataDir, template)).toBe('template');
    await expect(stat(`${dataDir}.seeding`)).rejects.toThrow();
    expect(await seedDataDir(dataDir, template)).toBe('existing');
  });

  it('is not used for a folder holding something else, or when made by another PGlite version', async () => {
    const other = join(root, 'data-c');
    await mkdir(other, { recursive: true });
    await writeFile(join(other, 'notes.txt'), 'mine');
    expect(await seedDataDir(other, template)).toBe('initdb');
    expect(await readdir(other)).toEqual(['notes.txt']);

    const stale = join(root, 'stale-template');
    await mkdir(stale, { recursive: true });
    await writeFile(join(stale, 'ntm-template.json'), JSON.stringify({ pglite: '0.0.1' }));
    expect(await templateUsable(stale)).toBe(false);
    expect(await seedDataDir(join(root, 'data-d'), stale)).toBe('initdb');
  });

  it('adopts a folder that has been opened, with its tables, as the template new folders are copied from', async () => {
    const prepared = join(root, 'prepared');
    const opened = await openEmbeddedStore({ dataDir: prepared, templateDir: template });
    await opened.sql.exec(
      'CREATE TABLE public.made_at_build (id int); INSERT INTO public.made_at_build VALUES (7)',
    );
    await opened.close();
    const adopted = join(root, 'adopted-template');
    await adoptTemplate(prepared, adopted);
    expect(await templateUsable(adopted)).toBe(true);
    expect((await readdir(root)).filter((n) => n.endsWith('.building'))).toEqual([]);

    const fresh = await openEmbeddedStore({ dataDir: join(root, 'data-e'), templateDir: adopted });
    expect(fresh.origin).toBe('template');
    expect((await fresh.sql.query('SELECT id FROM public.made_at_build')).rows).toEqual([{ id: 7 }]);
    // initdb's template0 and template1 are dropped: a first start copies only the database the store uses.
    expect((await fresh.sql.query('SELECT datname FROM pg_database ORDER BY datname')).rows).toEqual([
      { datname: 'postgres' },
    ]);
    expect((await readdir(join(adopted, 'base'))).length).toBe(1);
    await fresh.store.append('dossier-t3', [contractEvent('Opened')], { expectedRevision: 'no_stream' });
    await fresh.close();
  }, 120_000);
});
