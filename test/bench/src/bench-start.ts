/**
 * `pnpm bench:start` (issue 16, goal 4; ADR 0029): the embedded default as `pnpm start` runs it (API and web app,
 * PGlite under a data folder), measured from the process's spawn to the first 200 of `/health`:
 *   1. on a fresh data folder (copied from the build's template),
 *   2. its RSS after the demo journeys (scripted commune dossiers driven to their decision over HTTP),
 *   3. restarted on the same folder — the baseline of the same run: a fresh start can be no faster than a restart,
 *   4. and, as the second baseline, what the fresh start used to cost: PGlite's initdb alone into an empty folder.
 * Goals: fresh start ≤ 3 s and ≤ 1.3 × the restart; RSS after the journeys < 300 MB. Runs `--runs N` times (default
 * 3) and prints one JSON line at the end. Interrupting it stops the service and removes its folders.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureLocalKeyPair, signLocalToken } from '@ntm/auth';
import type { DomainActor } from '@ntm/domain';
import { freePort, sendCommand } from '@ntm/testing';
import { benchCommunes, journeyFor } from './api/benchJourneys.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { runs: { type: 'string', default: '3' }, journeys: { type: 'string', default: '10' } },
});
const RUNS = Number(values.runs);
const JOURNEYS = Number(values.journeys);
const GOAL_FRESH_MS = 3000;
const GOAL_FRESH_VS_RESTART = 1.3;
const GOAL_RSS_MB = 300;

const folders: string[] = [];
let running: ChildProcess | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    running?.kill('SIGKILL');
    void Promise.all(folders.map((f) => rm(f, { recursive: true, force: true }))).then(() =>
      process.exit(130),
    );
  });

const rssMb = async (pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS') => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
};

/** Spawns the service on `dataDir` and resolves when `/health` first answers 200, with the time from the spawn. */
async function start(dataDir: string): Promise<{ child: ChildProcess; baseUrl: string; ms: number }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  // The entry as `pnpm build` bundles it, as `pnpm start` runs its own (ADR 0066).
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./bundle/startWebServer.js', import.meta.url))],
    {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  running = child;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    const ok = await fetch(`${baseUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, baseUrl, ms: performance.now() - t0 };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

/** Drives `JOURNEYS` scripted commune dossiers to their decision, one after another, like a demo session. */
async function demoJourneys(baseUrl: string, dataDir: string): Promise<void> {
  const { privateKey } = await ensureLocalKeyPair(join(dataDir, 'keys'));
  const token = (actor: DomainActor) => signLocalToken({ privateKey, actor, ttlSeconds: 3600 });
  for (const { commune, district } of benchCommunes().slice(0, JOURNEYS)) {
    const cursor: { dossierId?: string; etag?: string } = {};
    for (const step of journeyFor(commune, district)) {
      const answer = await sendCommand({
        baseUrl,
        token: await token(step.ctx.actor),
        command: step.command,
        dossierId: cursor.dossierId,
        etag: cursor.etag,
      });
      if (answer.status >= 300)
        throw new Error(`${step.command.type}: ${answer.status} ${JSON.stringify(answer.body)}`);
      cursor.dossierId = answer.body['dossierId'] as string;
      cursor.etag = answer.etag ?? undefined;
    }
  }
}

/** PGlite's initdb alone into an empty folder, in a child process: what a fresh start cost before the template. */
async function initdbAlone(dir: string): Promise<{ ms: number; rssMb: number }> {
  const script = `
    const { PGlite } = await import('@electric-sql/pglite');
    const t0 = performance.now();
    const db = await PGlite.create(${JSON.stringify(dir)});
    await db.query('select 1');
    const ms = performance.now() - t0;
    process.stdout.write(JSON.stringify({ ms, rssMb: process.memoryUsage().rss / 1048576 }));
    await db.close();`;
  const cwd = fileURLToPath(new URL('../../../packages/store-embedded/', import.meta.url));
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.parse(out) as { ms: number; rssMb: number };
}

const round = (n: number, d = 0) => Number(n.toFixed(d));
const runs: Record<string, number>[] = [];
for (let run = 1; run <= RUNS; run++) {
  const root = await mkdtemp(join(tmpdir(), 'ntm-bench-start-'));
  folders.push(root);
  const dataDir = join(root, 'data');
  const fresh = await start(dataDir);
  const freshRss = await rssMb(fresh.child.pid!);
  await demoJourneys(fresh.baseUrl, dataDir);
  const afterJourneys = await rssMb(fresh.child.pid!);
  const peak = await rssMb(fresh.child.pid!, 'VmHWM');
  await stop(fresh.child);
  const restart = await start(dataDir);
  const restartRss = await rssMb(restart.child.pid!);
  await stop(restart.child);
  const initdb = await initdbAlone(join(root, 'initdb'));
  await rm(root, { recursive: true, force: true });
  const row = {
    freshMs: round(fresh.ms),
    restartMs: round(restart.ms),
    initdbAloneMs: round(initdb.ms),
    freshVsRestart: round(fresh.ms / restart.ms, 2),
    freshRssMb: round(freshRss),
    rssAfterJourneysMb: round(afterJourneys),
    peakRssMb: round(peak),
    restartRssMb: round(restartRss),
    initdbAloneRssMb: round(initdb.rssMb),
  };
  runs.push(row);
  process.stderr.write(`run ${run}/${RUNS}: ${JSON.stringify(row)}\n`);
}

const worst = (key: string) => Math.max(...runs.map((r) => r[key]!));
process.stdout.write(
  `${JSON.stringify({
    bench: 'start',
    runs,
    journeys: JOURNEYS,
    goals: {
      freshMs: { worst: worst('freshMs'), goal: GOAL_FRESH_MS, met: worst('freshMs') <= GOAL_FRESH_MS },
      freshVsRestart: {
        worst: worst('freshVsRestart'),
        goal: GOAL_FRESH_VS_RESTART,
        met: worst('freshVsRestart') <= GOAL_FRESH_VS_RESTART,
      },
      rssAfterJourneysMb: {
        worst: worst('rssAfterJourneysMb'),
        goal: GOAL_RSS_MB,
        met: worst('rssAfterJourneysMb') < GOAL_RSS_MB,
      },
    },
  })}\n`,
);
