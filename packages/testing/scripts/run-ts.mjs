// Runs a TypeScript entry point of the workspace in this process, without a build: `node run-ts.mjs <file.ts>`.
// Tests use it (through spawnTypeScript in @ntm/testing) to start real service processes they can signal and kill.
//
// Why a vite module runner and not Node: Node 20 cannot load TypeScript, and the sources import each other by
// `.js` names and by package name (`@ntm/store-postgres`), whose `exports` point at `dist/`, which a fresh clone
// does not have. So the entry runs through the same vite resolution as the tests themselves: the server is
// created from the repository's vitest.config.ts, whose aliases map every `@ntm/*` to `packages/*/src/*.ts`.
// Files reached through an alias are outside node_modules, so the runner inlines (transforms) them; third-party
// packages (pg, bullmq, …) stay external and load natively. (vite's `runnerImport` cannot do this: it ignores
// the config file and externalises every bare import, which is how `@ntm/*` ended up in the missing `dist/`.)
import { fileURLToPath } from 'node:url';
import { createServer, createServerModuleRunner } from 'vite';

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node run-ts.mjs <file.ts>');
  process.exit(2);
}
// The entry sees the arguments as if Node had run it directly: process.argv = [node, entry, ...its arguments].
process.argv.splice(1, 2, entry);
const server = await createServer({
  configFile: fileURLToPath(new URL('../../../vitest.config.ts', import.meta.url)),
  logLevel: 'silent',
  appType: 'custom',
  // No HTTP server, no file watcher, no HMR: nothing of vite keeps the process alive once the entry is done.
  server: { middlewareMode: true, watch: null, hmr: false, ws: false },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
await runner.import(entry);
