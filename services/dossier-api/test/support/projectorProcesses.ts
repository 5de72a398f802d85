/**
 * The projector's processes (dispatcher, worker) as the real processes they are, for the e2e tests that need them
 * beside an in-process API: started from their TypeScript entry points, stopped with SIGTERM (SIGKILL after 10 s).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { spawnTypeScript } from '@ntm/testing';

/**
 * Starts a TypeScript entry point (`file`, a path or file URL) as its own process and resolves once its output
 * satisfies `ready`; rejects if it exits first.
 */
export async function spawnService(
  file: string | URL,
  env: Record<string, string>,
  ready: (output: string) => boolean,
): Promise<ChildProcess> {
  const child = spawnTypeScript(fileURLToPath(file), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    // Kept flowing for the child's whole life, so that it never blocks on a full pipe.
    child.stdout!.on('data', (chunk) => {
      output += String(chunk);
      if (ready(output)) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`${String(file)} exited (${code}) before it was ready: ${output}`)),
    );
  });
  return child;
}

/**
 * Starts a projector process (`dispatcher` or `worker`) from its TypeScript entry point, as the projector's own
 * tests do, and resolves once it logs `readyLine`.
 */
export function spawnProjector(
  entry: 'dispatcher' | 'worker',
  env: Record<string, string>,
  readyLine: string,
): Promise<ChildProcess> {
  return spawnService(new URL(`../../../projector/src/${entry}.ts`, import.meta.url), env, (output) =>
    output.includes(readyLine),
  );
}

/** SIGTERM, then waits for the exit (bounded: SIGKILL after 10 s). */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
