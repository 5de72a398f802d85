/**
 * `pnpm bench:projections`: a steady 500 events/s of commands over HTTP to the dossier service, with one
 * dispatcher process and two worker processes over the local PostgreSQL and Redis, as they run in production
 * (REDIS_URL mode: the service only appends, the projector projects). The load is the scripted commune NTM journey
 * on a few hundred dossiers at once, each command sent with the ETag of the dossier's previous reply. Measures the
 * lag from the moment a command is sent (before its events commit: an upper bound on commit → visible) to the
 * read-model row being visible (checkpoints polled every 5 ms) after a warm-up, then a rebuild of at least 200,000
 * events, and whether the rebuilt read models equal the incremental ones. Last line: one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { decide, evolve, replay, type DossierState } from '@ntm/domain';
import { dossierStreamId } from '@ntm/event-store';
import { compareReadModels, migrateReadModels, rebuild } from '@ntm/projections';
import { openPostgresStore } from '@ntm/store-postgres';
import { commandPath, sampleDossierEvents } from '@ntm/testing';
import { benchCommunes, journeyFor } from './benchJourneys.js';
import { startBenchService, type BenchService } from './benchService.js';
import { cpuShares, cpuSnapshot, pidsOf, type Parts } from './processCpu.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
/** appended at the same rate before the measured part: the processes' JIT and pools warm up */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 200_000);
/** dossiers in progress at once: each gets about RATE / ACTIVE events per second */
const ACTIVE = Number(process.env.BENCH_DOSSIERS ?? 500);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 4);
const WORKERS = 2;

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
const children: ChildProcess[] = [];
let service: BenchService | undefined;

function peakRssMb(pid: number): number {
  // VmHWM: the process's peak resident set size.
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

/** Resolves when the child prints a log line containing `ready` (its pino "ready"/"started" line). */
function readyLine(child: ChildProcess, word: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.includes(word)) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`a projector process exited (${code}) before it was ready`)),
    );
  });
}

try {
  // As in production: one dispatcher process, two worker processes and the dossier service in REDIS_URL mode
  // (started below). The benchmark's own process only sends commands and measures.
  await migrateReadModels(sql, schema);
  // The same store, read models, queues and partitions for the service and the projector.
  const shared = {
    DATABASE_URL,
    REDIS_URL,
    DATABASE_SCHEMA: eventsSchema,
    READ_MODEL_SCHEMA: schema,
    QUEUE_PREFIX: queuePrefix,
    BULLMQ_PREFIX: redisPrefix,
    PARTITIONS: String(PARTITIONS),
  };
  const env = { ...process.env, ...shared, METRICS_PORT: '0' };
  const projectorDist = import.meta.resolve('@ntm/projector');
  // BENCH_PROJECTOR_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the projector processes.
  const nodeArgs = (process.env.BENCH_PROJECTOR_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const spawnEntry = (entry: string) =>
    spawn(process.execPath, [...nodeArgs, fileURLToPath(new URL(entry, projectorDist))], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  const dispatcher = spawnEntry('./dispatcher.js');
  children.push(dispatcher);
  for (let i = 0; i < WORKERS; i += 1) workers.push(spawnEntry('./worker.js'));
  children.push(...workers);
  await Promise.all([
    readyLine(dispatcher, 'dispatcher started'),
    ...workers.map((w) => readyLine(w, 'worker ready')),
  ]);

  service = await startBenchService(shared);
  const api = service;
  const http = new Pool(api.baseUrl, { connections: 32, pipelining: 1 });

  // The load: ACTIVE dossiers at once, each walking the journey; a finished dossier is replaced by a new one.
  const communes = benchCommunes();
  // Events per step of the journey (the same in every commune), to pace the commands at RATE events per second.
  const eventsPerStep: number[] = [];
  let folded: DossierState | undefined;
  for (const step of journeyFor(communes[0]!.commune, communes[0]!.district)) {
    const decision = decide(folded, { ...step.command, dossierId: 'pace' }, step.ctx);
    if (!decision.ok) throw new Error(`${step.command.type} refused: ${decision.error.code}`);
    eventsPerStep.push(decision.value.length);
    folded = folded ? decision.value.reduce((state, e) => evolve(state, e), folded) : replay(decision.value);
  }
  let dossiersOpened = 0;
  interface Dossier {
    steps: ReturnType<typeof journeyFor>;
    next: number;
    /** given by the service's reply to the opening command */
    id: string | undefined;
    etag: string | undefined;
    tail: Promise<void>;
  }
  const newDossier = (): Dossier => {
    const { commune, district } = communes[dossiersOpened++ % communes.length]!;
    return {
      steps: journeyFor(commune, district),
      next: 0,
      id: undefined,
      etag: undefined,
      tail: Promise.resolve(),
    };
  };
  const active = Array.from({ length: ACTIVE }, newDossier);
  const pending = new Map<string, { revision: bigint; committedAt: number }[]>();
  /** [committed at, lag] of every event, to show how the lag moves over the run */
  const timeline: [number, number][] = [];
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
          timeline.push([w.committedAt, seenAt - w.committedAt]);
          return false;
        });
        if (left.length === 0) pending.delete(row.stream_id);
        else pending.set(row.stream_id, left);
      }
    }
  })();

  // When each event becomes visible to a reader of the global log: the part of the lag that is the store's.
  // BENCH_LOG_FOLLOWER=1: also measure when each event becomes visible to a reader of the global log (the store's
  // part of the lag). Off by default: a second tail reader costs the machine what the dispatcher's reads cost.
  const committed = new Map<string, number>();
  const logLags: number[] = [];
  const follower =
    process.env.BENCH_LOG_FOLLOWER === '1'
      ? store.subscribeToAll({
          after: await store.headPosition(),
          onEvent: (e) => {
            const at = committed.get(`${e.streamId}@${e.revision}`);
            if (at !== undefined) logLags.push(performance.now() - at);
          },
        })
      : undefined;

  // As pgbench does: start from a fresh checkpoint, so that the WAL of whatever ran before (the previous run's
  // 200,000-event fill) is not flushed in the middle of this run's measurements. Needs a superuser; skipped if not.
  await sql.query('CHECKPOINT').catch((error: unknown) => {
    console.log(`CHECKPOINT skipped: ${error instanceof Error ? error.message : String(error)}`);
  });
  const warmupStarted = performance.now();
  const started = warmupStarted + WARMUP_SECONDS * 1000;
  const until = started + SECONDS * 1000;

  const commandLatencies: number[] = [];
  // Sends the next command of dossier `slot` after that dossier's previous one has been answered (it needs its
  // ETag); returns the number of events the command will append.
  const issue = (slot: number): number => {
    let dossier = active[slot]!;
    if (dossier.next >= dossier.steps.length) dossier = active[slot] = newDossier();
    const events = eventsPerStep[dossier.next]!;
    const step = dossier.steps[dossier.next++]!;
    const owner = dossier;
    owner.tail = owner.tail.then(async () => {
      const { type, dossierId: _assigned, ...body } = step.command;
      const token = await api.tokenFor(step.ctx.actor);
      const sentAt = performance.now();
      const answer = await http.request({
        method: 'POST',
        path: commandPath(type, owner.id),
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(owner.etag === undefined ? {} : { 'if-match': owner.etag }),
        },
        body: JSON.stringify(body),
      });
      const reply = (await answer.body.json()) as { dossierId: string; revision: number; events: unknown[] };
      if (answer.statusCode >= 300) throw new Error(`${type}: ${answer.statusCode} ${JSON.stringify(reply)}`);
      owner.id = reply.dossierId;
      owner.etag = answer.headers['etag'] as string;
      appended += reply.events.length;
      if (sentAt < started) return;
      commandLatencies.push(performance.now() - sentAt);
      const streamId = dossierStreamId(reply.dossierId);
      const list = pending.get(streamId) ?? [];
      for (let r = reply.revision - reply.events.length + 1; r <= reply.revision; r += 1) {
        if (follower) committed.set(`${streamId}@${r}`, sentAt);
        list.push({ revision: BigInt(r), committedAt: sentAt });
      }
      pending.set(streamId, list);
    });
    // A failed command is reported by the Promise.all below, not as an unhandled rejection before it.
    owner.tail.catch(() => undefined);
    return events;
  };

  let issued = 0;
  let slot = 0;
  const parts: Parts = {
    benchmark: () => [process.pid],
    api: () => [api.child.pid!],
    dispatcher: () => [dispatcher.pid!],
    workers: () => workers.map((w) => w.pid!),
    postgres: () => pidsOf('postgres'),
    redis: () => pidsOf('redis-server'),
  };
  let cpuAtStart = cpuSnapshot(parts);
  const startCpuWindow = setTimeout(() => (cpuAtStart = cpuSnapshot(parts)), started - performance.now());
  for (let now = performance.now(); now < until; now = performance.now()) {
    const due = ((now - warmupStarted) / 1000) * RATE;
    while (issued < due) {
      issued += issue(slot);
      slot = (slot + 1) % ACTIVE;
    }
    await sleep(2);
  }
  clearTimeout(startCpuWindow);
  /** share of one core used by each part over the measured window */
  const cpuShare = cpuShares(cpuAtStart, cpuSnapshot(parts), SECONDS);
  await Promise.all(active.map((d) => d.tail));
  await http.close();
  await service.stop();
  const loadSeconds = (performance.now() - warmupStarted) / 1000;
  loadDone = true;
  await poller;
  await follower?.close();
  const windows = new Map<number, number[]>();
  for (const [committedAt, lag] of timeline) {
    const window = Math.floor((committedAt - started) / 5000);
    windows.set(window, [...(windows.get(window) ?? []), lag]);
  }
  for (const [window, values] of [...windows].sort((a, b) => a[0] - b[0])) {
    values.sort((a, b) => a - b);
    console.log(
      `  ${window * 5}-${window * 5 + 5} s: lag p50 ${percentile(values, 0.5).toFixed(1)} p99 ${percentile(values, 0.99).toFixed(1)} ms`,
    );
  }
  const lags = timeline.map(([, lag]) => lag).sort((a, b) => a - b);
  logLags.sort((a, b) => a - b);
  if (follower) {
    console.log(
      `global-log visibility lag ms: p50 ${percentile(logLags, 0.5).toFixed(1)} p99 ${percentile(logLags, 0.99).toFixed(1)}`,
    );
  }
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

  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : Promise.resolve())));
  console.log(
    JSON.stringify({
      bench: 'projections',
      appendPath: 'HTTP commands to the dossier service',
      warmupSeconds: WARMUP_SECONDS,
      measuredEvents: lags.length,
      targetRate: RATE,
      seconds: SECONDS,
      appended,
      achievedRate: Math.round(appended / loadSeconds),
      workers: WORKERS,
      commandP99Ms: Number(
        percentile(
          commandLatencies.sort((a, b) => a - b),
          0.99,
        ).toFixed(1),
      ),
      lagMs: {
        p50: Number(percentile(lags, 0.5).toFixed(1)),
        p99: Number(percentile(lags, 0.99).toFixed(1)),
      },
      globalLogVisibilityLagMs: follower
        ? {
            p50: Number(percentile(logLags, 0.5).toFixed(1)),
            p99: Number(percentile(logLags, 0.99).toFixed(1)),
          }
        : null,
      rebuild: { events: rebuilt.events, eventsPerSecond: Math.round(rebuilt.events / rebuildSeconds) },
      rebuiltEqualsIncremental: compared.equal,
      peakWorkerRssMb: workerRssMb,
      cpuShare,
    }),
  );
} finally {
  await service?.stop();
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const s of [eventsSchema, schema, `${tag}_check`])
    await sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await opened.close();
}
