// One runner, three tiers chosen by file name: *.unit.test.ts (pure), *.int.test.ts (real PostgreSQL/Redis),
// *.e2e.test.ts (the whole system over HTTP). Workspace packages resolve to their TypeScript sources so the
// tests never depend on a stale build.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const alias = [
  // Services are not packages: the ones imported by name are mapped explicitly, before the generic rules.
  { find: /^@ntm\/(projector|dossier-api|web)$/, replacement: `${root}services/$1/src/index.ts` },
  { find: /^@ntm\/([a-z0-9-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
  { find: /^@ntm\/([a-z0-9-]+)\/(.+)$/, replacement: `${root}packages/$1/src/$2.ts` },
];
const tier = (name: string, timeout: number) => ({
  extends: true as const,
  test: {
    name,
    include: [`**/*.${name}.test.ts`],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: timeout,
  },
});

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [tier('unit', 20_000), tier('int', 120_000), tier('e2e', 180_000)],
    hookTimeout: 120_000,
    // vitest's default for a run is one worker fewer than the cores: one on a 2-core machine, and most of the
    // suite's wall time is then spent waiting on the database, Redis and the service processes it starts. Two
    // files at once on 2 cores measured 495 s against 771 s for the whole suite (03/12/2026, quiet machine).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
