/**
 * A fresh PGlite data folder from a template (ADR 0029). Creating a database runs initdb inside WASM: 6-10 s and a
 * process left at 700-850 MB RSS, while reopening an initialised folder takes about a second. So `pnpm build` runs
 * initdb once into a template folder beside the compiled code, and a first start copies it (about 500 files, 25 MB,
 * once the template's spare databases are dropped) instead. Without a template (tests run from the sources, before any build) initdb runs as before.
 */
import { chmod, copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/** Where `pnpm build` leaves the template: beside the compiled module (absent when running from `src`). */
export const DEFAULT_TEMPLATE_DIR = fileURLToPath(new URL('./pgdata-template/', import.meta.url));
const MARKER = 'ntm-template.json';

/**
 * PostgreSQL settings of the embedded database. shared_buffers 16 MB instead of PostgreSQL's 128 MB: the WASM heap
 * holds the whole buffer pool, and a demo-sized database fits in 16 MB; measured in ADR 0029 (about 110 MB less RSS).
 */
export const EMBEDDED_POSTGRESQL_CONF: readonly string[] = ['shared_buffers=16MB'];

/** The installed PGlite version: a template made by another version is not used. */
export async function pgliteVersion(): Promise<string> {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const file = join(dir, 'package.json');
    const found = await readFile(file, 'utf8').catch(() => undefined);
    if (found !== undefined) {
      const pkg = JSON.parse(found) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the installed @electric-sql/pglite version');
    dir = parent;
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Whether `templateDir` holds a template made by the installed PGlite. */
export async function templateUsable(templateDir: string): Promise<boolean> {
  const marker = await readFile(join(templateDir, MARKER), 'utf8').catch(() => undefined);
  if (marker === undefined) return false;
  return (JSON.parse(marker) as { pglite?: string }).pglite === (await pgliteVersion());
}

/**
 * Fills a temporary sibling of `target` (`<target><suffix>`, cleared first) with `fill`, then puts it in the place of
 * `target` with one rename: an interruption leaves `target` as it was and a sibling the next call clears.
 */
async function intoPlace(
  target: string,
  suffix: string,
  fill: (work: string) => Promise<void>,
): Promise<void> {
  const work = `${target.replace(/\/+$/, '')}${suffix}`;
  await rm(work, { recursive: true, force: true });
  try {
    await fill(work);
    await rm(target, { recursive: true, force: true });
    await rename(work, target);
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}

const stamp = async (work: string) =>
  writeFile(join(work, MARKER), JSON.stringify({ pglite: await pgliteVersion() }));

/** Files copied at once: enough to keep libuv's four threads busy while the event loop waits for the others. */
const COPIES_AT_ONCE = 8;

/**
 * Copies a data folder (directories and regular files only, as PostgreSQL leaves it) without the template's stamp.
 * Not `fs.cp`: it copies one file at a time with several checks each, and a template is about 1,100 files, so a
 * first start waited on thousands of thread-pool round trips in a row (1.6-2.6 s at load 11, against 0.5-0.7 s
 * copied eight at a time, and half the CPU; docs/benchmarks.md).
 */
async function copyFolder(from: string, to: string): Promise<void> {
  const entries = await readdir(from, { recursive: true, withFileTypes: true });
  const relativePath = (e: (typeof entries)[number]) => relative(from, join(e.parentPath, e.name));
  const odd = entries.find((e) => !e.isDirectory() && !e.isFile());
  if (odd) throw new Error(`cannot copy ${join(odd.parentPath, odd.name)}: neither a file nor a directory`);
  for (const dir of ['', ...entries.filter((e) => e.isDirectory()).map(relativePath)]) {
    await mkdir(join(to, dir), { recursive: true });
    await chmod(join(to, dir), (await stat(join(from, dir))).mode & 0o7777);
  }
  const files = entries
    .filter((e) => e.isFile() && e.name !== MARKER)
    .map(relativePath)
    .sort();
  let next = 0;
  const copier = async () => {
    // copyFile keeps each file's mode.
    for (let file = files[next++]; file !== undefined; file = files[next++])
      await copyFile(join(from, file), join(to, file));
  };
  await Promise.all(Array.from({ length: COPIES_AT_ONCE }, copier));
}

/**
 * Makes the template (initdb into a temporary sibling, then one rename, so an interrupted build leaves no
 * half-made template). Does nothing when a usable one is there. Returns whether it made one.
 */
export async function buildTemplate(templateDir = DEFAULT_TEMPLATE_DIR): Promise<boolean> {
  if (await templateUsable(templateDir)) return false;
  await intoPlace(templateDir, '.building', async (work) => {
    await mkdir(work, { recursive: true });
    const db = await PGlite.create(work, { postgresqlconf: [...EMBEDDED_POSTGRESQL_CONF] });
    await db.query('select 1');
    await db.close();
    await stamp(work);
  });
  return true;
}

/**
 * Drops initdb's `template0` and `template1` from a data folder: the embedded store only ever uses `postgres`, and
 * their 600 files (of about 1,100) were copied on every first start, on its critical path (ADR 0029, amended
 * 04/12/2026). Without them the embedded database cannot `CREATE DATABASE`, which nothing here does.
 */
async function dropSpareDatabases(dataDir: string): Promise<void> {
  const db = await PGlite.create(dataDir, { postgresqlconf: [...EMBEDDED_POSTGRESQL_CONF] });
  try {
    const spare = await db.query<{ datname: string }>(
      "select datname from pg_database where datname in ('template0', 'template1')",
    );
    for (const { datname } of spare.rows) {
      // A template database cannot be dropped; DROP DATABASE runs outside a transaction, one statement a call.
      await db.query(`alter database ${datname} is_template false`);
      await db.query(`drop database ${datname}`);
    }
  } finally {
    await db.close();
  }
}

/**
 * Makes `dataDir`, a data folder PGlite has opened and closed, the template (spare databases dropped, copied,
 * stamped, renamed into place). `pnpm build` uses it to keep the engine's tables in the template (ADR 0029,
 * amended), so that a first start does not create them.
 */
export async function adoptTemplate(dataDir: string, templateDir = DEFAULT_TEMPLATE_DIR): Promise<void> {
  await dropSpareDatabases(dataDir);
  await intoPlace(templateDir, '.building', async (work) => {
    await copyFolder(dataDir, work);
    await stamp(work);
  });
}

/**
 * Prepares `dataDir` for PGlite: an initialised folder is left alone; a missing or empty one is filled from the
 * template when a usable one exists (copied to a `.seeding` sibling and renamed into place, so a crash mid-copy
 * leaves no half-initialised folder). Returns how the folder came to be.
 */
export async function seedDataDir(
  dataDir: string,
  templateDir = DEFAULT_TEMPLATE_DIR,
): Promise<'existing' | 'template' | 'initdb'> {
  if (await exists(join(dataDir, 'PG_VERSION'))) return 'existing';
  const entries = await readdir(dataDir).catch(() => [] as string[]);
  if (entries.length > 0 || !(await templateUsable(templateDir))) {
    await mkdir(dataDir, { recursive: true });
    return 'initdb';
  }
  await intoPlace(dataDir, '.seeding', (work) => copyFolder(templateDir, work));
  return 'template';
}

/** Seeds begun ahead of their folder's open, by folder. */
const begun = new Map<string, Promise<'existing' | 'template' | 'initdb'>>();

/**
 * Begins `seedDataDir` now, so that a first start copies the template while the rest of the service loads
 * (`pnpm start` calls it before importing the service); the next `openEmbeddedStore` of the folder waits for this
 * seed, and fails with its error, instead of seeding again.
 */
export function beginSeeding(dataDir: string, templateDir = DEFAULT_TEMPLATE_DIR): void {
  const seeding = seedDataDir(dataDir, templateDir);
  // Not unhandled while nothing waits for it yet: the open that takes it reports the error.
  seeding.catch(() => undefined);
  begun.set(resolve(dataDir), seeding);
}

/** The seed begun for `dataDir` (taken: a later open seeds again), or a new one. */
export function seedOnce(
  dataDir: string,
  templateDir = DEFAULT_TEMPLATE_DIR,
): Promise<'existing' | 'template' | 'initdb'> {
  const key = resolve(dataDir);
  const seeding = begun.get(key);
  begun.delete(key);
  return seeding ?? seedDataDir(dataDir, templateDir);
}
