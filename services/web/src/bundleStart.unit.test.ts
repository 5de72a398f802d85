/** The rules of `pnpm start`'s bundle (scripts/bundleStart.mjs, ADR 0066). */
import { describe, expect, it } from 'vitest';
import { keepOwnUrl, packageOf, packagesLeftOut, PLACE_BOUND } from '../scripts/bundleStart.mjs';

describe("pnpm start's bundle", () => {
  it('tells a package file from the workspace’s own', () => {
    expect(packageOf('/r/node_modules/.pnpm/pino@10.4.0/node_modules/pino/lib/transport.js')).toBe(
      '/r/node_modules/.pnpm/pino@10.4.0/node_modules/pino/',
    );
    expect(
      packageOf('/r/node_modules/.pnpm/@fastify+swagger@9.9.3_x/node_modules/@fastify/swagger/index.js'),
    ).toBe('/r/node_modules/.pnpm/@fastify+swagger@9.9.3_x/node_modules/@fastify/swagger/');
    expect(packageOf('/r/packages/store-embedded/dist/dataDirTemplate.js')).toBeUndefined();
  });

  it('finds code that looks for files beside itself', () => {
    for (const code of [
      "join(__dirname, 'worker.js')",
      'readFileSync(__filename)',
      "new URL('./x.wasm', import.meta.url)",
      "require.resolve('./lib/worker.js')",
      'import.meta.dirname',
    ])
      expect(PLACE_BOUND.test(code)).toBe(true);
    expect(PLACE_BOUND.test("const dirname = require('node:path').dirname")).toBe(false);
  });

  it('gives the workspace’s import.meta.url the URL of the file it came from', () => {
    const file = '/r/packages/store-embedded/dist/dataDirTemplate.js';
    const code = keepOwnUrl(
      "const t = new URL('./pgdata-template/', import.meta.url);",
      file,
      '/r/services/web/dist/bundle',
    );
    expect(code).toBe(
      'const t = new URL(\'./pgdata-template/\', new URL("../../../../packages/store-embedded/dist/dataDirTemplate.js", import.meta.url).href);',
    );
    // Evaluated in a chunk of the bundle's folder, it is the compiled file's own URL again.
    const chunk = 'file:///r/services/web/dist/bundle/chunk-X.js';
    expect(new URL('../../../../packages/store-embedded/dist/dataDirTemplate.js', chunk).href).toBe(
      `file://${file}`,
    );
  });

  it('leaves out a place-bound package with everything it imports, and only that', () => {
    const imports = new Map([
      ['fastify', new Set(['pino', 'avvio'])],
      ['pino', new Set(['thread-stream', 'sonic-boom'])],
      ['thread-stream', new Set(['real-require'])],
      ['avvio', new Set(['fastq'])],
    ]);
    expect([...packagesLeftOut(['pino'], imports)].sort()).toEqual([
      'pino',
      'real-require',
      'sonic-boom',
      'thread-stream',
    ]);
  });
});
