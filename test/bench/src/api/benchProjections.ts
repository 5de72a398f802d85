/**
 * `pnpm bench:projections`: commands over HTTP to the dossier service, with one dispatcher process and two worker
 * processes over the local PostgreSQL and Redis, as they run in production (REDIS_URL mode: the service only
 * appends, the projector projects). The load is the scripted commune NTM journey on a few hundred dossiers at once,
 * each command sent with the ETag of the dossier's previous reply. First the API's own closed-loop rate (16 clients,
 * one command in flight each; measured after 10,000 untimed commands of the same loop, ADR 0069); then paced steps
 * from 0.4 of that event rate up by 0.1, each measuring the read-model lag of every event from its `recordedAt`
 * (the service's clock as its INSERT is sent, before it commits: an upper bound on commit → visible, ADR 0053) to
 * its read-model row being visible (checkpoints polled every 5 ms), until lag p99 reaches 100 ms; the time from the
 * command's send to visible is printed beside it (`endToEndMs`: it also holds the command's own latency, goal 1's
 * p99); then the same closed loop again (`closedLoopAfter`, `closedLoopDrift`). The run's tables are vacuumed before
 * each closed loop and each step (the test server runs with autovacuum off). Each step also gives the benchmark's
 * own event-loop delay (a stalled generator sends a burst), the
 * autovacuums and autoanalyzes of the run's tables, and on stderr when the commands over 80 ms were sent (stalls
 * 15 s apart were the service's audit checkpointer). Then whether a rebuild equals the incremental read models, and
 * a rebuild of at least 200,000 events against a read of the whole global log in the same minutes. Progress on
 * stderr; last line on stdout: one JSON object. Ctrl-C stops and cleans up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { decide, evolve, replay, type DossierState } from '@ntm/domain';
import { dossierStreamId } from '@ntm/event-store';
import { compareReadModels, migrateReadModels, rebuild } from '@ntm/projections';
import { DEFAULT_PARTITIONS } from '@ntm/runtime';
import { openPostgresStore } from '@ntm/store-postgres';
import { commandPath, sampleDossierEvents, scrapeMetrics } from '@ntm/testing';
import { journeyTo, nationalBenchCommunes } from './benchJourneys.js';
import { startBenchService, type BenchService } from './benchService.js';
import { lagOverGoal, type LagOverGoal } from './lagWindows.js';
import { cpuSeconds, cpuShares, cpuSnapshot, pidsOf, type Parts } from './processCpu.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** one paced step at this many events/s instead of the steps up from the closed-loop rate */
const FIXED_RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
/** measured seconds of each step */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** appended at the same rate before each step's measured part: JIT, pools and queues settle at that rate */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
/** the API's closed-loop rate: clients, each with one command in flight, and for how long */
const CLOSED_CLIENTS = Number(process.env.BENCH_CLOSED_CLIENTS ?? 16);
const CLOSED_SECONDS = Number(process.env.BENCH_CLOSED_SECONDS ?? 10);
/** untimed commands of the same closed loop before it is measured: the service's JIT reaches its steady rate */
const CLOSED_WARMUP_COMMANDS = Number(process.env.BENCH_CLOSED_WARMUP ?? 10_000);
/** the first step and the step, as shares of the closed-loop event rate */
const STEP_FROM = Number(process.env.BENCH_STEP_FROM ?? 0.4);
const STEP_BY = Number(process.env.BENCH_STEP_BY ?? 0.1);
const LAG_GOAL_MS = 100;
const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 200_000);
/**
 * BENCH_PHASES=rebuild: only the rebuild against the global-log read (no processes, no HTTP load, no comparison
 * with incremental read models: the tests compare them); the one JSON line then holds the rebuild's figures only
 */
const REBUILD_ONLY = process.env.BENCH_PHASES === 'rebuild';
/** dossiers in progress at once: each gets about RATE / ACTIVE events per second */
const ACTIVE = Number(process.env.BENCH_DOSSIERS ?? 500);
/**
 * BENCH_STAGGER=1: before the closed loop, walk dossier i of the ACTIVE its first i/ACTIVE of a journey, so that
 * their journeys end spread over a whole journey's time instead of together (the paced steps advance every dossier
 * one command a round: unstaggered, the first ACTIVE journeys end, and ACTIVE new dossiers open, within a second)
 */
const STAGGER = process.env.BENCH_STAGGER === '1';
/** the wake-up queues, as production's default (ADR 0070) unless BENCH_PARTITIONS says otherwise */
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? DEFAULT_PARTITIONS);
const WORKERS = 2;

const tag = `bench_proj_${randomBytes(4).toString('hex')}`;
/**
 * BENCH_EVENTS_SCHEMA (with BENCH_PHASES=rebuild): the store's schema to use and keep, topped up to REBUILD_EVENTS
 * only if it holds fewer, so that alternate A/B runs rebuild the same log without filling it each time
 */
const KEPT_EVENTS_SCHEMA = REBUILD_ONLY ? process.env.BENCH_EVENTS_SCHEMA : undefined;
const eventsSchema = KEPT_EVENTS_SCHEMA ?? `${tag}_events`;
const schema = `${tag}_rm`;
const queuePrefix = `${tag}-wake`;
const redisPrefix = `${tag}-bull`;
const at = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const round2 = (x: number) => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const opened = await openPostgresStore({
  connectionString: DATABASE_URL,
  schema: eventsSchema,
  maxConnections: 20,
  // this process's own backends, whose CPU the rebuild phase reports (other processes share the database)
  applicationName: tag,
});
const { store, sql } = opened;
const workers: ChildProcess[] = [];
const projectorDataDir = mkdtempSync(join(tmpdir(), `${tag}-projector-`));
const children: ChildProcess[] = [];
let service: BenchService | undefined;
/** Ctrl-C: the load stops at once, the phases after it are skipped, and the finally below stops the processes and
 * drops the schemas and the Redis keys. */
let interrupted = false;
let stopped = false;
process.once('SIGINT', () => {
  console.error('interrupted: stopping and cleaning up');
  interrupted = stopped = true;
});

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

/** Phases 1 and 2 (the closed loop, the paced steps) and whether a rebuild equals the incremental read models. */
async function measureLoad() {
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
    // The journeys are dated 2024 and the projector runs on the system clock: with its deadline timers on, their
    // deadlines were long overdue and `DeadlineElapsed` landed in dossiers between two of the bench's commands,
    // which then failed their If-Match (412). The service has them off too (benchService.ts).
    DEADLINE_TIMERS: 'off',
  };
  // Their own data folder (the configuration makes the local token keys there), not `./data` under the caller's
  // folder: run from test/bench, a private key was left in the working tree.
  const env = { ...process.env, ...shared, METRICS_PORT: '0', DATA_DIR: projectorDataDir };
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
  if (interrupted) throw new Error('interrupted (Ctrl-C): no figures');

  // The API's token checks are read from its /metrics each step (ADR 0068: the checks of evicted tokens made bursts).
  const metricsToken = randomBytes(24).toString('hex');
  service = await startBenchService({ ...shared, METRICS_TOKEN: metricsToken }, undefined, false);
  console.error(`service ready at ${new Date().toISOString().slice(11, 23)} UTC`);
  const api = service;
  const http = new Pool(api.baseUrl, { connections: 32, pipelining: 1 });

  // The load: ACTIVE dossiers at once, each walking the journey; a finished dossier is replaced by a new one.
  // The whole country's communes: at a quiet machine's rate Bắc Kạn's 95 are used up before the first step (a
  // commune whose dossier has been decided cannot open another).
  const communes = nationalBenchCommunes();
  // Events per step of the journey (the same in every commune), to pace the commands at RATE events per second.
  const eventsPerStep: number[] = [];
  /** the journey's command that appends the event at each revision: a stalled window names its round */
  const commandAt: string[] = [];
  let folded: DossierState | undefined;
  for (const step of journeyTo(communes[0]!)) {
    const decision = decide(folded, { ...step.command, dossierId: 'pace' }, step.ctx);
    if (!decision.ok) throw new Error(`${step.command.type} refused: ${decision.error.code}`);
    eventsPerStep.push(decision.value.length);
    commandAt.push(...decision.value.map(() => step.command.type));
    folded = folded ? decision.value.reduce((state, e) => evolve(state, e), folded) : replay(decision.value);
  }
  let dossiersOpened = 0;
  interface Dossier {
    steps: ReturnType<typeof journeyTo>;
    next: number;
    /** given by the service's reply to the opening command */
    id: string | undefined;
    etag: string | undefined;
    tail: Promise<void>;
  }
  const newDossier = (): Dossier => {
    const commune = communes[dossiersOpened++ % communes.length]!;
    return {
      steps: journeyTo(commune),
      next: 0,
      id: undefined,
      etag: undefined,
      tail: Promise.resolve(),
    };
  };
  const active = Array.from({ length: ACTIVE }, newDossier);
  /** per stream, the revisions sent and not yet seen projected, with the time of their command's send */
  const pending = new Map<string, { revision: bigint; sentAt: number }[]>();
  /** every measured event seen projected: its command's send → visible (ms) and when it was seen (wall clock) */
  let seen: { streamId: string; revision: bigint; endToEnd: number; seenAtMs: number }[] = [];
  let appended = 0;
  /** false while a closed loop runs: its events are recorded, and looked for in the read models after it */
  let polling = true;

  const poller = (async () => {
    while (!stopped) {
      await sleep(5);
      if (!polling || pending.size === 0) continue;
      const ids = [...pending.keys()];
      const rows = await sql.query<{ stream_id: string; revision: string }>(
        `SELECT stream_id, revision::text AS revision FROM "${schema}".checkpoints WHERE stream_id = ANY($1::text[])`,
        [ids],
      );
      const seenAt = performance.now();
      // The wall clock, to compare with `recordedAt`: the service's `new Date()`, the same system clock.
      const seenAtMs = Date.now();
      for (const row of rows.rows) {
        const waiting = pending.get(row.stream_id)!;
        const left = waiting.filter((w) => {
          if (w.revision > BigInt(row.revision)) return true;
          seen.push({ streamId: row.stream_id, revision: w.revision, endToEnd: seenAt - w.sentAt, seenAtMs });
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
  /** when the follower saw each event of the step (wall clock, as `recordedAt`): the store's part of each lag */
  let loggedAt = new Map<string, number>();
  const follower =
    process.env.BENCH_LOG_FOLLOWER === '1'
      ? store.subscribeToAll({
          after: await store.headPosition(),
          onEvent: (e) => {
            loggedAt.set(`${e.streamId}@${e.revision}`, Date.now());
            const at = committed.get(`${e.streamId}@${e.revision}`);
            if (at !== undefined) logLags.push(performance.now() - at);
          },
        })
      : undefined;

  // As pgbench does: start from a fresh checkpoint, so that the WAL of whatever ran before (the previous run's
  // 200,000-event fill) is not flushed in the middle of this run's measurements. Needs a superuser; skipped if not.
  await sql.query('CHECKPOINT').catch((error: unknown) => {
    console.error(`CHECKPOINT skipped: ${error instanceof Error ? error.message : String(error)}`);
  });

  let commandLatencies: number[] = [];
  /** commands of the measured part slower than 80 ms: when they were sent (wall clock) and how long they took */
  let slowCommands: { sentAt: string; ms: number }[] = [];
  /** this process's event-loop delay in each step: the load it paces comes in bursts when it stalls */
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  /** commands sent from this moment on are measured (lag and latency) */
  let measureFrom = Infinity;
  // Sends the next command of dossier `slot` after that dossier's previous one has been answered (it needs its
  // ETag); returns the number of events the command will append and when it is answered.
  const issue = (slot: number): { events: number; answered: Promise<void> } => {
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
      if (sentAt < measureFrom) return;
      const took = performance.now() - sentAt;
      commandLatencies.push(took);
      if (took > 80)
        slowCommands.push({
          sentAt: new Date(Date.now() - took).toISOString().slice(11, 23),
          ms: Math.round(took),
        });
      const streamId = dossierStreamId(reply.dossierId);
      const list = pending.get(streamId) ?? [];
      for (let r = reply.revision - reply.events.length + 1; r <= reply.revision; r += 1) {
        if (follower) committed.set(`${streamId}@${r}`, sentAt);
        list.push({ revision: BigInt(r), sentAt });
      }
      pending.set(streamId, list);
    });
    // A failed command is reported where it is awaited, not as an unhandled rejection before it.
    owner.tail.catch(() => undefined);
    return { events, answered: owner.tail };
  };
  /** waits until every command sent is answered and every event measured is seen projected */
  const settle = async () => {
    await Promise.all(active.map((d) => d.tail));
    while (pending.size > 0 && !stopped) await sleep(5);
  };

  /** autovacuums and autoanalyzes so far of this run's tables (the store's and the read models') */
  const maintenanceRuns = async () => {
    const { rows } = await sql.query<{ runs: number }>(
      `SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0)::int AS runs
         FROM pg_stat_user_tables WHERE schemaname = ANY($1::text[])`,
      [[eventsSchema, schema]],
    );
    return rows[0]!.runs;
  };

  /** how long each VACUUM (ANALYZE) below took (not timed in any figure) */
  const vacuumMs: number[] = [];
  /**
   * VACUUM (ANALYZE) of this run's tables before each measured part, as pgbench vacuums its tables before a run. The
   * development machine's PostgreSQL runs with `autovacuum = off`: the read models' rows, rewritten at every event,
   * then kept their dead versions for the whole run, and the closed loop after the steps cost PostgreSQL twice the CPU
   * per command of the loop before (docs/benchmarks.md). In production autovacuum does this work.
   */
  const vacuum = async () => {
    const started = performance.now();
    const { rows } = await sql.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = ANY($1::text[])`,
      [[eventsSchema, schema]],
    );
    for (const { name } of rows) await sql.query(`VACUUM (ANALYZE) ${name}`);
    vacuumMs.push(Math.round(performance.now() - started));
  };
  const serverAutovacuum = (await sql.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0]!.autovacuum;
  console.error(
    `the server's autovacuum: ${serverAutovacuum}; the run's tables are vacuumed before each measured part`,
  );

  /** the API's bearer-token checks so far: signatures checked, and requests that waited for a check under way */
  const tokenChecks = async () => {
    const scrape = await scrapeMetrics(api.baseUrl, metricsToken);
    const count = (outcome: string) => scrape.value('ntm_auth_token_checks_total', { outcome }) ?? 0;
    return { verified: count('verified'), joined: count('joined') };
  };

  const parts: Parts = {
    benchmark: () => [process.pid],
    api: () => [api.child.pid!],
    dispatcher: () => [dispatcher.pid!],
    workers: () => workers.map((w) => w.pid!),
    postgres: () => pidsOf('postgres'),
    redis: () => pidsOf('redis-server'),
  };

  if (STAGGER) {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLOSED_CLIENTS }, async (_, client) => {
        for (let i = client; i < ACTIVE && !stopped; i += CLOSED_CLIENTS) {
          const depth = Math.floor((i * eventsPerStep.length) / ACTIVE);
          for (let k = 0; k < depth && !stopped; k += 1) await issue(i).answered;
        }
      }),
    );
    console.error(`staggered ${ACTIVE} dossiers in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  /** CLOSED_CLIENTS clients, each sending its dossier's next command as soon as the previous one is answered */
  const closedLoopRate = async () => {
    const maintenanceBefore = await maintenanceRuns();
    const cpuAtStart = cpuSnapshot(parts);
    const closedStarted = performance.now();
    const closedUntil = closedStarted + CLOSED_SECONDS * 1000;
    let closedEvents = 0;
    let closedCommands = 0;
    /** commands answered in each second of the closed loop: a flat row says the baseline was taken warm */
    const closedBySecond = Array.from({ length: Math.ceil(CLOSED_SECONDS) }, () => 0);
    await Promise.all(
      Array.from({ length: CLOSED_CLIENTS }, async (_, client) => {
        while (performance.now() < closedUntil && !stopped) {
          const sent = issue(client);
          await sent.answered;
          closedEvents += sent.events;
          closedCommands += 1;
          const second = Math.floor((performance.now() - closedStarted) / 1000);
          if (second < closedBySecond.length) closedBySecond[second]! += 1;
        }
      }),
    );
    const closedSeconds = (performance.now() - closedStarted) / 1000;
    // Where the CPU went, part by part: the loop after the steps was slower than the one before in most runs.
    const cpuShare = cpuShares(cpuAtStart, cpuSnapshot(parts), closedSeconds);
    return {
      eventsPerSecond: Math.round(closedEvents / closedSeconds),
      commandsPerSecond: Math.round(closedCommands / closedSeconds),
      commandsEachSecond: closedBySecond,
      // A run's own state may slow the loop as well as the machine: its tables' autovacuums and autoanalyzes meanwhile.
      autovacuumRuns: (await maintenanceRuns()) - maintenanceBefore,
      cpuShare,
      /** CPU ms per command of each part */
      cpuMsPerCommand: Object.fromEntries(
        Object.entries(cpuShare).map(([part, share]) => [
          part,
          Math.round(((share * 1000 * closedSeconds) / Math.max(1, closedCommands)) * 1000) / 1000,
        ]),
      ),
    };
  };

  // 1. The API's own closed-loop rate (the baseline): CLOSED_CLIENTS clients, each sending its dossier's next
  // command as soon as the previous one is answered, with the projector running as in every phase. First, untimed,
  // CLOSED_WARMUP_COMMANDS of the same loop (ADR 0069): a cold service ran its first seconds at a third of its
  // steady rate, and a baseline measured cold made every step's share of it look larger than it was.
  const warmStarted = performance.now();
  let warmCommands = 0;
  await Promise.all(
    Array.from({ length: CLOSED_CLIENTS }, async (_, client) => {
      while (warmCommands < CLOSED_WARMUP_COMMANDS && !stopped) {
        warmCommands += 1;
        await issue(client).answered;
      }
    }),
  );
  const warmSeconds = (performance.now() - warmStarted) / 1000;
  console.error(
    `warm-up, closed loop: ${warmCommands} commands in ${warmSeconds.toFixed(1)} s (${Math.round(warmCommands / warmSeconds)}/s), untimed`,
  );
  await settle();
  await vacuum();
  const closedLoop = { clients: CLOSED_CLIENTS, warmupCommands: warmCommands, ...(await closedLoopRate()) };
  console.error(`closed loop, commands answered each second: ${closedLoop.commandsEachSecond.join(' ')}`);
  console.error(
    `closed loop, ${CLOSED_CLIENTS} clients: ${closedLoop.commandsPerSecond} commands/s, ${closedLoop.eventsPerSecond} events/s, ${closedLoop.autovacuumRuns} autovacuum/analyze runs; CPU ms per command ${JSON.stringify(closedLoop.cpuMsPerCommand)}`,
  );
  await settle();

  // 2. Paced steps: RATE events/s (BENCH_RATE: that one step), or from STEP_FROM of the closed-loop event rate up
  // by STEP_BY, until a step's lag p99 reaches 100 ms or its rate is not achieved. Each step: WARMUP_SECONDS at
  // its rate, then SECONDS measured.
  interface Step {
    targetRate: number;
    achievedRate: number;
    measuredEvents: number;
    /** commit → visible: from each event's `recordedAt` (ADR 0053); the goal's figure */
    lagMs: { p50: number; p99: number; max: number };
    /** the command's send → visible: the lag above plus the command's own latency up to its INSERT */
    endToEndMs: { p50: number; p99: number; max: number };
    commandP99Ms: number;
    cpuShare: Record<string, number>;
    /** autovacuums and autoanalyzes of this run's tables during the step (warm-up included) */
    autovacuumRuns: number;
    /** this process's event-loop delay while it paced the load: a stalled generator sends its commands in a burst */
    generatorDelayMs: { p99: number; max: number };
    /** the API's token signature checks during the step (warm-up included), and requests that joined one (ADR 0068) */
    tokenChecks: { verified: number; joined: number };
    /** the events whose lag reached the goal, and the tenths of a second they were appended in (lagWindows.ts) */
    lagOverGoal: LagOverGoal;
  }
  const steps: Step[] = [];
  const rates = FIXED_RATE
    ? [FIXED_RATE]
    : Array.from({ length: 64 }, (_, i) =>
        Math.round(closedLoop.eventsPerSecond * (STEP_FROM + i * STEP_BY)),
      );
  let slot = 0;
  for (const rate of rates) {
    if (stopped) break;
    await vacuum();
    seen = [];
    loggedAt = new Map();
    commandLatencies = [];
    slowCommands = [];
    const warmupStarted = performance.now();
    const started = warmupStarted + WARMUP_SECONDS * 1000;
    const until = started + SECONDS * 1000;
    let issued = 0;
    let cpuAtStart = cpuSnapshot(parts);
    let measuredFrom = '';
    const startCpuWindow = setTimeout(() => {
      measuredFrom = new Date().toISOString().slice(11, 23);
      cpuAtStart = cpuSnapshot(parts);
      loopDelay.reset();
      loopDelay.enable();
      measureFrom = started;
    }, started - performance.now());
    const appendedBefore = appended;
    const maintenanceBefore = await maintenanceRuns();
    const checksBefore = await tokenChecks();
    for (let now = performance.now(); now < until && !stopped; now = performance.now()) {
      const due = ((now - warmupStarted) / 1000) * rate;
      while (issued < due) {
        issued += issue(slot).events;
        slot = (slot + 1) % ACTIVE;
      }
      await sleep(2);
    }
    clearTimeout(startCpuWindow);
    const cpuShare = cpuShares(cpuAtStart, cpuSnapshot(parts), SECONDS);
    loopDelay.disable();
    const generatorDelayMs = {
      p99: round2(loopDelay.percentile(99) / 1e6),
      max: round2(loopDelay.max / 1e6),
    };
    const maintenance = (await maintenanceRuns()) - maintenanceBefore;
    const checksAfter = await tokenChecks();
    measureFrom = Infinity;
    await Promise.all(active.map((d) => d.tail));
    const loadSeconds = (performance.now() - warmupStarted) / 1000;
    await settle();
    if (seen.length === 0) break;
    // Read after the step (no load on the measurement): each event's recordedAt, set by the service's store from its
    // clock when the group commit sends the INSERT, so before the commit; to the millisecond (a JavaScript Date).
    const { rows: recorded } = await sql.query<{ stream_id: string; revision: string; at: number }>(
      `SELECT e.stream_id, e.revision::text AS revision, extract(epoch FROM e.recorded_at)::float8 * 1000 AS at
         FROM "${eventsSchema}".events e
         JOIN unnest($1::text[], $2::bigint[]) AS s(stream_id, revision) USING (stream_id, revision)`,
      [seen.map((s) => s.streamId), seen.map((s) => s.revision.toString())],
    );
    const recordedAt = new Map(recorded.map((r) => [`${r.stream_id}@${r.revision}`, r.at]));
    const lagged = seen.map((s) => ({
      revision: Number(s.revision),
      recordedAtMs: recordedAt.get(`${s.streamId}@${s.revision}`)!,
      seenAtMs: s.seenAtMs,
      loggedAtMs: loggedAt.get(`${s.streamId}@${s.revision}`),
    }));
    const lags = lagged.map((e) => e.seenAtMs - e.recordedAtMs).sort((a, b) => a - b);
    const endToEnd = seen.map((s) => s.endToEnd).sort((a, b) => a - b);
    const summary = (sorted: number[]) => ({
      p50: Number(percentile(sorted, 0.5).toFixed(1)),
      p99: Number(percentile(sorted, 0.99).toFixed(1)),
      max: Number(sorted.at(-1)!.toFixed(1)),
    });
    const step: Step = {
      targetRate: rate,
      achievedRate: Math.round((appended - appendedBefore) / loadSeconds),
      measuredEvents: lags.length,
      lagMs: summary(lags),
      endToEndMs: summary(endToEnd),
      commandP99Ms: Number(
        percentile(
          commandLatencies.sort((a, b) => a - b),
          0.99,
        ).toFixed(1),
      ),
      cpuShare,
      autovacuumRuns: maintenance,
      generatorDelayMs,
      tokenChecks: {
        verified: checksAfter.verified - checksBefore.verified,
        joined: checksAfter.joined - checksBefore.joined,
      },
      lagOverGoal: lagOverGoal(lagged, LAG_GOAL_MS, commandAt),
    };
    steps.push(step);
    console.error(
      `step ${rate} events/s (${(rate / closedLoop.eventsPerSecond).toFixed(2)} of closed loop): achieved ${step.achievedRate}/s, lag p50 ${step.lagMs.p50} p99 ${step.lagMs.p99} max ${step.lagMs.max} ms, send → visible p99 ${step.endToEndMs.p99} ms, command p99 ${step.commandP99Ms} ms, ${maintenance} autovacuum/analyze runs (load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`,
    );
    // When the commands stalled (a periodic job of the service shows as stalls 15 s apart, say), and whether the
    // generator itself did.
    console.error(
      `  measured from ${measuredFrom} UTC; generator loop delay p99 ${generatorDelayMs.p99} max ${generatorDelayMs.max} ms; token signatures checked ${step.tokenChecks.verified} (${step.tokenChecks.joined} requests joined a check)`,
    );
    if (slowCommands.length > 0) {
      // Bursts: slow commands sent within a second of the one before.
      const bursts: { from: string; commands: number; maxMs: number }[] = [];
      let last = -Infinity;
      for (const c of slowCommands) {
        const at = Date.parse(`1970-01-01T${c.sentAt}Z`);
        if (at - last > 1000) bursts.push({ from: c.sentAt, commands: 0, maxMs: 0 });
        const burst = bursts.at(-1)!;
        burst.commands += 1;
        burst.maxMs = Math.max(burst.maxMs, c.ms);
        last = at;
      }
      console.error(
        `  ${slowCommands.length} commands over 80 ms, in bursts sent from (UTC): ${bursts.map((b) => `${b.from} ×${b.commands} up to ${b.maxMs} ms`).join('; ')}`,
      );
    }
    if (step.lagOverGoal.events > 0) {
      const windows = step.lagOverGoal.windows.map(
        (w) =>
          `${w.at} ${w.overGoal}/${w.events} up to ${w.maxLagMs} ms${w.maxInLogMs === undefined ? '' : `, in the log after ${w.maxInLogMs} ms at most`} (${Object.entries(
            w.commands,
          )
            .sort((a, b) => b[1] - a[1])
            .map(([command, n]) => `${command} ×${n}`)
            .join(', ')})`,
      );
      console.error(
        `  ${step.lagOverGoal.events} events at ${LAG_GOAL_MS} ms of lag or more (${Object.entries(
          step.lagOverGoal.byCommand,
        )
          .map(([command, n]) => `${command} ×${n}`)
          .join(', ')}); the worst tenths of a second they were appended in (UTC): ${windows.join('; ')}`,
      );
    }
    if (step.lagMs.p99 >= LAG_GOAL_MS || step.achievedRate < 0.95 * rate) break;
  }
  // The same closed loop again, after the steps: the loop was seen to move by a third within one run, and a step
  // that failed while the loop ran slower than at the baseline says little about the code. The goal's ratio stays
  // against the baseline before the steps; `closedLoopDrift` (after ÷ before) shows how far the loop moved. It runs
  // as the loop before does, with nothing looking for its events in the read models meanwhile: polled every 5 ms as
  // a step's are, they cost the benchmark and PostgreSQL twice the CPU per command, and the loop a third of its rate
  // (docs/benchmarks.md). They are recorded, and waited for after it (the rebuild comparison needs them projected).
  await settle();
  await vacuum();
  measureFrom = 0;
  polling = false;
  const closedLoopAfter = FIXED_RATE || stopped ? undefined : await closedLoopRate();
  polling = true;
  await settle();
  measureFrom = Infinity;
  if (closedLoopAfter) {
    console.error(
      `closed loop after the steps: ${closedLoopAfter.commandsPerSecond} commands/s, ${closedLoopAfter.eventsPerSecond} events/s (${(closedLoopAfter.eventsPerSecond / closedLoop.eventsPerSecond).toFixed(2)} of the one before), ${closedLoopAfter.autovacuumRuns} autovacuum/analyze runs; CPU ms per command ${JSON.stringify(closedLoopAfter.cpuMsPerCommand)}`,
    );
  }
  stopped = true;
  await http.close();
  await service.stop();
  await poller;
  await follower?.close();
  logLags.sort((a, b) => a - b);
  if (follower) {
    console.error(
      `global-log visibility lag ms: p50 ${percentile(logLags, 0.5).toFixed(1)} p99 ${percentile(logLags, 0.99).toFixed(1)}`,
    );
  }
  const kept = steps.filter((s) => s.lagMs.p99 < LAG_GOAL_MS && s.achievedRate >= 0.95 * s.targetRate);
  const best = kept.at(-1);
  const maxRate = best?.targetRate ?? 0;

  if (interrupted) throw new Error('interrupted (Ctrl-C): no figures');
  const workerRssMb = Math.max(...workers.map((w) => peakRssMb(w.pid!)));
  const check = `${tag}_check`;
  await rebuild(store, sql, { schema: check });
  const compared = await compareReadModels({ sql, schema }, { sql, schema: check });
  console.error(`rebuilt == incremental: ${compared.equal} (${compared.rows} rows compared)`);
  return {
    appended,
    figures: {
      appendPath: 'HTTP commands to the dossier service',
      closedLoop,
      closedLoopAfter: closedLoopAfter ?? null,
      closedLoopDrift: closedLoopAfter
        ? Number((closedLoopAfter.eventsPerSecond / closedLoop.eventsPerSecond).toFixed(3))
        : null,
      /** the server's autovacuum setting, and how long each VACUUM (ANALYZE) of the run's tables took (not timed) */
      serverAutovacuum,
      vacuumMs,
      maxRateUnderLagGoal: maxRate,
      lagGoalMs: LAG_GOAL_MS,
      // ADR 0053: each step's lagMs runs from the event's recordedAt (before its commit) to visible; endToEndMs
      // from its command's send, which adds the command's own latency (the old figure).
      lagFrom: 'recordedAt',
      ratioToClosedLoop: Number((maxRate / closedLoop.eventsPerSecond).toFixed(3)),
      warmupSeconds: WARMUP_SECONDS,
      seconds: SECONDS,
      workers: WORKERS,
      steps,
      globalLogVisibilityLagMs: follower
        ? {
            p50: Number(percentile(logLags, 0.5).toFixed(1)),
            p99: Number(percentile(logLags, 0.99).toFixed(1)),
          }
        : null,
      rebuiltEqualsIncremental: compared.equal,
      peakWorkerRssMb: workerRssMb,
    },
  };
}

/**
 * Phase 3: the log topped up to REBUILD_EVENTS, then a rebuild of every read model against reads of the whole log
 * in the same minutes; with the CPU seconds of this process (the read's and the fold's, PostgreSQL's apart) and of
 * PostgreSQL's backends, for each.
 */
async function measureRebuild(appended: number) {
  const check = `${tag}_check`;
  // Rebuild throughput: top the log up to REBUILD_EVENTS with whole histories, 30 events per append.
  let filler = 0;
  let count = appended;
  for (let after = 0n, end = !KEPT_EVENTS_SCHEMA; !end;) {
    const page = await store.readAll({ after, limit: 5000 });
    count += page.events.length;
    [after, end] = [page.nextAfter, page.isEnd];
  }
  while (count < REBUILD_EVENTS && !interrupted) {
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
  // The baseline of the rebuild: the whole global log read in pages of 5000 (as `sim:national` reads it),
  // warmed by a first read, measured before and after the rebuild.
  /** CPU seconds so far of each of PostgreSQL's backends serving this process */
  const backendsCpu = async () => {
    const { rows } = await sql.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [tag],
    );
    return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
  };
  /** wall seconds, this process's CPU seconds and its PostgreSQL backends', of `work` */
  const timed = async <T>(work: () => Promise<T>) => {
    const [started, cpu, pg] = [performance.now(), process.cpuUsage(), await backendsCpu()];
    const value = await work();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    let postgresCpu = 0;
    for (const [pid, now] of await backendsCpu()) postgresCpu += now - (pg.get(pid) ?? 0);
    return { value, seconds, nodeCpu: (used.user + used.system) / 1e6, postgresCpu };
  };
  const readLog = () =>
    timed(async () => {
      let after = 0n;
      let events = 0;
      for (;;) {
        const page = await store.readAll({ after, limit: 5000 });
        events += page.events.length;
        after = page.nextAfter;
        if (page.isEnd) return events;
      }
    });
  if (interrupted) throw new Error('interrupted (Ctrl-C): no figures');
  await readLog();
  const before = await readLog();
  const rebuilt = await timed(() => rebuild(store, sql, { schema: check }));
  const after = await readLog();
  const rate = (r: { value: number; seconds: number }) => r.value / r.seconds;
  const logReadRate = (rate(before) + rate(after)) / 2;
  const rebuildRate = rebuilt.value.events / rebuilt.seconds;
  const mean = (key: 'nodeCpu' | 'postgresCpu') => (before[key] + after[key]) / 2;
  const cpu = {
    read: { node: round2(mean('nodeCpu')), postgres: round2(mean('postgresCpu')) },
    rebuild: { node: round2(rebuilt.nodeCpu), postgres: round2(rebuilt.postgresCpu) },
  };
  console.error(
    `rebuild: ${rebuilt.value.events} events, ${rebuilt.value.streams} streams in ${rebuilt.seconds.toFixed(1)} s (${Math.round(rebuildRate)}/s); log read ${Math.round(rate(before))} and ${Math.round(rate(after))} events/s; CPU s (node, postgres): read ${cpu.read.node}, ${cpu.read.postgres}; rebuild ${cpu.rebuild.node}, ${cpu.rebuild.postgres}`,
  );

  return {
    events: rebuilt.value.events,
    eventsPerSecond: Math.round(rebuildRate),
    logReadEventsPerSecond: Math.round(logReadRate),
    ratioToLogRead: Number((rebuildRate / logReadRate).toFixed(3)),
    /** CPU seconds of this process and of PostgreSQL's backends: a read's (the mean of the two) and the rebuild's */
    cpuSeconds: cpu,
    nodeCpuRatio: Number((cpu.read.node / cpu.rebuild.node).toFixed(3)),
  };
}

try {
  const load = REBUILD_ONLY ? undefined : await measureLoad();
  if (interrupted) throw new Error('interrupted (Ctrl-C): no figures');
  const rebuildFigures = await measureRebuild(load?.appended ?? 0);

  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : Promise.resolve())));
  console.log(
    JSON.stringify({
      bench: 'projections',
      phases: REBUILD_ONLY ? 'rebuild' : 'all',
      ...load?.figures,
      rebuild: rebuildFigures,
      loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number),
    }),
  );
} finally {
  await service?.stop();
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const s of [...(KEPT_EVENTS_SCHEMA ? [] : [eventsSchema]), schema, `${tag}_check`])
    await sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await opened.close();
  rmSync(projectorDataDir, { recursive: true, force: true });
}
