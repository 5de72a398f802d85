// The deadline timers (ADR 0025) and the reminders before them (ADR 0024) over BullMQ against the real PostgreSQL
// and Redis: each test has its own schemas, queue name and BullMQ key prefix ("Redis wiped" deletes that prefix's keys only), and an injected clock: jobs are
// delayed from it, and a job made due is promoted instead of waited for. Waits are on conditions (bounded).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewEvent, ReadStreamOptions, StreamRead } from '@ntm/event-store';
import { createInlineProjector, type InlineProjector } from '@ntm/projections';
import { bullmqTimerQueue, bullmqTimerWorker, type TimerJob } from '@ntm/scheduler/bullmqTimers';
import {
  createDeadlineScheduler,
  deadlineTimer,
  deadlineTimerHandler,
  deadlineTimerId,
  dueDayTimerId,
  dueDayTimers,
  deadlineWorkerPorts,
  fireDueDay,
  type DeadlineScheduler,
  type DeadlineTimerData,
} from '@ntm/scheduler';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { reminderInstant, reminderQueueName, type ReminderData } from '@ntm/notifications';
import { loadConfig, requireProjectorSettings } from '@ntm/runtime';
import { nationalCalendar, vietnamDate } from '@ntm/domain';
import { startReminderScheduler, startReminderWorker } from './reminders.js';
import { exited, outputSeen, sampleDossierEvents, spawnTypeScript } from '@ntm/testing';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await Promise.race([
      cleanup().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 10_000)),
    ]);
  }
});

/** The injected clock: moved by the test, never by time. */
class TestClock {
  constructor(private at: Date) {}
  now = (): Date => this.at;
  set(at: string): void {
    this.at = new Date(at);
  }
}

interface Env {
  opened: OpenedPostgresStore;
  eventsSchema: string;
  schema: string;
  queueName: string;
  redisPrefix: string;
  clock: TestClock;
  projector: InlineProjector;
  queue: Queue<TimerJob<DeadlineTimerData>>;
}

async function setup(now: string): Promise<Env> {
  const tag = `dl${randomBytes(4).toString('hex')}`;
  const opened = await openPostgresStore({
    connectionString: DATABASE_URL,
    schema: `${tag}_events`,
    pollIntervalMs: 100,
  });
  const schema = `${tag}_rm`;
  const redisPrefix = `${tag}-bull`;
  cleanups.push(async () => {
    for (const s of [`${tag}_events`, schema]) await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await opened.close();
  });
  cleanups.push(() => wipeRedis(redisPrefix));
  const clock = new TestClock(new Date(now));
  const queueName = `${tag}-deadlines`;
  // A queue handle of the test's own, to look at and promote jobs.
  const inspector = bullmqTimerQueue<DeadlineTimerData>({
    redisUrl: REDIS_URL,
    queueName,
    redisPrefix,
    clock,
  });
  cleanups.push(() => inspector.close());
  return {
    opened,
    eventsSchema: `${tag}_events`,
    schema,
    queueName,
    redisPrefix,
    clock,
    projector: await createInlineProjector(opened.store, opened.sql, { schema }),
    queue: inspector.queue,
  };
}

/** "Redis wiped": every key under the test's own BullMQ prefix, never anything else. */
async function wipeRedis(redisPrefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const keys = await redis.keys(`${redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

const timerOptions = (env: Env) => ({
  redisUrl: REDIS_URL,
  queueName: env.queueName,
  redisPrefix: env.redisPrefix,
  clock: env.clock,
});

function startScheduler(env: Env, dayShards = 1, dayPrepareMs = 0): DeadlineScheduler {
  const timers = bullmqTimerQueue<DeadlineTimerData>(timerOptions(env));
  const scheduler = createDeadlineScheduler({
    dayShards,
    dayPrepareMs,
    store: env.opened.store,
    sql: env.opened.sql,
    schema: env.schema,
    timers,
    reconcileIntervalMs: 0,
  });
  cleanups.push(async () => {
    await scheduler.close();
    await timers.close();
  });
  return scheduler;
}

const quiet = { warn: () => undefined, error: () => undefined };

function startWorker(env: Env) {
  const ports = deadlineWorkerPorts({
    store: env.opened.store,
    clock: env.clock,
    log: quiet,
    notifyAppended: (n) => env.projector.onAppended(n.streamId, n.revision).then(() => undefined),
  });
  const worker = bullmqTimerWorker(
    { ...timerOptions(env), lockDurationMs: 1000 },
    deadlineTimerHandler(ports, { sql: env.opened.sql, schema: env.schema }, quiet),
  );
  cleanups.push(() => worker.close());
  return worker;
}

/** Worker ports (own cache, batched reads) over a store that notes which streams are read, and appends at once. */
function countReads(env: Env) {
  const seen = new Set<string>();
  const appends = { inFlight: 0, most: 0 };
  const store = new Proxy(env.opened.store, {
    get(target, property) {
      if (property === 'append')
        return async (...args: Parameters<typeof target.append>) => {
          appends.most = Math.max(appends.most, ++appends.inFlight);
          try {
            return await target.append(...args);
          } finally {
            appends.inFlight -= 1;
          }
        };
      if (property === 'readStream')
        return (streamId: string, options?: ReadStreamOptions) => {
          seen.add(streamId);
          return target.readStream(streamId, options);
        };
      if (property === 'readStreams')
        return (reads: readonly StreamRead[]) => {
          for (const r of reads) seen.add(r.streamId);
          return target.readStreams(reads);
        };
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const ports = deadlineWorkerPorts({
    store,
    clock: env.clock,
    log: quiet,
    notifyAppended: (n) => env.projector.onAppended(n.streamId, n.revision).then(() => undefined),
  });
  return { ports, seen, appends };
}

/**
 * A dossier submitted with its verification deadline open (the sample history up to its `DeadlineScheduled`),
 * projected. Its deadline is due on the Vietnamese day of `dueAt`.
 */
async function openDeadline(
  env: Env,
  id: string,
  dueAt: string,
): Promise<{ streamId: string; deadlineId: string; dueOn: string }> {
  // The sample's deadline falls on the day of its 100th instant: count back from the due day, an hour a step.
  const start = Date.parse(dueAt) - 100 * 3_600_000;
  const all = sampleDossierEvents({ id, communeCode: '01800', districtCode: '060', year: 2024 }, (k) =>
    new Date(start + k * 3_600_000).toISOString(),
  );
  const upTo = all.findIndex((e) => e.type === 'DeadlineScheduled');
  const streamId = `dossier-${id}`;
  await env.opened.store.append(streamId, all.slice(0, upTo + 1), { expectedRevision: 'no_stream' });
  await env.projector.onAppended(streamId);
  const { deadlineId, dueOn } = all[upTo]!.data as { deadlineId: string; dueOn: string };
  return { streamId, deadlineId, dueOn };
}

/** The step after the deadline's (the verification): meets it; `project`: the read model is told at once. */
async function meetDeadline(env: Env, id: string, project = true): Promise<void> {
  const streamId = `dossier-${id}`;
  const all = sampleDossierEvents({ id, communeCode: '01800', districtCode: '060', year: 2024 }, (k) =>
    new Date(Date.UTC(2024, 0, 1) + k * 3_600_000).toISOString(),
  );
  const next: NewEvent = all[all.findIndex((e) => e.type === 'DeadlineScheduled') + 1]!;
  await env.opened.store.append(streamId, [next], { expectedRevision: 'any' });
  if (project) await env.projector.onAppended(streamId);
}

async function elapsedEvents(env: Env, streamId: string) {
  return (await env.opened.store.readStream(streamId)).filter((e) => e.type === 'DeadlineElapsed');
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const jobsIn = async (env: Env, state: 'delayed' | 'waiting' | 'active') =>
  (await env.queue.getJobCounts(state))[state] ?? 0;

/** Makes every delayed job due now (what the passing of real time would do). */
async function promoteAll(env: Env): Promise<void> {
  for (const job of await env.queue.getJobs(['delayed'])) {
    // A job may have become due by itself between the listing and its promotion.
    await job.promote().catch(() => undefined);
  }
}

describe('deadline timers over BullMQ', () => {
  it('due, duplicate and late timers: each deadline elapses once, on the clock’s day', async () => {
    const env = await setup('2024-03-01T00:00:00Z');
    const due = await Promise.all(
      ['a', 'b', 'c'].map((id, i) => openDeadline(env, `due-${id}`, `2024-02-0${i + 1}T03:00:00Z`)),
    );
    // Late: the worker (and the scheduler) start weeks after the due instants.
    const scheduler = startScheduler(env);
    await scheduler.start();
    // Duplicates: the same timers again (collapse on their id), and twins under other ids (fire, find it done).
    const timers = bullmqTimerQueue<DeadlineTimerData>(timerOptions(env));
    cleanups.push(() => timers.close());
    expect(due.map((d) => d.dueOn)).toEqual(['2024-02-01', '2024-02-02', '2024-02-03']);
    await scheduler.reconcile();
    await scheduler.reconcile();
    // Each deadline's own timer and its day's.
    expect(await jobsIn(env, 'waiting')).toBe(6);
    const [first] = await env.opened.sql
      .query<{ stream_id: string; deadline_id: string; due_at: string }>(
        `SELECT stream_id, deadline_id, due_at FROM "${env.schema}".deadlines ORDER BY stream_id LIMIT 1`,
      )
      .then((r) => r.rows);
    for (let i = 0; i < 3; i += 1) {
      const twin = deadlineTimer(first!.stream_id, first!.deadline_id, first!.due_at);
      await timers.schedule([{ ...twin, id: `${twin.id}.twin${i}` }]);
    }
    startWorker(env);
    startWorker(env);
    await waitFor('every deadline elapsed', async () => {
      const counts = await Promise.all(due.map((d) => elapsedEvents(env, d.streamId)));
      return (
        counts.every((c) => c.length >= 1) &&
        (await jobsIn(env, 'waiting')) + (await jobsIn(env, 'active')) === 0
      );
    });
    for (const d of due) {
      const elapsed = await elapsedEvents(env, d.streamId);
      expect(elapsed).toHaveLength(1);
      expect(elapsed[0]!.data).toEqual({
        deadlineId: d.deadlineId,
        dueOn: d.dueOn,
        elapsedOn: vietnamDate(env.clock.now()),
      });
      expect(elapsed[0]!.metadata.actor).toMatchObject({ id: 'system:deadline-worker' });
    }
    const rows = await env.opened.sql.query<{ state: string }>(`SELECT state FROM "${env.schema}".deadlines`);
    expect(rows.rows.map((r) => r.state)).toEqual(['elapsed', 'elapsed', 'elapsed']);
  });

  it('an early timer changes nothing and waits again, under its own id, for the instant the deadline is due', async () => {
    const env = await setup('2024-02-01T00:00:00Z');
    const { streamId, deadlineId, dueOn } = await openDeadline(env, 'early', '2024-02-20T03:00:00Z');
    const scheduler = startScheduler(env);
    await scheduler.start();
    // Delayed from the injected clock: the day's timer at 00:00 (Vietnam) the day after the due day, the
    // deadline's own a minute later.
    const day = (await env.queue.getJob(dueDayTimerId(dueOn)))!;
    const own = (await env.queue.getJob(deadlineTimerId(streamId, deadlineId)))!;
    expect(day.data).toMatchObject({ dueAt: '2024-02-20T17:00:00.000Z', data: { dueOn } });
    expect(day.delay).toBe(Date.parse('2024-02-20T17:00:00Z') - Date.parse('2024-02-01T00:00:00Z'));
    expect(own.data).toMatchObject({ dueAt: '2024-02-20T17:01:00.000Z' });
    expect(own.delay).toBe(Date.parse('2024-02-20T17:01:00Z') - Date.parse('2024-02-01T00:00:00Z'));
    // Fired early (as a clock running ahead, or a due day moved later, would make them): nothing is appended and
    // each job is delayed again for its instant, still one job each.
    await day.promote();
    await own.promote();
    startWorker(env);
    await waitFor('the early jobs to be delayed again', async () => {
      const again = await env.queue.getJobs(['delayed']);
      return again.length === 2 && again.every((job) => job.attemptsStarted > 0);
    });
    expect(await elapsedEvents(env, streamId)).toHaveLength(0);
    expect(await env.queue.getJobCounts('delayed', 'waiting', 'active')).toEqual({
      delayed: 2,
      waiting: 0,
      active: 0,
    });
    // On the due day itself it is still on time; from the next Vietnamese day it elapses.
    env.clock.set(`${dueOn}T10:00:00Z`);
    await promoteAll(env);
    await waitFor('the jobs to be delayed again', async () => (await jobsIn(env, 'delayed')) === 2);
    expect(await elapsedEvents(env, streamId)).toHaveLength(0);
    env.clock.set(`${dueOn}T17:00:00.000Z`);
    await promoteAll(env);
    await waitFor('the deadline elapsed', async () => (await elapsedEvents(env, streamId)).length === 1);
    await waitFor(
      'the queue empty',
      async () => (await jobsIn(env, 'delayed')) + (await jobsIn(env, 'active')) === 0,
    );
    expect((await elapsedEvents(env, streamId))[0]!.data).toMatchObject({ elapsedOn: '2024-02-21' });
  });

  it('a day’s deadlines are fired by the day’s one timer; their own timers, a minute later, append nothing more', async () => {
    const env = await setup('2024-01-01T00:00:00Z');
    const ids = Array.from({ length: 5 }, (_, i) => `day${i}`);
    const opened: Awaited<ReturnType<typeof openDeadline>>[] = [];
    for (const id of ids) opened.push(await openDeadline(env, id, '2024-01-10T03:00:00Z'));
    const scheduler = startScheduler(env);
    await scheduler.start();
    const dueOn = opened[0]!.dueOn;
    await waitFor('every timer set', async () => (await jobsIn(env, 'delayed')) === 6);
    // One dossier's verification deadline is met on time: the day's timer must leave it alone.
    await meetDeadline(env, 'day0');
    // The instant the day's deadlines turn overdue: only the day's timer is due.
    env.clock.set(`${dueOn}T17:00:00.000Z`);
    const day = await env.queue.getJob(dueDayTimerId(dueOn));
    expect(day).toBeDefined();
    startWorker(env);
    await day!.promote();
    await waitFor('the open deadlines elapsed', async () => {
      const counts = await Promise.all(
        opened.map(async (d) => (await elapsedEvents(env, d.streamId)).length),
      );
      return counts.every((n, i) => n === (i === 0 ? 0 : 1));
    });
    await waitFor('the day’s timer done', async () => (await env.queue.getJob(day!.id!)) === undefined);
    // Every deadline's own timer is still waiting for its minute.
    expect((await env.queue.getJobs(['delayed'])).map((job) => job.id).sort()).toEqual(
      opened.map((d) => deadlineTimerId(d.streamId, d.deadlineId)).sort(),
    );
    env.clock.set(`${dueOn}T17:01:00.000Z`);
    await promoteAll(env);
    await waitFor(
      'every job done',
      async () => (await env.queue.getJobCountByTypes('delayed', 'waiting', 'active')) === 0,
    );
    const counts = await Promise.all(opened.map(async (d) => (await elapsedEvents(env, d.streamId)).length));
    expect(counts).toEqual([0, 1, 1, 1, 1]);
  });

  it('a day in shards (ADR 0039): one timer per shard, each fires its share of the day’s deadlines, together all of them once', async () => {
    const env = await setup('2024-01-01T00:00:00Z');
    const opened: Awaited<ReturnType<typeof openDeadline>>[] = [];
    for (let i = 0; i < 8; i += 1) opened.push(await openDeadline(env, `shard${i}`, '2024-01-10T03:00:00Z'));
    const scheduler = startScheduler(env, 3);
    await scheduler.start();
    const dueOn = opened[0]!.dueOn;
    // Three timers for the day (and none under the unsharded id), each deadline's own.
    await waitFor('every timer set', async () => (await jobsIn(env, 'delayed')) === 3 + 8);
    const days = [0, 1, 2].map((k) => dueDayTimerId(dueOn, k, 3));
    for (const id of days)
      expect((await env.queue.getJob(id))?.data.data).toMatchObject({ dueOn, shards: 3 });
    expect(await env.queue.getJob(dueDayTimerId(dueOn))).toBeUndefined();
    env.clock.set(`${dueOn}T17:00:00.000Z`);
    const ports = deadlineWorkerPorts({ store: env.opened.store, clock: env.clock, log: quiet });
    const read = { sql: env.opened.sql, schema: env.schema };
    const elapsedSoFar = async () =>
      (await Promise.all(opened.map(async (d) => (await elapsedEvents(env, d.streamId)).length))).reduce(
        (sum, n) => sum + n,
        0,
      );
    const fired: number[] = [];
    for (let shard = 0; shard < 3; shard += 1) {
      const { found, elapsed } = await fireDueDay(ports, read, dueOn, quiet, 4, { shard, shards: 3 });
      expect(elapsed).toBe(found);
      fired.push(found);
      expect(await elapsedSoFar()).toBe(fired.reduce((sum, n) => sum + n, 0));
    }
    // Every stream in exactly one shard, and more than one shard had some.
    expect(fired.reduce((sum, n) => sum + n, 0)).toBe(8);
    expect(fired.filter((n) => n > 0).length).toBeGreaterThan(1);
    for (const d of opened) expect(await elapsedEvents(env, d.streamId)).toHaveLength(1);
  });

  it('a day read ahead (ADR 0040): its timer fires early, reads the dossiers, and at the instant only appends; a dossier written meanwhile is decided again', async () => {
    const env = await setup('2024-01-01T00:00:00Z');
    const opened: Awaited<ReturnType<typeof openDeadline>>[] = [];
    for (let i = 0; i < 4; i += 1) opened.push(await openDeadline(env, `ahead${i}`, '2024-01-10T03:00:00Z'));
    const dueOn = opened[0]!.dueOn;
    const instant = `${dueOn}T17:00:00.000Z`;
    // The scheduler sets the day's timer 30 s before the instant; each deadline's own stays a minute after it.
    const scheduler = startScheduler(env, 1, 30_000);
    await scheduler.start();
    const day = (await env.queue.getJob(dueDayTimerId(dueOn)))!;
    expect(day.data).toMatchObject({ dueAt: `${dueOn}T16:59:30.000Z`, data: { dueOn } });
    expect(day.delay).toBe(Date.parse(instant) - 30_000 - Date.parse('2024-01-01T00:00:00Z'));
    const reads = countReads(env);
    const fire = deadlineTimerHandler(reads.ports, { sql: env.opened.sql, schema: env.schema }, quiet, {
      concurrency: 2,
      prepareMs: 30_000,
      waitUntil: async (at) => {
        // Read ahead, each dossier once; nothing appended yet.
        expect(at).toBe(instant);
        expect([...reads.seen].sort()).toEqual(opened.map((d) => d.streamId).sort());
        for (const d of opened) expect(await elapsedEvents(env, d.streamId)).toHaveLength(0);
        // Meanwhile, one deadline is met (the read model not told yet, so the day still lists it): the dossier
        // read ahead is no longer current.
        await meetDeadline(env, 'ahead0', false);
        reads.seen.clear();
        env.clock.set(instant);
      },
    });
    // Fired more than 30 s early: waits again for 30 s before the instant, having read nothing.
    env.clock.set(`${dueOn}T16:59:00.000Z`);
    expect(await fire({ id: day.id!, ...day.data })).toEqual({ retryAt: `${dueOn}T16:59:30.000Z` });
    expect(reads.seen.size).toBe(0);
    env.clock.set(`${dueOn}T16:59:40.000Z`);
    expect(await fire({ id: day.id!, ...day.data })).toBeUndefined();
    const counts = await Promise.all(opened.map(async (d) => (await elapsedEvents(env, d.streamId)).length));
    expect(counts).toEqual([0, 1, 1, 1]);
    // At the instant only the dossier written since was read again; the others were decided on what was read ahead.
    expect([...reads.seen]).toEqual([opened[0]!.streamId]);
    // Decided ahead, they were appended all at once (the store groups them), not two at a time as reads go.
    expect(reads.appends.most).toBe(4);
    // Decided ahead for the instant: the events say it, as a firing at the instant would.
    for (const d of opened.slice(1)) {
      const [elapsed] = await elapsedEvents(env, d.streamId);
      expect(elapsed!.data).toMatchObject({ elapsedOn: '2024-01-11' });
      expect(elapsed!.metadata.occurredAt).toBe(instant);
    }
  });

  it('a day read ahead is never fired before its instant, and a worker that dies while it waits loses nothing and, back, appends nothing twice', async () => {
    const env = await setup('2024-01-01T00:00:00Z');
    const opened: Awaited<ReturnType<typeof openDeadline>>[] = [];
    for (let i = 0; i < 3; i += 1) opened.push(await openDeadline(env, `wait${i}`, '2024-01-10T03:00:00Z'));
    const dueOn = opened[0]!.dueOn;
    const instant = `${dueOn}T17:00:00.000Z`;
    const timer = dueDayTimers(dueOn, 1, 30_000)[0]!;
    const read = { sql: env.opened.sql, schema: env.schema };
    const elapsedCounts = () =>
      Promise.all(opened.map(async (d) => (await elapsedEvents(env, d.streamId)).length));
    // A wait that ends before the clock reads the instant: nothing is appended, the timer fires again at it.
    const cutShort = deadlineTimerHandler(countReads(env).ports, read, quiet, {
      prepareMs: 30_000,
      waitUntil: () => Promise.resolve(),
    });
    env.clock.set(`${dueOn}T16:59:45.000Z`);
    expect(await cutShort(timer)).toEqual({ retryAt: instant });
    expect(await elapsedCounts()).toEqual([0, 0, 0]);
    // A worker reads the day ahead, then hangs in its wait (as a process killed would: its job is handed on).
    let waiting!: () => void;
    let release!: () => void;
    const waited = new Promise<void>((resolve) => (waiting = resolve));
    const hung = deadlineTimerHandler(countReads(env).ports, read, quiet, {
      prepareMs: 30_000,
      waitUntil: () => {
        waiting();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const zombie = hung(timer);
    await waited;
    // Another worker, its cache empty, takes the day at the instant: every deadline elapsed once.
    env.clock.set(instant);
    const other = deadlineTimerHandler(countReads(env).ports, read, quiet, { prepareMs: 30_000 });
    expect(await other(timer)).toBeUndefined();
    expect(await elapsedCounts()).toEqual([1, 1, 1]);
    // The first one comes back with what it read before: every append it tries is refused, nothing twice.
    release();
    expect(await zombie).toBeUndefined();
    expect(await elapsedCounts()).toEqual([1, 1, 1]);
  });

  it('a deadline the day’s timer cannot see (its read model behind) is elapsed by its own timer', async () => {
    const env = await setup('2024-01-01T00:00:00Z');
    const seen = await openDeadline(env, 'seen', '2024-01-10T03:00:00Z');
    const scheduler = startScheduler(env);
    await scheduler.start();
    // Written to the log but not projected: the scheduler sets its timers from the log, the read model lacks it.
    const hidden = sampleDossierEvents(
      { id: 'hidden', communeCode: '01800', districtCode: '060', year: 2024 },
      (k) => new Date(Date.parse('2024-01-10T03:00:00Z') - (100 - k) * 3_600_000).toISOString(),
    );
    const upTo = hidden.findIndex((e) => e.type === 'DeadlineScheduled');
    await env.opened.store.append('dossier-hidden', hidden.slice(0, upTo + 1), {
      expectedRevision: 'no_stream',
    });
    const hiddenDeadline = hidden[upTo]!.data as { deadlineId: string; dueOn: string };
    expect(hiddenDeadline.dueOn).toBe(seen.dueOn);
    const own = deadlineTimerId('dossier-hidden', hiddenDeadline.deadlineId);
    await waitFor('the hidden deadline’s timer', async () => (await env.queue.getJob(own)) !== undefined);

    env.clock.set(`${seen.dueOn}T17:00:00.000Z`);
    startWorker(env);
    await (await env.queue.getJob(dueDayTimerId(seen.dueOn)))!.promote();
    await waitFor(
      'the seen deadline elapsed',
      async () => (await elapsedEvents(env, seen.streamId)).length === 1,
    );
    await waitFor('the day’s timer done', async () => (await jobsIn(env, 'delayed')) === 2);
    expect(await elapsedEvents(env, 'dossier-hidden')).toHaveLength(0);
    // A minute later its own timer fires it.
    env.clock.set(`${seen.dueOn}T17:01:00.000Z`);
    await promoteAll(env);
    await waitFor(
      'the hidden deadline elapsed',
      async () => (await elapsedEvents(env, 'dossier-hidden')).length === 1,
    );
    await waitFor(
      'every job done',
      async () => (await env.queue.getJobCountByTypes('delayed', 'waiting', 'active')) === 0,
    );
    expect(await elapsedEvents(env, seen.streamId)).toHaveLength(1);
    expect(await elapsedEvents(env, 'dossier-hidden')).toHaveLength(1);
  });

  it('reversed jobs, and a deadline met before its timer fires: each open one elapses once, the met one never', async () => {
    const env = await setup('2024-01-01T00:00:00Z');
    const ids = Array.from({ length: 6 }, (_, i) => `rev${i}`);
    const opened = [];
    for (const [i, id] of ids.entries())
      opened.push(await openDeadline(env, id, `2024-01-${10 + i}T03:00:00Z`));
    const scheduler = startScheduler(env);
    await scheduler.start();
    expect(await jobsIn(env, 'delayed')).toBe(12);
    // The verification of rev0 is recorded before its due day: its deadline is met.
    await meetDeadline(env, 'rev0');
    // Every job fires at once, last due first.
    env.clock.set('2024-03-01T00:00:00Z');
    const jobs = await env.queue.getJobs(['delayed']);
    jobs.sort((a, b) => b.data.dueAt.localeCompare(a.data.dueAt));
    startWorker(env);
    for (const job of jobs) await job.promote();
    await waitFor(
      'every job done',
      async () => (await env.queue.getJobCountByTypes('delayed', 'waiting', 'active')) === 0,
    );
    const counts = await Promise.all(opened.map(async (d) => (await elapsedEvents(env, d.streamId)).length));
    expect(counts).toEqual([0, 1, 1, 1, 1, 1]);
  });

  it('Redis wiped: a restarted scheduler re-derives every pending timer, and deadlines scheduled meanwhile too', async () => {
    const env = await setup('2024-01-01T00:00:00Z');
    const first = [];
    for (let i = 0; i < 10; i += 1)
      first.push(await openDeadline(env, `wipe${i}`, `2024-02-${10 + i}T03:00:00Z`));
    const scheduler = startScheduler(env);
    await scheduler.start();
    // Each deadline's own timer and its day's (one deadline a day here).
    expect(await jobsIn(env, 'delayed')).toBe(20);
    // Following the log: a deadline scheduled while it runs gets its timers without a reconcile.
    const live = await openDeadline(env, 'live', '2024-02-25T03:00:00Z');
    await waitFor('the live deadline’s timers', async () => (await jobsIn(env, 'delayed')) === 22);
    await scheduler.close();
    // Down: Redis loses everything, and one more deadline is scheduled.
    await wipeRedis(env.redisPrefix);
    expect(await jobsIn(env, 'delayed')).toBe(0);
    const meanwhile = await openDeadline(env, 'meanwhile', '2024-02-26T03:00:00Z');
    const restarted = startScheduler(env);
    await restarted.start();
    expect(await jobsIn(env, 'delayed')).toBe(24);
    // A wipe with the scheduler running: its periodic (here: on demand) reconcile puts them back.
    await wipeRedis(env.redisPrefix);
    expect(await restarted.reconcile()).toEqual({ scheduled: 12 });
    expect(await jobsIn(env, 'delayed')).toBe(24);
    env.clock.set('2024-03-01T00:00:00Z');
    startWorker(env);
    await promoteAll(env);
    const all = [...first, live, meanwhile];
    await waitFor('every deadline elapsed', async () => {
      const counts = await Promise.all(all.map(async (d) => (await elapsedEvents(env, d.streamId)).length));
      return counts.every((n) => n === 1);
    });
    await waitFor(
      'the queue empty',
      async () => (await env.queue.getJobCountByTypes('delayed', 'waiting', 'active')) === 0,
    );
    const counts = await Promise.all(all.map(async (d) => (await elapsedEvents(env, d.streamId)).length));
    expect(counts).toEqual(all.map(() => 1));
  });

  it('a worker process killed (SIGKILL) while it holds a due job: another worker takes it, elapsed exactly once', async () => {
    const env = await setup('2024-03-01T00:00:00Z');
    const { streamId } = await openDeadline(env, 'killed', '2024-02-01T03:00:00Z');
    // Appends wait behind this lock, so the child is caught between deciding and appending.
    const unlock = await holdAppendLock(env);
    cleanups.push(unlock);
    const child = spawnWorker(env);
    await outputSeen(child, 'worker ready');
    const scheduler = startScheduler(env);
    await scheduler.start();
    await waitFor('the child to hold the job, blocked on its append', async () => {
      const blocked = await env.opened.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
           JOIN pg_namespace s ON s.oid = c.relnamespace
          WHERE NOT l.granted AND s.nspname = $1 AND c.relname = 'events'`,
        [env.eventsSchema],
      );
      return blocked.rows[0]!.n > 0 && (await jobsIn(env, 'active')) >= 1;
    });
    child.kill('SIGKILL');
    await exited(child);
    expect(child.signalCode).toBe('SIGKILL');
    await unlock();
    // The job's lock runs out (1 s), the stalled job goes back to the queue, and this worker takes it.
    startWorker(env);
    await waitFor('the deadline elapsed', async () => (await elapsedEvents(env, streamId)).length >= 1);
    await waitFor(
      'the queue empty',
      async () => (await env.queue.getJobCountByTypes('delayed', 'waiting', 'active')) === 0,
    );
    expect(await elapsedEvents(env, streamId)).toHaveLength(1);
  });
});

/** Takes a lock that makes every append to the test's events wait; resolves with the function that drops it. */
async function holdAppendLock(env: Env): Promise<() => Promise<void>> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let taken!: () => void;
  const lockTaken = new Promise<void>((resolve) => (taken = resolve));
  const transaction = env.opened.sql
    .transaction(async (tx) => {
      await tx.query(`LOCK TABLE "${env.eventsSchema}".events IN EXCLUSIVE MODE`);
      taken();
      await held;
      throw new Error('rolled back on purpose');
    })
    .catch(() => undefined);
  await lockTaken;
  return async () => {
    release();
    await transaction;
  };
}

/** A projector worker in its own OS process, from the TypeScript entry point, firing this test's deadline queue. */
function spawnWorker(env: Env): ChildProcess {
  const entry = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const child = spawnTypeScript(entry, {
    env: {
      ...process.env,
      DATABASE_URL,
      REDIS_URL,
      DATABASE_SCHEMA: env.eventsSchema,
      READ_MODEL_SCHEMA: env.schema,
      QUEUE_PREFIX: `${env.queueName}-wake`,
      BULLMQ_PREFIX: env.redisPrefix,
      DEADLINE_QUEUE: env.queueName,
      WORKER_LOCK_MS: '1000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited(child);
  });
  return child;
}

describe('reminders over BullMQ (REDIS_URL mode)', () => {
  it('fire at their instant on the injected clock, not before, and write each reminder once however often derived', async () => {
    const env = await setup('2024-03-01T00:00:00Z');
    const { streamId, dueOn } = await openDeadline(env, 'remind', '2024-03-20T03:00:00Z');
    const config = requireProjectorSettings(
      loadConfig({
        REDIS_URL,
        DATABASE_URL,
        BULLMQ_PREFIX: env.redisPrefix,
        NOTIFY_QUEUE: `${env.queueName}-notify`,
        NOTIFY_REMINDER_DAYS: '2',
        DEADLINE_RECONCILE_SECONDS: '0',
        WORKER_LOCK_MS: '1000',
      }),
    );
    const infra = { sql: env.opened.sql, readModelSchema: env.schema };
    const log = { warn: () => undefined };
    const inspector = bullmqTimerQueue<ReminderData>({
      redisUrl: REDIS_URL,
      queueName: reminderQueueName(config.NOTIFY_QUEUE),
      redisPrefix: env.redisPrefix,
      clock: env.clock,
    });
    cleanups.push(() => inspector.close());
    const kicks: number[] = [];
    const worker = startReminderWorker(config, infra, log, () => kicks.push(1), env.clock);
    cleanups.push(() => worker.close());
    await worker.ready();
    const scheduler = await startReminderScheduler(config, infra, log, env.clock);
    cleanups.push(() => scheduler.close());
    const reminders = async () =>
      (
        await env.opened.sql.query<{ id: string; created_at: string }>(
          `SELECT id, created_at FROM "${env.schema}".notifications WHERE kind = 'reminder' AND stream_id = $1`,
          [streamId],
        )
      ).rows;
    const instant = reminderInstant(dueOn, 2, nationalCalendar());
    const delayed = async () => (await inspector.queue.getJobCounts('delayed'))['delayed'] ?? 0;
    expect(await delayed()).toBe(1);

    // Fired early (promoted before the clock reached the instant): waits again under its id, writes nothing.
    for (const job of await inspector.queue.getJobs(['delayed'])) await job.promote();
    await waitFor('the early job back in delayed', async () => (await delayed()) === 1);
    expect(await reminders()).toEqual([]);

    // At the instant: the reminder to the inbox holding the dossier, dated at the instant; the relay is kicked.
    env.clock.set(instant);
    for (const job of await inspector.queue.getJobs(['delayed'])) await job.promote().catch(() => undefined);
    await waitFor('the reminder written', async () => (await reminders()).length > 0);
    const written = await reminders();
    expect(written.map((r) => r.created_at)).toEqual(written.map(() => instant));
    expect(kicks).toHaveLength(1);

    // Derived again (a restart, a lost Redis): the same timer fires again and adds nothing.
    await waitFor(
      'the job done',
      async () => (await inspector.queue.getJobCountByTypes('delayed', 'waiting', 'active')) === 0,
    );
    expect(await scheduler.reconcile()).toBe(1);
    await waitFor(
      'the timer fired again',
      async () => (await inspector.queue.getJobCountByTypes('delayed', 'waiting', 'active')) === 0,
    );
    expect(await reminders()).toEqual(written);
    expect(kicks).toHaveLength(1);
  });
});
