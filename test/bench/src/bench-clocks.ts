/**
 * `pnpm bench:clocks`: the deadline timers over BullMQ (ADR 0025) with CLOCKS_DEADLINES (default 100,000) open
 * deadlines, on PostgreSQL and Redis (a schema and a BullMQ key prefix of its own, removed at the end or on SIGINT).
 * 1. Baseline: the raw rate of adding as many delayed jobs to BullMQ (`addBulk` of 1,000, the same job options).
 * 2. Scheduling: the scheduler's first start (follows the whole log and reconciles from the read model).
 * 3. Recovery: Redis wiped (this run's prefix only), the scheduler restarted: seconds until every deadline has its
 *    job again (goal < 30 s), and its rate as a ratio to the baseline.
 * 4. Delay: CLOCKS_DUE (default 1,000) of the deadlines are made due a few seconds ahead (all deadlines of a day
 *    turn overdue at the same instant, 00:00 in Vietnam) while the others stay pending; from that instant to each
 *    `DeadlineElapsed` appended (the event's recorded time): p50, p99 (goal < 2 s), max; and where it goes
 *    (`phaseMs`): due instant → its read asked (the day's timer picked up by a worker, then a free lane) → read
 *    (batched) → its append asked (decide) → appended. `CLOCKS_CPU_PROFILE=<file>` profiles the burst.
 *    `CLOCKS_PREPARE_SECONDS` (default 30, as `DEADLINE_PREPARE_SECONDS`): the day's timer fires so long before
 *    the instant and reads the day's dossiers ahead (ADR 0040); 0 reads them at the instant.
 *    `CLOCKS_PROCESSES=N` (N ≥ 1) fires the burst from N worker processes (this file, forked) instead of
 *    CLOCKS_WORKERS in-process workers, with the day's timer in `CLOCKS_DAY_SHARDS` shards (default N; ADR 0039).
 * The deadlines are written straight to the store (a short valid history per dossier: opened … submitted,
 * `DeadlineScheduled`) and projected by a rebuild. The business clock is the system clock shifted so that the
 * deadlines' due instants fall where the bench needs them. Human lines on stderr, one JSON line on stdout.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import { loadavg, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { overdueFrom } from '@ntm/domain';
import { rebuild } from '@ntm/projections';
import { bullmqTimerQueue, bullmqTimerWorker } from '@ntm/scheduler/bullmqTimers';
import {
  createDeadlineScheduler,
  deadlineTimerHandler,
  deadlineTimersFor,
  deadlineWorkerPorts,
  type DeadlineTimerData,
} from '@ntm/scheduler';
import type { EventStore, ExpectedRevision, NewEvent, ReadStreamOptions } from '@ntm/event-store';
import { openPostgresStore } from '@ntm/store-postgres';
import { sampleDossierEvents } from '@ntm/testing';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const DEADLINES = Number(process.env['CLOCKS_DEADLINES'] ?? 100_000);
const DUE = Math.min(DEADLINES, Number(process.env['CLOCKS_DUE'] ?? 1000));
const WORKERS = Number(process.env['CLOCKS_WORKERS'] ?? 2);
// The projector's default (DEADLINE_CONCURRENCY): firings' reads are batched, so many in flight pay off.
const CONCURRENCY = Number(process.env['CLOCKS_CONCURRENCY'] ?? 128);
/** worker processes firing the burst (0: CLOCKS_WORKERS workers in this process, as before ADR 0039) */
const PROCESSES = Number(process.env['CLOCKS_PROCESSES'] ?? 0);
/** timers per due day (the scheduler's `dayShards`) */
const SHARDS = Number(process.env['CLOCKS_DAY_SHARDS'] ?? Math.max(1, PROCESSES));
/** set in the forked worker processes */
const CHILD = process.env['CLOCKS_CHILD'] === '1';
const WRITERS = 8;
/** how long before its instant a due day's timer fires to read the day's dossiers ahead (ADR 0040; 0: none) */
const PREPARE_MS = Number(process.env['CLOCKS_PREPARE_SECONDS'] ?? 30) * 1000;
/** how far ahead of "now" the burst is made due: time for the workers to be ready, and to read ahead */
const LEAD_MS = 3000 + PREPARE_MS;
/** the burst's due day; the other deadlines fall on the 99 days after it */
const FIRST_DUE = Date.UTC(2026, 0, 5);

const tag = process.env['CLOCKS_TAG'] ?? `bench_clocks_${randomBytes(3).toString('hex')}`;
const eventsSchema = `${tag}_events`;
const schema = `${tag}_rm`;
const redisPrefix = `${tag}-bull`;
const queueName = `${tag}-deadlines`;

const log = (line: string) => process.stderr.write(`${line}\n`);
const p = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The due day of deadline i: the first DUE on the burst's day, the others spread over the next 99 days. */
const dueDayOf = (i: number) => day(FIRST_DUE + (i < DUE ? 0 : 1 + (i % 99)) * 86_400_000);

/** A clock `offsetMs` ahead of the system clock. */
const shifted = (offsetMs: number) => ({ now: () => new Date(Date.now() + offsetMs) });

const opened = await openPostgresStore({ connectionString, schema: eventsSchema, pollIntervalMs: 50 });
const { store, sql } = opened;
const closers: (() => Promise<unknown>)[] = [];

async function wipeRedis(): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    await wipeRedis().catch(() => undefined);
    for (const s of [eventsSchema, schema])
      await sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => undefined);
    await opened.close().catch(() => undefined);
  })());
if (!CHILD)
  process.once('SIGINT', () => {
    log('interrupted: removing the schema and the Redis keys of this run');
    void cleanup().finally(() => process.exit(130));
  });

/** A short valid history: opened, notice, poll, meeting, submitted, and the deadline (no self-assessments). */
function history(i: number) {
  const dueAt = Date.parse(`${dueDayOf(i)}T01:00:00Z`);
  // The sample's deadline falls on the day of its 100th instant.
  return sampleDossierEvents({ id: `c${i}`, communeCode: '01849', districtCode: '061', year: 2025 }, (k) =>
    new Date(dueAt - (100 - k) * 60_000).toISOString(),
  )
    .filter((e) => e.type !== 'SelfAssessmentRecorded')
    .slice(0, 7);
}

async function createDeadlines(): Promise<number> {
  const t = performance.now();
  let next = 0;
  let done = 0;
  const writer = async () => {
    for (let i = next++; i < DEADLINES; i = next++) {
      const events = history(i);
      if (events.at(-1)!.type !== 'DeadlineScheduled') throw new Error('the short history lost its deadline');
      await store.append(`dossier-c${i}`, events, { expectedRevision: 'no_stream' });
      done += 1;
      if (done % 10_000 === 0)
        log(`  created ${done.toLocaleString('en')} / ${DEADLINES.toLocaleString('en')} deadlines`);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  return (performance.now() - t) / 1000;
}

/** When each firing of the burst reached each phase (epoch ms): where the delay goes. */
interface Phases {
  readAsked?: number;
  read?: number;
  appendAsked?: number;
  appended?: number;
}
const phases = new Map<string, Phases>();
/** when the burst's day timer was picked up by a worker */
let dayPicked: number | undefined;
const phaseOf = (streamId: string): Phases => {
  let entry = phases.get(streamId);
  if (!entry) phases.set(streamId, (entry = {}));
  return entry;
};

/** The store as the workers see it, its stream reads and appends timed per stream (before the batching). */
function timedStore(inner: EventStore): EventStore {
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'readStream')
        return async (streamId: string, options?: ReadStreamOptions) => {
          phaseOf(streamId).readAsked ??= Date.now();
          const events = await target.readStream(streamId, options);
          phaseOf(streamId).read ??= Date.now();
          return events;
        };
      if (property === 'append')
        return async (
          streamId: string,
          events: NewEvent[],
          options: { expectedRevision: ExpectedRevision },
        ) => {
          phaseOf(streamId).appendAsked ??= Date.now();
          const result = await target.append(streamId, events, options);
          phaseOf(streamId).appended ??= Date.now();
          return result;
        };
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** `CLOCKS_CPU_PROFILE=<file>`: a CPU profile of this process over the burst only (open it in Chrome DevTools). */
async function startProfile() {
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
      log(`CPU profile of the burst written to ${file}`);
    },
  };
}

const jobOptionsOf = (delay: number, jobId: string) => ({ jobId, delay });

/** Baseline: raw delayed-job adds, in the same `addBulk` batches as the scheduler, to a queue of its own. */
async function rawAdds(): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(`${tag}-raw`, {
    connection,
    prefix: redisPrefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 12 },
  });
  const t = performance.now();
  for (let i = 0; i < DEADLINES; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, DEADLINES - i) }, (_, k) => ({
        name: 'timer',
        data: { dueAt: '2026-01-05T17:00:00.000Z', data: { streamId: `dossier-c${i + k}`, deadlineId: 'x' } },
        opts: jobOptionsOf(86_400_000 + k, `raw.${i + k}`),
      })),
    );
  }
  const seconds = (performance.now() - t) / 1000;
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return DEADLINES / seconds;
}

async function delayedJobs(queue: Queue): Promise<number> {
  return (await queue.getJobCounts('delayed')).delayed ?? 0;
}

/**
 * Starts a scheduler with the business clock `clockOffsetMs` ahead; `seconds` until its start-up reconcile is done,
 * `followed` until it has also read the log up to its head (nothing of it may race the burst).
 */
async function startScheduler(clockOffsetMs: number) {
  const timers = bullmqTimerQueue<DeadlineTimerData>({
    redisUrl,
    queueName,
    redisPrefix,
    clock: shifted(clockOffsetMs),
  });
  const scheduler = createDeadlineScheduler({
    store,
    sql,
    schema,
    timers,
    reconcileIntervalMs: 0,
    dayShards: SHARDS,
    dayPrepareMs: PREPARE_MS,
  });
  const t = performance.now();
  await scheduler.start();
  const seconds = (performance.now() - t) / 1000;
  const head = await store.headPosition();
  while (scheduler.position() < head) await new Promise((resolve) => setTimeout(resolve, 20));
  return {
    seconds,
    followed: (performance.now() - t) / 1000,
    timers,
    close: async () => {
      await scheduler.close();
      await timers.close();
    },
  };
}

const quiet = {
  warn: (d: object, m: string) => log(`${m} ${JSON.stringify(d)}`),
  error: (d: object, m: string) => log(`${m} ${JSON.stringify(d)}`),
};

/** A worker firing the deadline queue with the clock `clock`; its day timers picked up are noted. */
async function startWorker(clock: { now: () => Date }) {
  const batched = deadlineWorkerPorts({ store, clock, log: quiet });
  const ports = { ...batched, store: timedStore(batched.store) };
  const fire = deadlineTimerHandler(ports, { sql, schema }, quiet, {
    concurrency: CONCURRENCY,
    prepareMs: PREPARE_MS,
  });
  const worker = bullmqTimerWorker<DeadlineTimerData>(
    { redisUrl, queueName, redisPrefix, clock, concurrency: CONCURRENCY },
    (timer) => {
      if ('dueOn' in timer.data) dayPicked ??= Date.now();
      return fire(timer);
    },
  );
  await worker.ready();
  return worker;
}

type ChildMessage =
  | { type: 'ready' }
  | { type: 'clock-set' }
  | { type: 'report'; phases: [string, Phases][]; dayPicked: number | undefined };
type ParentMessage = { type: 'clock'; offset: number } | { type: 'report' } | { type: 'stop' };

/** A forked worker process (CLOCKS_PROCESSES): one worker, its clock set by the parent, its phases reported. */
async function runChild(): Promise<void> {
  let offset = 0;
  const worker = await startWorker({ now: () => new Date(Date.now() + offset) });
  const send = (message: ChildMessage) => process.send!(message);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'clock') {
      offset = message.offset;
      send({ type: 'clock-set' });
    } else if (message.type === 'report') send({ type: 'report', phases: [...phases], dayPicked });
    else
      void worker
        .close()
        .then(() => opened.close())
        .finally(() => process.exit(0));
  });
  send({ type: 'ready' });
}

/** The worker processes of CLOCKS_PROCESSES: forked, ready, each with a way to ask and wait for an answer. */
async function forkWorkers(count: number) {
  const children = Array.from({ length: count }, () =>
    fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, CLOCKS_CHILD: '1', CLOCKS_TAG: tag },
    }),
  );
  const next = (child: ChildProcess, type: ChildMessage['type']) =>
    new Promise<ChildMessage>((resolve, reject) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code: number | null) => reject(new Error(`a worker process exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  await Promise.all(children.map((child) => next(child, 'ready')));
  return {
    ask: (message: ParentMessage, answer: ChildMessage['type']) =>
      Promise.all(
        children.map((child) => {
          const answered = next(child, answer);
          child.send(message);
          return answered;
        }),
      ),
    stop: () =>
      Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.send({ type: 'stop' } satisfies ParentMessage);
            }),
        ),
      ),
  };
}

if (CHILD) await runChild();
else
  try {
    log(
      `bench:clocks: ${DEADLINES.toLocaleString('en')} deadlines, ${DUE.toLocaleString('en')} due in the burst; ${cpus().length} cores, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const createSeconds = await createDeadlines();
    log(`created in ${createSeconds.toFixed(1)} s; projecting (rebuild) …`);
    const t = performance.now();
    await rebuild(store, sql, { schema });
    log(`projected in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const rawRate = await rawAdds();
    log(`baseline: raw BullMQ delayed-job adds ${Math.round(rawRate).toLocaleString('en')} jobs/s`);

    // The business clock an hour before the burst is due: every job is delayed.
    const burstDue = overdueFrom(dueDayOf(0));
    const hourBefore = Date.parse(burstDue) - 3_600_000 - Date.now();
    const first = await startScheduler(hourBefore);
    const inspector = first.timers.queue;
    log(
      `first start: reconcile ${first.seconds.toFixed(1)} s, whole log followed ${first.followed.toFixed(1)} s, ${await delayedJobs(inspector)} jobs delayed`,
    );
    await first.close();

    await wipeRedis();
    const restarted = await startScheduler(hourBefore);
    closers.push(restarted.close);
    const recoverySeconds = restarted.seconds;
    const recovered = await delayedJobs(restarted.timers.queue);
    // Each deadline's own timer and one timer per due day.
    const expected =
      DEADLINES + SHARDS * new Set(Array.from({ length: DEADLINES }, (_, i) => dueDayOf(i))).size;
    log(
      `Redis wiped, scheduler restarted: ${recovered.toLocaleString('en')} jobs back in ${recoverySeconds.toFixed(1)} s`,
    );
    if (recovered !== expected) throw new Error(`recovered ${recovered} jobs, expected ${expected}`);

    // The burst: its jobs removed, the workers started and ready, then its jobs set again for LEAD_MS from now (as a
    // fresh schedule would); the rest stay pending. The workers' clock is set with the burst.
    const burst = [
      ...new Map(
        Array.from({ length: DUE }, (_, i) =>
          deadlineTimersFor(
            `dossier-c${i}`,
            history(i).at(-1)!.data['deadlineId'] as string,
            dueDayOf(i),
            SHARDS,
            PREPARE_MS,
          ),
        )
          .flat()
          .map((t) => [t.id, t]),
      ).values(),
    ];
    for (const timer of burst) await restarted.timers.queue.remove(timer.id);
    let offset = 0;
    const clock = { now: () => new Date(Date.now() + offset) };
    const processes = PROCESSES > 0 ? await forkWorkers(PROCESSES) : undefined;
    if (processes) closers.push(processes.stop);
    for (let w = 0; w < (processes ? 0 : WORKERS); w += 1) {
      const worker = await startWorker(clock);
      closers.push(() => worker.close());
    }
    const burstTimers = bullmqTimerQueue<DeadlineTimerData>({ redisUrl, queueName, redisPrefix, clock });
    closers.push(() => burstTimers.close());
    await burstTimers.queue.waitUntilReady();
    offset = Date.parse(burstDue) - (Date.now() + LEAD_MS);
    const realDue = Date.parse(burstDue) - offset;
    await processes?.ask({ type: 'clock', offset }, 'clock-set');
    const before = await store.headPosition();
    await burstTimers.schedule(burst);
    // The profile covers the firings at the instant, not the reading ahead before it.
    if (process.env['CLOCKS_CPU_PROFILE'])
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, realDue - Date.now() - 200)));
    const profiler = process.env['CLOCKS_CPU_PROFILE'] ? await startProfile() : undefined;
    const delays: number[] = [];
    let after = before;
    const give = Date.now() + LEAD_MS + 120_000;
    while (delays.length < DUE && Date.now() < give) {
      const page = await store.readAll({ after, limit: 1000 });
      for (const e of page.events)
        if (e.type === 'DeadlineElapsed') delays.push(Date.parse(e.recordedAt) - realDue);
      after = page.nextAfter;
      if (page.events.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (delays.length < DUE) {
      const counts = await restarted.timers.queue.getJobCounts(
        'delayed',
        'waiting',
        'active',
        'failed',
        'prioritized',
      );
      const missing = [];
      for (let i = 0; i < DUE; i += 1) {
        const events = await store.readStream(`dossier-c${i}`);
        if (!events.some((e) => e.type === 'DeadlineElapsed')) missing.push(i);
      }
      const job = await restarted.timers.queue.getJob(burst[0]!.id);
      throw new Error(
        `only ${delays.length} of ${DUE} deadlines elapsed; queue ${JSON.stringify(counts)}; missing ${missing.slice(0, 5).join(',')}; job ${JSON.stringify({ state: await job?.getState(), delay: job?.delay, ts: job?.timestamp, failed: job?.failedReason })}`,
      );
    }
    if (profiler) await profiler.stop(process.env['CLOCKS_CPU_PROFILE']!);
    // The worker processes' phases (each stream is fired by the process that took its shard).
    const firingsPerProcess: number[] = [];
    for (const report of (await processes?.ask({ type: 'report' }, 'report')) ?? []) {
      if (report.type !== 'report') continue;
      firingsPerProcess.push(report.phases.length);
      for (const [streamId, f] of report.phases) phases.set(streamId, f);
      if (report.dayPicked !== undefined) dayPicked = Math.min(dayPicked ?? Infinity, report.dayPicked);
    }
    delays.sort((a, b) => a - b);
    const pending = await delayedJobs(restarted.timers.queue);
    log(
      `burst: ${DUE} elapsed, ${pending.toLocaleString('en')} still pending; delay p50 ${p(delays, 0.5)} ms, p99 ${p(delays, 0.99)} ms, max ${delays.at(-1)} ms`,
    );

    // Each phase's share of the delay: due instant → its read asked (the day's timer picked up, then a free lane) →
    // read (batched) → its append asked (decide) → appended (group commit). A dossier read ahead (ADR 0040) was read
    // before the instant (toRead negative, decide counts the wait): `toAppend`, due instant → append asked, is what
    // compares.
    const stages = [
      ['toAppend', (f: Phases) => f.appendAsked! - realDue],
      ['toRead', (f: Phases) => f.readAsked! - realDue],
      ['read', (f: Phases) => f.read! - f.readAsked!],
      ['decide', (f: Phases) => f.appendAsked! - f.read!],
      ['append', (f: Phases) => f.appended! - f.appendAsked!],
      // The events' recorded time (delayMs) is taken as the store builds the INSERT; this is when it returned.
      ['appended', (f: Phases) => f.appended! - realDue],
    ] as const;
    const complete = [...phases.values()].filter((f) => f.readAsked && f.read && f.appendAsked && f.appended);
    const phaseMs = Object.fromEntries(
      stages.map(([name, of]) => {
        const sorted = complete.map(of).sort((a, b) => a - b);
        return [name, { p50: p(sorted, 0.5), p99: p(sorted, 0.99) }];
      }),
    );
    const dayTimerPickedMs = dayPicked === undefined ? null : dayPicked - realDue;
    log(
      `day timer picked up after ${dayTimerPickedMs} ms; phases of ${complete.length} firings (ms): ${JSON.stringify(phaseMs)}`,
    );

    const recoveryRate = DEADLINES / recoverySeconds;
    const result = {
      bench: 'clocks',
      deadlines: DEADLINES,
      due: DUE,
      workers: PROCESSES > 0 ? 1 : WORKERS,
      processes: Math.max(1, PROCESSES),
      dayShards: SHARDS,
      concurrency: CONCURRENCY,
      baselineRawAddsPerSecond: Math.round(rawRate),
      firstStartSeconds: round(first.seconds, 2),
      firstLogFollowedSeconds: round(first.followed, 2),
      recoverySeconds: round(recoverySeconds, 2),
      recoveryJobsPerSecond: Math.round(recoveryRate),
      recoveryRatioToRaw: round(recoveryRate / rawRate, 3),
      delayMs: { p50: p(delays, 0.5), p99: p(delays, 0.99), max: delays.at(-1)! },
      dayTimerPickedMs,
      ...(processes ? { firingsPerProcess } : {}),
      prepareSeconds: PREPARE_MS / 1000,
      readAhead: complete.filter((f) => f.read! < realDue).length,
      phaseMs,
      pendingAfterBurst: pending,
      goals: { delayP99Under2s: p(delays, 0.99) < 2000, recoveryUnder30s: recoverySeconds < 30 },
      cores: cpus().length,
      loadAverage: loadavg().map((l) => round(l, 2)),
    };
    await cleanup();
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  } catch (error) {
    log(`bench:clocks failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await cleanup();
    process.exit(1);
  }
