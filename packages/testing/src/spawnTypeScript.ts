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

/** Resolves with the exit code once the child has exited (at once if it already has). */
export async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise((resolve) => child.once('exit', resolve));
  }
  return child.exitCode;
}

/**
 * Resolves when the child (started with `stdio[1]: 'pipe'`) has written `text` to its stdout, e.g. a service's
 * "worker ready" log line; fails if it exits first or after `ms` (a bound, not a timing assumption). Its stdout is
 * kept flowing, so the child never blocks on a full pipe.
 */
export async function outputSeen(child: ChildProcess, text: string, ms = 90_000): Promise<void> {
  let seen = '';
  child.stdout!.on('data', (chunk) => {
    seen += String(chunk);
  });
  const deadline = Date.now() + ms;
  while (!seen.includes(text)) {
    if (child.exitCode !== null) throw new Error(`the child exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
