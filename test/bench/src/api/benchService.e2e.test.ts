import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exited, spawnTypeScript } from '@ntm/testing';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a benchmark interrupted while its service runs', () => {
  it('stops the service and removes its folder, also when another service ran before it', async () => {
    const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
    const bench = spawnTypeScript(fileURLToPath(new URL('./twoServices.fixture.ts', import.meta.url)), {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: bench.stdout! }).once('line', resolve);
      bench.once('exit', (code) => reject(new Error(`the fixture exited (${code})`)));
    });
    const { pid, dataDir } = JSON.parse(line) as { pid: number; dataDir: string };
    expect(alive(pid)).toBe(true);
    expect(existsSync(dataDir)).toBe(true);

    bench.kill('SIGINT');

    expect(await exited(bench)).toBe(130);
    expect(alive(pid)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });
});
