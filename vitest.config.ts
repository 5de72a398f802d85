// One runner, three tiers chosen by file name: *.unit.test.ts (pure), *.int.test.ts (real PostgreSQL/Redis),
// *.e2e.test.ts (the whole system over HTTP). Workspace packages resolve to their TypeScript sources so the
// tests never depend on a stale build.
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
  },
});
