/**
 * Starts a TypeScript entry point of the workspace (a service's `worker.ts`, `server.ts`, …) in its own Node
 * process, without a build, so a test can signal, kill and restart a real service process. The child runs
 * `scripts/run-ts.mjs`, which resolves `@ntm/*` to the packages' `src/*.ts` exactly as vitest does (the aliases of
 * the root vitest.config.ts); see docs/testing.md.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The same relative path from src/ (tests) and dist/ (built): both sit one level below the package.
const launcher = fileURLToPath(new URL('../scripts/run-ts.mjs', import.meta.url));

/**
 * `entry` is an absolute path to a `.ts` file (e.g. `fileURLToPath(new URL('./worker.ts', import.meta.url))`);
 * `args` reach it as `process.argv.slice(2)`, as with `node entry.js args…`.
 */
export function spawnTypeScript(
  entry: string,
  options: SpawnOptions = {},
  args: readonly string[] = [],
): ChildProcess {
  return spawn(process.execPath, [launcher, entry, ...args], options);
}
