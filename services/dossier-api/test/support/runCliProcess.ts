/** Runs one of the service's commands (src/cli/*.ts) as a child process from its TypeScript source, as CI does. */
import { fileURLToPath } from 'node:url';
import { spawnTypeScript } from '@ntm/testing';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `entry` relative to src/cli/, e.g. `replayCheck.ts`; `env` is added to the test's own environment. */
export function runCliProcess(
  entry: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<CliRun> {
  const child = spawnTypeScript(
    fileURLToPath(new URL(`../../src/cli/${entry}`, import.meta.url)),
    { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    args,
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}
