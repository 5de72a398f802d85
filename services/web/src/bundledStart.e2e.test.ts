/**
 * `pnpm start` runs the entry `pnpm build` bundles (scripts/bundleStart.mjs, ADR 0066). The bundle is made here from
 * the sources (the tests run before any build), started as `pnpm start` starts it, and asked for what needs the
 * packages it left in node_modules (swagger-ui's pages) and what it loads on first use (the OIDC provider). What it
 * loads before `/health` is read from the chunks it loaded (recorded as `lightStart.e2e.test.ts` records modules)
 * and esbuild's metafile: none of the packages the embedded default does not load to start may be among them.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleStart } from '../scripts/bundleStart.mjs';
import { loaded, NOT_AT_START, startEmbedded, stopEmbedded } from '../test/support/embeddedStart.js';

const entry = fileURLToPath(new URL('./bundledServer.ts', import.meta.url));

let dir: string;
let outdir: string;
let metafile: Metafile;
let child: ChildProcess;
let baseUrl: string;
/** the modules resolved until `/health` first answered */
let startUrls: string[];

/**
 * What the start evaluated, as far as the bundle tells: the inputs of every chunk it loaded (`urls`, recorded as the
 * process resolved them; a chunk's CommonJS modules may not all have run, so this is at most what was loaded), the
 * packages those chunks import from node_modules other than on demand, and what it imported from there by path.
 */
function loadedAtStart(meta: Metafile, urls: string[]): string[] {
  const files = urls.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  // esbuild's paths are relative to the working folder, an external import's to the chunk importing it.
  for (const [name, output] of Object.entries(meta.outputs)) {
    if (!files.includes(resolve(name))) continue;
    files.push(...Object.keys(output.inputs).map((input) => resolve(input)));
    for (const i of output.imports)
      if (i.external && i.kind !== 'dynamic-import') files.push(resolve(dirname(resolve(name)), i.path));
  }
  return files;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntm-bundled-start-'));
  outdir = join(dir, 'bundle');
  ({ metafile } = await bundleStart(entry, outdir, { sources: true }));
  ({ child, baseUrl } = await startEmbedded(dir, [join(outdir, 'bundledServer.js')]));
  startUrls = (await readFile(join(dir, 'modules.txt'), 'utf8')).split('\n');
});
afterAll(() => stopEmbedded(child, dir));

describe("pnpm start's bundled entry", () => {
  it('serves the API, its documentation and the web app', async () => {
    expect((await fetch(`${baseUrl}/ready`)).status).toBe(200);
    const docs = await fetch(`${baseUrl}/docs/json`);
    expect(docs.status).toBe(200);
    expect(((await docs.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    // swagger-ui's page and files stay in node_modules, where it finds them
    expect((await fetch(`${baseUrl}/docs`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/`)).status).toBe(200);
  });

  it('builds the embedded OIDC provider from its own chunk when a sign-in first asks for it', async () => {
    const discovery = await fetch(`${baseUrl}/oidc/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(`${baseUrl}/oidc`);
  });

  it('has loaded none of the packages the embedded default does not load to start', () => {
    const files = loadedAtStart(metafile, startUrls);
    // The reading works: what the embedded default does use is there, bundled or left in node_modules.
    expect(loaded(files, 'fastify')).toBe(true);
    expect(loaded(files, '@electric-sql+pglite')).toBe(true);
    // Except OpenTelemetry's API: none of the engine's code loads it without traces, but prom-client's process
    // metrics require it (CommonJS, which the start from the sources loads too, unseen by its hook on ES modules).
    const notAtStart = NOT_AT_START.filter((pkg) => pkg !== '@opentelemetry+api');
    expect(notAtStart.filter((pkg) => loaded(files, pkg))).toEqual([]);
  });
});
