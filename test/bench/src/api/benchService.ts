/**
 * The dossier service as the benchmarks run it: a child process (its CPU and RSS are read from /proc) on a free
 * port, with a data folder of its own for the local token keys, a clock fixed at BENCH_NOW, no deadline sweeps
 * and no effective rate limit. `tokenFor` signs a token for a journey's actor with the service's local key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureLocalKeyPair, signLocalToken } from '@ntm/auth';
import type { DomainActor } from '@ntm/domain';
import { freePort, spawnTypeScript } from '@ntm/testing';
import { BENCH_NOW } from './benchJourneys.js';

export interface BenchService {
  baseUrl: string;
  /** the service's DATA_DIR, removed when it stops */
  dataDir: string;
  child: ChildProcess;
  tokenFor: (actor: DomainActor) => Promise<string>;
  stop: () => Promise<void>;
}

/**
 * Starts the service with `env` on top of the benchmark defaults and resolves once `/ready` answers; `entry` is
 * the compiled program to run (default the API alone, benchServer.js; the web benchmark runs ../startWebServer.js).
 */
export async function startBenchService(
  env: Record<string, string>,
  entry = 'benchServer.js',
  /** false: the caller stops the service itself on Ctrl-C or SIGTERM (and cleans up what else it made) */
  exitOnSignal = true,
): Promise<BenchService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ntm-bench-service-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof", profiles the service without touching the benchmark's process.
  const nodeArgs = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  // Run from the sources (a test under vitest, no build): the entry's .ts through the workspace's launcher.
  const fromSources = import.meta.url.endsWith('.ts');
  const options = {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
      // The scripted dossiers' deadlines fall before the fixed clock: their timers would race the clients.
      DEADLINE_TIMERS: 'off',
      RATE_LIMIT_MAX: '100000000',
      BENCH_NOW,
      ...env,
    },
    // BENCH_SERVER_STDOUT=<file> keeps the service's stdout there (V8's --trace-gc prints on stdout).
    stdio: [
      'ignore',
      process.env['BENCH_SERVER_STDOUT'] ? openSync(process.env['BENCH_SERVER_STDOUT'], 'a') : 'ignore',
      'inherit',
    ] as ['ignore', 'ignore' | number, 'inherit'],
  };
  const child = fromSources
    ? spawnTypeScript(fileURLToPath(new URL(`./${entry.replace(/\.js$/, '.ts')}`, import.meta.url)), options)
    : spawn(process.execPath, [...nodeArgs, fileURLToPath(new URL(`./${entry}`, import.meta.url))], options);
  // If the benchmark itself is interrupted, the service must not outlive it holding connections, nor its folder
  // outlive it. The handlers go when the service is stopped: a benchmark that ran a service before this one would
  // otherwise exit from the first one's handler before this one's could stop it.
  const signals = exitOnSignal ? (['SIGINT', 'SIGTERM'] as const) : [];
  const onSignal = () => {
    const gone = () => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(130);
    };
    if (child.exitCode !== null || child.signalCode !== null) gone();
    child.once('exit', gone);
    child.kill('SIGTERM');
  };
  for (const signal of signals) process.once(signal, onSignal);
  const stop = async () => {
    for (const signal of signals) process.off(signal, onSignal);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      const ready = await fetch(`${baseUrl}/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (i > 600 || child.exitCode !== null) throw new Error('the service did not become ready');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const { privateKey } = await ensureLocalKeyPair(join(dataDir, 'keys'));
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (actor: DomainActor) => {
    const key = `${actor.id}|${actor.role}|${actor.unit}`;
    let token = tokens.get(key);
    if (!token) tokens.set(key, (token = signLocalToken({ privateKey, actor, ttlSeconds: 3600 })));
    return token;
  };
  return { baseUrl, dataDir, child, tokenFor, stop };
}

/**
 * Runs a compiled entry of this package (`entry`, a URL of its .js file) as a child process with `env` on top of
 * this process's, and resolves with the first line it prints on stdout (it prints it once it serves). The child is
 * killed if the benchmark exits first.
 */
export async function startChild(entry: URL, env: Record<string, string>) {
  const child = spawn(process.execPath, [fileURLToPath(entry)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  };
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`${fileURLToPath(entry)} exited (${code})`)));
    });
    return { child, line, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
