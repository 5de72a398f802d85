/**
 * A fresh PGlite data folder from a template (ADR 0029). Creating a database runs initdb inside WASM: 6-10 s and a
 * process left at 700-850 MB RSS, while reopening an initialised folder takes about a second. So `pnpm build` runs
 * initdb once into a template folder beside the compiled code, and a first start copies it (about 0.5 s for its
 * 39 MB) instead. Without a template (tests run from the sources, before any build) initdb runs as before.
 */
import { cp, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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

/** Copies a data folder without the template's stamp. */
const copyFolder = (from: string, to: string) =>
  cp(from, to, { recursive: true, filter: (src) => !src.endsWith(MARKER) });

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
 * Makes `dataDir`, a data folder PGlite has opened and closed, the template (copied, stamped, renamed into place).
 * `pnpm build` uses it to keep the engine's tables in the template (ADR 0029, amended), so that a first start does
 * not create them.
 */
export async function adoptTemplate(dataDir: string, templateDir = DEFAULT_TEMPLATE_DIR): Promise<void> {
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
