/**
 * `pnpm bench:api`: the API under load on the local PostgreSQL, in schemas of its own (dropped afterwards).
 * The service runs as a child process (its RSS is sampled from /proc); 16 clients each take communes of the
 * country (Bắc Kạn's first) in turn and drive a commune NTM dossier through the whole 2022 procedure. Like a real
 * client, a user who takes the dossier over from someone else reads it first (GET, for its state and ETag); a user
 * who goes on with their own work sends the ETag of their previous reply. Then, in the same run and with the
 * service stopped, two baselines at the same concurrency: the store's raw append rate (16 writers, one single-event
 * conditional append each at a time) and the HTTP floor, the same appends through a bare Fastify route
 * (floorServer.ts) driven by the same kind of clients. The last line printed is one JSON object with the figures.
 *
 * The clients use undici's `Pool` (keep-alive, no WHATWG streams) rather than `fetch`: the clients share the
 * two cores with the service and PostgreSQL, and `fetch` cost more CPU per request than the service itself.
 *
 * Every side is measured warm (ADR 0069): V8 optimises a function after it has run some thousands of times, so
 * each side first does, untimed, as many requests as it takes to reach its steady rate (measured: the service's
 * CPU per command fell from 0.58 ms after 688 warm-up commands to 0.30 ms after 8,600, the floor server's per
 * append from 0.14 ms after 480 to 0.06 ms after 3,200). A count, not a time: JIT tiers up by calls, whatever
 * the machine's speed.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { openPostgresStore } from '@ntm/store-postgres';
import { dossierStreamId } from '@ntm/event-store';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { commandPath, freePort } from '@ntm/testing';
import { journeyTo, nationalBenchCommunes } from './benchJourneys.js';
import { startBenchService, startChild } from './benchService.js';
import { cpuShares, cpuSnapshot, pidsOf, type Parts } from './processCpu.js';
import { expectedAt, rawEvent } from './rawAppend.js';

const CLIENTS = 16;
const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** timed appends per writer of each baseline (raw store, HTTP floor), after RAW_WARMUP_PER_WRITER untimed ones */
const RAW_APPENDS_PER_WRITER = Number(process.env['BENCH_RAW_APPENDS'] ?? 1000);
const RAW_WARMUP_PER_WRITER = Number(process.env['BENCH_RAW_WARMUP'] ?? 500);
/** measured dossiers (43 commands each), after WARMUP_DOSSIERS untimed ones */
const DOSSIERS = Number(process.env['BENCH_DOSSIERS'] ?? 128);
const WARMUP_DOSSIERS = Number(process.env['BENCH_WARMUP_DOSSIERS'] ?? 200);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/**
 * Appends per second of CLIENTS writers, each to a stream of its own, one single-event conditional append at a
 * time; each writer's first RAW_WARMUP_PER_WRITER appends warm up and are not timed. With `parts`, also the share
 * of a core each part used over the timed appends.
 */
async function appendRate(
  append: (writer: number, i: number) => Promise<unknown>,
  parts?: Parts,
): Promise<{ perSecond: number; cpuShare: Record<string, number> | undefined }> {
  let cpuBefore: ReturnType<typeof cpuSnapshot> | undefined;
  const warmup = RAW_WARMUP_PER_WRITER;
  let started = 0;
  let warmWriters = 0;
  let allWarm: () => void = () => undefined;
  const warm = new Promise<void>((resolve) => (allWarm = resolve));
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, w) => {
      for (let i = 0; i < warmup + RAW_APPENDS_PER_WRITER; i++) {
        if (i === warmup) {
          warmWriters += 1;
          if (warmWriters === CLIENTS) {
            started = performance.now();
            cpuBefore = parts && cpuSnapshot(parts);
            allWarm();
          }
          await warm;
        }
        await append(w, i);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: (CLIENTS * RAW_APPENDS_PER_WRITER) / seconds,
    cpuShare: parts && cpuBefore && cpuShares(cpuBefore, cpuSnapshot(parts), seconds),
  };
}

/**
 * The HTTP floor (floorServer.ts) driven by the same kind of clients as the service; with the share of a core its
 * server, its clients and PostgreSQL used, to set beside the service's (what one request costs each side).
 */
async function httpFloorRate(
  schema: string,
): Promise<{ perSecond: number; cpuShare: Record<string, number> | undefined }> {
  const port = await freePort();
  const floor = await startChild(new URL('./floorServer.js', import.meta.url), {
    DATABASE_URL,
    DATABASE_SCHEMA: schema,
    PORT: String(port),
  });
  try {
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CLIENTS, pipelining: 1 });
    const rate = await appendRate(
      async (w, i) => {
        const answer = await pool.request({
          method: 'POST',
          path: `/floor/writer-${w}`,
          headers: { 'if-match': String(i), 'content-type': 'application/json' },
          body: '{}',
        });
        await answer.body.json();
        if (answer.statusCode !== 200) throw new Error(`the floor server answered ${answer.statusCode}`);
      },
      { server: () => [floor.child.pid!], clients: () => [process.pid], postgres: () => pidsOf('postgres') },
    );
    await pool.close();
    return rate;
  } finally {
    await floor.stop();
  }
}

/**
 * Both sides fill the cores, so each one's rate is about the CPU there is over the CPU one request costs it (all its
 * parts), and `apiToFloor` about the ratio of the two costs (docs/benchmarks.md, "the ratio is the ratio of CPU per
 * request"). `apiToFloorByCpu` is that ratio, to set beside the measured one; `apiToFloorIfServiceFree` the same with
 * the service's own part left out: about the most `apiToFloor` could be on this machine if the service cost nothing,
 * while its clients and PostgreSQL do the work a command asks of them.
 */
function apiToFloorByCpu(
  command: Record<string, number | null>,
  floor: Record<string, number | null> | undefined,
): { apiToFloorByCpu: number | null; apiToFloorIfServiceFree: number | null } {
  const sum = (parts: (number | null | undefined)[]) =>
    parts.every((p) => typeof p === 'number') ? parts.reduce((a, b) => a + b, 0) : null;
  const floorMs = floor && sum([floor['server'], floor['clients'], floor['postgres']]);
  const withoutService = sum([command['clients'], command['postgres']]);
  const commandMs = sum([command['service'], withoutService]);
  if (floorMs == null || withoutService == null || commandMs == null)
    return { apiToFloorByCpu: null, apiToFloorIfServiceFree: null };
  return {
    apiToFloorByCpu: round(floorMs / commandMs, 3),
    apiToFloorIfServiceFree: round(floorMs / withoutService, 3),
  };
}

async function main(): Promise<void> {
  const suffix = randomUUID().replaceAll('-', '').slice(0, 10);
  const schema = `bench_api_${suffix}`;
  const rawSchema = `bench_raw_${suffix}`;
  const floorSchema = `bench_floor_${suffix}`;
  const readModelSchema = `bench_rm_${suffix}`;
  const redisPrefix = `bench-api-${suffix}`;

  const service = await startBenchService({
    DATABASE_URL,
    DATABASE_SCHEMA: schema,
    READ_MODEL_SCHEMA: readModelSchema,
    // With REDIS_URL the service opens the projector's queues: under a prefix of the run's own, removed after.
    BULLMQ_PREFIX: redisPrefix,
  });
  const { child, tokenFor } = service;
  let peakRss = 0;
  const sampler = setInterval(() => {
    void rssKiB(child.pid!).then((kib) => (peakRss = Math.max(peakRss, kib)));
  }, 100);

  const admin = await openPostgresStore({
    connectionString: DATABASE_URL,
    schema: rawSchema,
    maxConnections: CLIENTS + 2,
  });
  try {
    // One dossier per commune: the first WARMUP_DOSSIERS communes warm the service up (its JIT, pools and caches;
    // not measured), the next DOSSIERS are measured. The country's communes, Bắc Kạn's first: Bắc Kạn's 95 are
    // too few for a warm-up that reaches the steady rate.
    const communes = nationalBenchCommunes();
    const warmup = communes.slice(0, WARMUP_DOSSIERS);
    const measured = communes.slice(WARMUP_DOSSIERS, WARMUP_DOSSIERS + DOSSIERS);

    const pool = new Pool(service.baseUrl, { connections: CLIENTS, pipelining: 1 });
    const writeLatencies: number[] = [];
    const readLatencies: number[] = [];
    let failures = 0;
    let plan = warmup;
    let next = 0;
    const client = async () => {
      for (let job = next++; job < plan.length; job = next++) {
        const commune = plan[job]!;
        let dossierId: string | undefined;
        let etag: string | undefined;
        let previousActor: string | undefined;
        for (const step of journeyTo(commune)) {
          const token = await tokenFor(step.ctx.actor);
          const authorization = `Bearer ${token}`;
          if (dossierId !== undefined && step.ctx.actor.id !== previousActor) {
            const t0 = performance.now();
            const read = await pool.request({
              method: 'GET',
              path: `/dossiers/${dossierId}`,
              headers: { authorization },
            });
            await read.body.arrayBuffer();
            readLatencies.push(performance.now() - t0);
            etag = read.headers['etag'] as string | undefined;
          }
          previousActor = step.ctx.actor.id;
          const { type, dossierId: _omit, ...body } = step.command;
          const t0 = performance.now();
          const answer = await pool.request({
            method: 'POST',
            path: commandPath(type, dossierId),
            headers: {
              authorization,
              'content-type': 'application/json',
              ...(etag === undefined ? {} : { 'if-match': etag }),
            },
            body: JSON.stringify(body),
          });
          const reply = (await answer.body.json()) as Record<string, unknown>;
          writeLatencies.push(performance.now() - t0);
          if (answer.statusCode >= 300) {
            failures += 1;
            process.stderr.write(
              `${type} on ${commune.commune}: ${answer.statusCode} ${JSON.stringify(reply)}\n`,
            );
            break;
          }
          dossierId = reply['dossierId'] as string;
          etag = answer.headers['etag'] as string | undefined;
        }
      }
    };
    const warmStarted = performance.now();
    process.stderr.write(`warm-up: ${warmup.length} dossiers, untimed\n`);
    await Promise.all(Array.from({ length: CLIENTS }, client));
    if (failures > 0) throw new Error('the warm-up failed');
    const warmSeconds = (performance.now() - warmStarted) / 1000;
    process.stderr.write(
      `warm-up: ${writeLatencies.length} commands in ${warmSeconds.toFixed(1)} s (${Math.round(writeLatencies.length / warmSeconds)}/s); measuring ${measured.length} dossiers\n`,
    );
    plan = measured;
    next = 0;
    writeLatencies.length = 0;
    readLatencies.length = 0;
    const started = performance.now();
    const parts: Parts = {
      service: () => [child.pid!],
      clients: () => [process.pid],
      postgres: () => pidsOf('postgres'),
    };
    const cpuBefore = cpuSnapshot(parts);
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const apiSeconds = (performance.now() - started) / 1000;
    // How much of a core the service itself used: tells a CPU-bound service from one waiting on a shared machine.
    /** share of one core used by the service, the 16 clients and PostgreSQL while the commands ran */
    const cpuShare = cpuShares(cpuBefore, cpuSnapshot(parts), apiSeconds);
    const serviceCpuSeconds = cpuShare['service']! * apiSeconds;
    await pool.close();

    clearInterval(sampler);
    // The baselines run with the service stopped, on a machine as quiet as the service found it.
    await service.stop();
    process.stderr.write(
      `baselines, ${CLIENTS} writers, ${RAW_WARMUP_PER_WRITER} untimed + ${RAW_APPENDS_PER_WRITER} timed appends each: the raw store, then the HTTP floor\n`,
    );
    const { perSecond: rawRate } = await appendRate((w, i) =>
      admin.store.append(dossierStreamId(`raw-${w}`), [rawEvent()], { expectedRevision: expectedAt(i) }),
    );
    const { perSecond: floorRate, cpuShare: floorCpuShare } = await httpFloorRate(floorSchema);
    /** CPU ms of one part per request: a share of a core over a rate */
    const msPerRequest = (share: number | undefined, perSecond: number) =>
      share === undefined ? null : round((share * 1000) / perSecond, 3);

    writeLatencies.sort((a, b) => a - b);
    readLatencies.sort((a, b) => a - b);
    const commandsPerSecond = writeLatencies.length / apiSeconds;
    const cpuMsPerCommand = Object.fromEntries(
      Object.entries(cpuShare).map(([part, share]) => [part, msPerRequest(share, commandsPerSecond)]),
    );
    const floorCpuMsPerAppend =
      floorCpuShare &&
      Object.fromEntries(
        Object.entries(floorCpuShare).map(([part, share]) => [part, msPerRequest(share, floorRate)]),
      );
    const result = {
      clients: CLIENTS,
      dossiers: measured.length,
      warmupDossiers: warmup.length,
      commands: writeLatencies.length,
      reads: readLatencies.length,
      failures,
      seconds: round(apiSeconds, 2),
      commandsPerSecond: round(commandsPerSecond),
      p50Ms: round(percentile(writeLatencies, 50), 2),
      p95Ms: round(percentile(writeLatencies, 95), 2),
      p99Ms: round(percentile(writeLatencies, 99), 2),
      readP99Ms: round(percentile(readLatencies, 99), 2),
      peakRssMiB: round(peakRss / 1024),
      serviceCpuMsPerCommand: round((serviceCpuSeconds * 1000) / writeLatencies.length, 2),
      cpuShare,
      /** CPU ms per command of the service, its clients and PostgreSQL (reads included in the service's work) */
      cpuMsPerCommand,
      rawAppendsPerSecond16Writers: round(rawRate),
      ratio: round(commandsPerSecond / rawRate, 3),
      /** a Fastify route that does nothing but the append (floorServer.ts): the ceiling of any HTTP service here */
      httpFloorPerSecond: round(floorRate),
      floorRatio: round(floorRate / rawRate, 3),
      /** the service's commands/s over the HTTP floor's appends/s: how close the service comes to that ceiling */
      apiToFloor: round(commandsPerSecond / floorRate, 3),
      floorCpuShare,
      /** CPU ms per append of the floor's server, its clients and PostgreSQL: what the service is set against */
      floorCpuMsPerAppend,
      ...apiToFloorByCpu(cpuMsPerCommand, floorCpuMsPerAppend),
    };
    process.stdout.write(
      `API: ${result.commands} commands (+${result.reads} reads) over ${result.dossiers} dossiers by ${CLIENTS} clients in ${result.seconds} s\n` +
        `raw store: ${result.rawAppendsPerSecond16Writers} appends/s with ${CLIENTS} writers\n` +
        `HTTP floor: ${result.httpFloorPerSecond} appends/s through a bare Fastify route (${result.floorRatio} of raw); ` +
        `the service reaches ${result.apiToFloor} of it\n` +
        `CPU ms per request (service / its clients / PostgreSQL): ${Object.values(result.cpuMsPerCommand).join(' / ')}; ` +
        `floor: ${Object.values(result.floorCpuMsPerAppend ?? {}).join(' / ')}; the ratio by CPU ` +
        `${result.apiToFloorByCpu}, and ${result.apiToFloorIfServiceFree} with a service that cost nothing\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    clearInterval(sampler);
    await service.stop();
    await admin.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.sql.query(`DROP SCHEMA IF EXISTS "${readModelSchema}" CASCADE`);
    await admin.sql.query(`DROP SCHEMA IF EXISTS "${rawSchema}" CASCADE`);
    await admin.sql.query(`DROP SCHEMA IF EXISTS "${floorSchema}" CASCADE`);
    await admin.close();
    if (process.env['REDIS_URL']) {
      const redis = new Redis(process.env['REDIS_URL']);
      const keys = await redis.keys(`${redisPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
