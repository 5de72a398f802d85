/**
 * `pnpm bench:projections`: a steady 500 events/s for 30 s appended through the store with realistic envelopes
 * (the decider is not in this loop), one dispatcher and two worker processes over the local PostgreSQL and Redis.
 * Measures lag from append commit to the read-model row being visible (polled every 5 ms), then a rebuild of at
 * least 200,000 events, and whether the rebuilt read models equal the incremental ones. Last line: one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { compareReadModels, rebuild, sampleDossierEvents } from '@ntm/projections';
import { openPostgresStore } from '@ntm/store-postgres';
import { createDispatcher } from '../createDispatcher.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 200_000);
const PARTITIONS = 4;

const tag = `bench_proj_${randomBytes(4).toString('hex')}`;
const eventsSchema = `${tag}_events`;
const schema = `${tag}_rm`;
const queuePrefix = `${tag}-wake`;
const redisPrefix = `${tag}-bull`;
const at = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const opened = await openPostgresStore({
  connectionString: DATABASE_URL,
  schema: eventsSchema,
  maxConnections: 20,
});
const { store, sql } = opened;
const workers: ChildProcess[] = [];

function peakRssMb(pid: number): number {
  // VmHWM: the process's peak resident set size.
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

try {
  const dispatcher = createDispatcher({
    store,
    sql,
    redisUrl: REDIS_URL,
    schema,
    queuePrefix,
    partitions: PARTITIONS,
    redisPrefix,
  });
  await dispatcher.start();
  const workerEntry = fileURLToPath(new URL('../worker.js', import.meta.url));
  for (let i = 0; i < 2; i += 1) {
    const child = spawn(process.execPath, [workerEntry], {
      env: {
        ...process.env,
        DATABASE_URL,
        REDIS_URL,
        DATABASE_SCHEMA: eventsSchema,
        READ_MODEL_SCHEMA: schema,
        QUEUE_PREFIX: queuePrefix,
        BULLMQ_PREFIX: redisPrefix,
        PARTITIONS: String(PARTITIONS),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    workers.push(child);
  }

  // The load: dossiers progressing step by step, RATE events per second, spread over 10 ms ticks.
  const streams = Math.ceil((RATE * SECONDS) / 30);
  const histories = Array.from({ length: streams }, (_, i) =>
    sampleDossierEvents(
      {
        id: `${tag}-${i}`,
        communeCode: String(1800 + (i % 96)).padStart(5, '0'),
        districtCode: `06${i % 7}`,
        year: 2024,
      },
      at,
    ),
  );
  const pending = new Map<string, { revision: bigint; committedAt: number }[]>();
  const lags: number[] = [];
  let appended = 0;
  let loadDone = false;

  const poller = (async () => {
    while (!loadDone || pending.size > 0) {
      await sleep(5);
      if (pending.size === 0) continue;
      const ids = [...pending.keys()];
      const rows = await sql.query<{ stream_id: string; revision: string }>(
        `SELECT stream_id, revision::text AS revision FROM "${schema}".checkpoints WHERE stream_id = ANY($1::text[])`,
        [ids],
      );
      const seenAt = performance.now();
      for (const row of rows.rows) {
        const waiting = pending.get(row.stream_id)!;
        const left = waiting.filter((w) => {
          if (w.revision > BigInt(row.revision)) return true;
          lags.push(seenAt - w.committedAt);
          return false;
        });
        if (left.length === 0) pending.delete(row.stream_id);
        else pending.set(row.stream_id, left);
      }
    }
  })();

  // When each event becomes visible to a reader of the global log: the part of the lag that is the store's.
  const committed = new Map<string, number>();
  const logLags: number[] = [];
  const follower = store.subscribeToAll({
    after: await store.headPosition(),
    onEvent: (e) => {
      const at = committed.get(`${e.streamId}@${e.revision}`);
      if (at !== undefined) logLags.push(performance.now() - at);
    },
  });

  const total = RATE * SECONDS;
  const started = performance.now();
  // Appends to one stream are chained (each expects the previous revision): on a loaded shared machine an append
  // can outlast the 1 s between two events of one stream.
  const tails = new Map<number, Promise<void>>();
  for (let n = 0; n < total; n += 1) {
    const due = started + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const stream = n % streams;
    const step = Math.floor(n / streams);
    const streamId = `dossier-${tag}-${stream}`;
    const append = (tails.get(stream) ?? Promise.resolve()).then(async () => {
      await store.append(streamId, [histories[stream]![step]!], {
        expectedRevision: step === 0 ? 'no_stream' : BigInt(step - 1),
      });
      const list = pending.get(streamId) ?? [];
      const committedAt = performance.now();
      committed.set(`${streamId}@${step}`, committedAt);
      list.push({ revision: BigInt(step), committedAt });
      pending.set(streamId, list);
      appended += 1;
    });
    // A failed append is reported by the Promise.all below, not as an unhandled rejection before it.
    append.catch(() => undefined);
    tails.set(stream, append);
  }
  await Promise.all(tails.values());
  const loadSeconds = (performance.now() - started) / 1000;
  loadDone = true;
  await poller;
  await follower.close();
  lags.sort((a, b) => a - b);
  logLags.sort((a, b) => a - b);
  console.log(
    `global-log visibility lag ms: p50 ${percentile(logLags, 0.5).toFixed(1)} p99 ${percentile(logLags, 0.99).toFixed(1)}`,
  );
  console.log(
    `load: ${appended} events in ${loadSeconds.toFixed(1)} s (${Math.round(appended / loadSeconds)}/s)`,
  );
  console.log(
    `lag ms: p50 ${percentile(lags, 0.5).toFixed(1)} p99 ${percentile(lags, 0.99).toFixed(1)} max ${lags.at(-1)!.toFixed(1)}`,
  );

  const workerRssMb = Math.max(...workers.map((w) => peakRssMb(w.pid!)));
  const check = `${tag}_check`;
  await rebuild(store, sql, { schema: check });
  const compared = await compareReadModels({ sql, schema }, { sql, schema: check });
  console.log(`rebuilt == incremental: ${compared.equal} (${compared.rows} rows compared)`);

  // Rebuild throughput: top the log up to REBUILD_EVENTS with whole histories, 30 events per append.
  let filler = 0;
  let count = appended;
  while (count < REBUILD_EVENTS) {
    const batch = Array.from({ length: 20 }, () => {
      filler += 1;
      const id = `${tag}-f${filler}`;
      return store.append(
        `dossier-${id}`,
        sampleDossierEvents(
          {
            id,
            communeCode: String(1800 + (filler % 96)).padStart(5, '0'),
            districtCode: `06${filler % 7}`,
            year: 2023,
          },
          at,
        ),
        { expectedRevision: 'no_stream' },
      );
    });
    count += (await Promise.all(batch)).reduce((sum, r) => sum + r.written, 0);
  }
  const rebuildStarted = performance.now();
  const rebuilt = await rebuild(store, sql, { schema: check });
  const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
  console.log(
    `rebuild: ${rebuilt.events} events, ${rebuilt.streams} streams in ${rebuildSeconds.toFixed(1)} s`,
  );

  await dispatcher.close();
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => (w.exitCode === null ? once(w, 'exit') : Promise.resolve())));
  console.log(
    JSON.stringify({
      bench: 'projections',
      appendPath: 'store (decide not in the loop)',
      targetRate: RATE,
      seconds: SECONDS,
      appended,
      achievedRate: Math.round(appended / loadSeconds),
      workers: 2,
      lagMs: {
        p50: Number(percentile(lags, 0.5).toFixed(1)),
        p99: Number(percentile(lags, 0.99).toFixed(1)),
      },
      globalLogVisibilityLagMs: {
        p50: Number(percentile(logLags, 0.5).toFixed(1)),
        p99: Number(percentile(logLags, 0.99).toFixed(1)),
      },
      rebuild: { events: rebuilt.events, eventsPerSecond: Math.round(rebuilt.events / rebuildSeconds) },
      rebuiltEqualsIncremental: compared.equal,
      peakWorkerRssMb: workerRssMb,
    }),
  );
} finally {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  for (const s of [eventsSchema, schema, `${tag}_check`])
    await sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await opened.close();
}
