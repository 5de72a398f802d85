// The projector against the real PostgreSQL and Redis: each test has its own schemas, queue names and BullMQ key
// prefix, and waits on conditions (bounded), never on time.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventStore, NewEvent } from '@ntm/event-store';
import {
  exited,
  failingReads,
  outputSeen,
  sampleDossierEvents,
  sampleNumberDrawn,
  spawnTypeScript,
  uuidFor,
} from '@ntm/testing';
import { compareReadModels, migrateReadModels, rebuild } from '@ntm/projections';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { createDispatcher, type Dispatcher, type DispatcherOptions } from './createDispatcher.js';
import { createProjectionWorker, type ProjectionWorker } from './createProjectionWorker.js';
import { partitionQueueName, queueNameFor, type WakeUpJob } from '@ntm/runtime';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PARTITIONS = 3;
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  // Bounded: after a Redis restart a BullMQ worker's close() can hang (see docs/projections.md, known issues).
  for (const cleanup of cleanups.splice(0).reverse()) {
    await Promise.race([
      cleanup().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 10_000)),
    ]);
  }
});

interface Env {
  tag: string;
  opened: OpenedPostgresStore;
  eventsSchema: string;
  schema: string;
  queuePrefix: string;
  redisPrefix: string;
}

async function setup(redisUrl = REDIS_URL): Promise<Env> {
  const tag = `j${randomBytes(4).toString('hex')}`;
  const env = {
    tag,
    eventsSchema: `${tag}_events`,
    schema: `${tag}_rm`,
    queuePrefix: `${tag}-wake`,
    redisPrefix: `${tag}-bull`,
    opened: await openPostgresStore({
      connectionString: DATABASE_URL,
      schema: `${tag}_events`,
      pollIntervalMs: 200,
    }),
  };
  cleanups.push(async () => {
    for (const s of [env.eventsSchema, env.schema, `${tag}_check`]) {
      await env.opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    }
    await env.opened.close();
  });
  cleanups.push(async () => {
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const keys = await redis.keys(`${env.redisPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  return env;
}

function startDispatcher(
  env: Env,
  redisUrl = REDIS_URL,
  overrides: Partial<DispatcherOptions> = {},
): Dispatcher {
  const dispatcher = createDispatcher({
    store: env.opened.store,
    sql: env.opened.sql,
    redisUrl,
    schema: env.schema,
    queuePrefix: env.queuePrefix,
    partitions: PARTITIONS,
    redisPrefix: env.redisPrefix,
    reconcileIntervalMs: 100,
    ...overrides,
  });
  cleanups.push(() => dispatcher.close());
  return dispatcher;
}

function startWorker(env: Env, redisUrl = REDIS_URL, store: EventStore = env.opened.store): ProjectionWorker {
  const worker = createProjectionWorker({
    store,
    sql: env.opened.sql,
    redisUrl,
    schema: env.schema,
    queuePrefix: env.queuePrefix,
    partitions: PARTITIONS,
    redisPrefix: env.redisPrefix,
    lockDurationMs: 1000,
  });
  cleanups.push(() => worker.close());
  return worker;
}

/** A worker in its own OS process, started from the TypeScript entry point. */
function spawnWorker(env: Env): ChildProcess {
  const entry = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const child = spawnTypeScript(entry, {
    env: {
      ...process.env,
      DATABASE_URL,
      REDIS_URL,
      DATABASE_SCHEMA: env.eventsSchema,
      READ_MODEL_SCHEMA: env.schema,
      QUEUE_PREFIX: env.queuePrefix,
      BULLMQ_PREFIX: env.redisPrefix,
      PARTITIONS: String(PARTITIONS),
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

/** Polls `check` until it returns true, failing after `ms` (a bound, not a timing assumption). */
async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  ms = Number(process.env.WAIT_MS ?? 90_000),
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Appends `count` dossier histories, interleaved event by event across dossiers. */
async function appendInterleaved(env: Env, ids: string[], onEach?: (n: number) => Promise<void> | void) {
  const histories = ids.map((id, i) =>
    sampleDossierEvents(
      {
        id,
        communeCode: String(1800 + i).padStart(5, '0'),
        districtCode: `06${i % 7}`,
        year: 2022 + (i % 3),
      },
      (k) => new Date(Date.UTC(2023, 0, 1) + k * 3_600_000).toISOString(),
    ),
  );
  let n = 0;
  for (let step = 0; step < histories[0]!.length; step += 1) {
    for (let i = 0; i < ids.length; i += 1) {
      await env.opened.store.append(`dossier-${ids[i]}`, [histories[i]![step]!], { expectedRevision: 'any' });
      n += 1;
      await onEach?.(n);
    }
  }
  return n;
}

/** True when the dispatcher confirms the whole log projected and the log holds every event we appended. */
async function caughtUp(env: Env, dispatcher: Dispatcher, appended: number): Promise<boolean> {
  await dispatcher.reconcile();
  const head = await env.opened.store.headPosition();
  if (head === 0n || dispatcher.stats().confirmed !== head) return false;
  const visible = await env.opened.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "${env.eventsSchema}".events`,
  );
  const tail = await env.opened.store.readAll({ after: head, limit: 1 });
  return visible.rows[0]!.n === appended && tail.events.length === 0;
}

async function expectEqualToRebuild(env: Env, appended: number): Promise<void> {
  const check = `${env.tag}_check`;
  const rebuilt = await rebuild(env.opened.store, env.opened.sql, { schema: check });
  expect(rebuilt.events).toBe(appended);
  const diff = await compareReadModels(
    { sql: env.opened.sql, schema: env.schema },
    { sql: env.opened.sql, schema: check },
  );
  expect(diff.differences.slice(0, 3)).toEqual([]);
  expect(diff.rows).toBeGreaterThan(0);
}

const poisonEvent: NewEvent = {
  eventId: uuidFor('poison', 0),
  type: 'DossierOpened',
  schemaVersion: 1,
  data: { note: 'no kind, no scope' },
  metadata: {
    actor: { id: 'x', role: 'commune_official', unit: '01800' },
    correlationId: uuidFor('poison', 1),
    occurredAt: '2023-01-01T00:00:00.000Z',
  },
};

describe('projector', () => {
  it('under load, with duplicated and reversed wake-ups and a poison stream, equals a rebuild', async () => {
    const env = await setup();
    const dispatcher = startDispatcher(env);
    await dispatcher.start();
    startWorker(env);
    startWorker(env);
    const ids = Array.from({ length: 12 }, (_, i) => `load${i}`);
    await env.opened.store.append('dossier-poison', [poisonEvent], { expectedRevision: 'no_stream' });
    const appended = await appendInterleaved(env, ids);

    // Extra wake-ups: the same one five times, and every revision of one stream in reverse order.
    const queueOf = (streamId: string) =>
      dispatcher.queues().find((q) => q.name === queueNameFor(env.queuePrefix, streamId, PARTITIONS))!;
    for (let i = 0; i < 5; i += 1) {
      await queueOf('dossier-load0').add(
        'wake-up',
        { wakeUps: [{ streamId: 'dossier-load0', upToRevision: '3' }] },
        { jobId: `dup-${i}` },
      );
    }
    for (let r = 29; r >= 0; r -= 1) {
      await queueOf('dossier-load1').add(
        'wake-up',
        { wakeUps: [{ streamId: 'dossier-load1', upToRevision: String(r) }] },
        { jobId: `rev-${r}` },
      );
    }

    expect(appended).toBe(12 * 30);
    await waitFor('projection of every event', () => caughtUp(env, dispatcher, appended + 1));
    await expectEqualToRebuild(env, appended + 1);
    const parked = await env.opened.sql.query<{ stream_id: string }>(
      `SELECT stream_id FROM "${env.schema}".parked_streams`,
    );
    expect(parked.rows.map((r) => r.stream_id)).toEqual(['dossier-poison']);
    const dossiers = await env.opened.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${env.schema}".dossiers WHERE status = 'recognised'`,
    );
    expect(dossiers.rows[0]!.n).toBe(12);
  });

  it('a worker process killed with SIGKILL mid-batch: a new one resumes and the read models equal a rebuild', async () => {
    const env = await setup();
    const dispatcher = startDispatcher(env);
    await dispatcher.start();
    const first = spawnWorker(env);
    await outputSeen(first, 'worker ready');
    const ids = Array.from({ length: 20 }, (_, i) => `kill${i}`);
    let finishedWhenKilled = -1;
    const killOnProgress = async (): Promise<boolean> => {
      // Kill as soon as the worker is visibly in the middle of the work.
      const progress = await env.opened.sql.query<{ started: number; finished: number }>(
        `SELECT count(*)::int AS started, count(*) FILTER (WHERE revision = 29)::int AS finished
           FROM "${env.schema}".checkpoints WHERE revision >= 0`,
      );
      if (progress.rows[0]!.started === 0) return false;
      first.kill('SIGKILL');
      finishedWhenKilled = progress.rows[0]!.finished;
      return true;
    };
    const appended = await appendInterleaved(env, ids, async (n) => {
      if (finishedWhenKilled < 0 && n % 10 === 0) await killOnProgress();
    });
    if (finishedWhenKilled < 0) await waitFor('the first worker to start projecting', killOnProgress);
    await exited(first);
    expect(first.signalCode).toBe('SIGKILL');
    expect(finishedWhenKilled).toBeGreaterThanOrEqual(0);
    expect(finishedWhenKilled).toBeLessThan(20);

    const second = spawnWorker(env);
    await outputSeen(second, 'worker ready');
    await waitFor('the second worker to catch up', () => caughtUp(env, dispatcher, appended));
    await expectEqualToRebuild(env, appended);

    // Graceful shutdown: SIGTERM finishes the current job and exits cleanly.
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
  });

  it('Redis down under load: appends succeed, and once it is back the read models catch up with nothing lost', async () => {
    const port = await freePort();
    const redisUrl = `redis://127.0.0.1:${port}`;
    const redis = startRedis(port);
    await waitFor('private redis', () => ping(redisUrl));
    const env = await setup(redisUrl);
    const dispatcher = startDispatcher(env, redisUrl);
    await dispatcher.start();
    startWorker(env, redisUrl);
    const ids = Array.from({ length: 10 }, (_, i) => `outage${i}`);
    let restarted: ChildProcess | undefined;
    const appended = await appendInterleaved(env, ids, async (n) => {
      if (n === 60) {
        // Stop Redis without saving: every job it held is gone.
        const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
        await client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
        client.disconnect();
        await exited(redis);
      }
      if (n === 200) {
        restarted = startRedis(port);
        await waitFor('redis back', () => ping(redisUrl));
      }
    });
    expect(restarted).toBeDefined();
    await waitFor('catch-up after the outage', () => caughtUp(env, dispatcher, appended));
    expect(dispatcher.stats().redisResets).toBeGreaterThan(0);
    await expectEqualToRebuild(env, appended);
    const count = await env.opened.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${env.schema}".checkpoints WHERE revision = 29`,
    );
    expect(count.rows[0]!.n).toBe(10);
  });

  it('a stalled job (its worker took it, then stopped renewing the lock) is taken again and projected once', async () => {
    const env = await setup();
    await migrateReadModels(env.opened.sql, env.schema);
    const streamId = 'dossier-stalled';
    const events = sampleDossierEvents(
      { id: 'stalled', communeCode: '01879', districtCode: '064', year: 2023 },
      (k) => new Date(Date.UTC(2023, 0, 1) + k * 3_600_000).toISOString(),
    );
    const { nextExpectedRevision } = await env.opened.store.append(streamId, events, {
      expectedRevision: 'no_stream',
    });
    const queueName = queueNameFor(env.queuePrefix, streamId, PARTITIONS);
    const queue = new Queue<WakeUpJob>(queueName, {
      connection: { url: REDIS_URL },
      prefix: env.redisPrefix,
    });
    cleanups.push(() => queue.close());
    const job = await queue.add('wake-up', {
      wakeUps: [{ streamId, upToRevision: String(nextExpectedRevision) }],
    });
    // A worker that takes the job and then goes silent, as a frozen or partitioned process does: BullMQ's manual
    // processing takes the job with a lock that nothing renews.
    const frozen = new Worker<WakeUpJob>(queueName, null, {
      connection: { url: REDIS_URL },
      prefix: env.redisPrefix,
      lockDuration: 1000,
    });
    cleanups.push(() => frozen.close(true));
    const taken = await frozen.getNextJob('frozen-worker');
    expect(taken?.id).toBe(job.id);
    expect(await job.getState()).toBe('active');

    // No dispatcher runs: the only way the stream can be projected is the stalled job coming back.
    startWorker(env);
    await waitFor('the stalled job to complete', async () => (await job.getState()) === 'completed');
    const done = (await queue.getJob(job.id!))!;
    expect(done.stalledCounter).toBe(1);
    const checkpoint = await env.opened.sql.query<{ revision: string }>(
      `SELECT revision::text AS revision FROM "${env.schema}".checkpoints WHERE stream_id = $1`,
      [streamId],
    );
    expect(checkpoint.rows).toEqual([{ revision: String(nextExpectedRevision) }]);
    await expectEqualToRebuild(env, events.length);
  });

  it('a wake-up job projects its good streams, parks a poison one at once and a failing one after its last attempt', async () => {
    const env = await setup();
    await migrateReadModels(env.opened.sql, env.schema);
    const { store } = env.opened;
    const [good, flaky] = ['dossier-good', 'dossier-flaky'];
    for (const [streamId, id] of [
      [good, 'good'],
      [flaky, 'flaky'],
    ] as const) {
      const events = sampleDossierEvents({ id, communeCode: '01879', districtCode: '064', year: 2023 }, (k) =>
        new Date(Date.UTC(2023, 0, 1) + k * 3_600_000).toISOString(),
      );
      await store.append(streamId, events.slice(0, 3), { expectedRevision: 'no_stream' });
    }
    await store.append('dossier-poison', [poisonEvent], { expectedRevision: 'no_stream' });
    // The real store, except that reading the flaky stream fails as a dropped connection would.
    let flakyReads = 0;
    const faulty = failingReads(store, flaky, () => (flakyReads += 1));
    startWorker(env, REDIS_URL, faulty);
    const queue = new Queue<WakeUpJob>(partitionQueueName(env.queuePrefix, 0), {
      connection: { url: REDIS_URL },
      prefix: env.redisPrefix,
    });
    cleanups.push(() => queue.close());
    const job = await queue.add(
      'wake-up',
      {
        wakeUps: [good, 'dossier-poison', flaky].map((streamId) => ({ streamId, upToRevision: '2' })),
      },
      { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
    );

    // Two failed attempts (retried by BullMQ), then the last one parks the flaky stream and completes the job.
    await waitFor('the job to complete', async () => (await job.getState()) === 'completed');
    expect((await queue.getJob(job.id!))!.attemptsMade).toBe(3);
    const rows = await env.opened.sql.query<{ stream_id: string; revision: string }>(
      `SELECT stream_id, revision::text AS revision FROM "${env.schema}".checkpoints ORDER BY stream_id`,
    );
    expect(rows.rows).toEqual([{ stream_id: good, revision: '2' }]);
    const parked = await env.opened.sql.query<{ stream_id: string; error_code: string }>(
      `SELECT stream_id, error_code FROM "${env.schema}".parked_streams ORDER BY stream_id`,
    );
    expect(parked.rows).toEqual([
      { stream_id: flaky, error_code: 'RETRIES_EXHAUSTED' },
      { stream_id: 'dossier-poison', error_code: 'POISON_EVENT' },
    ]);
    // Read on every attempt; once parked it is not read again until an operator releases it.
    expect(flakyReads).toBeGreaterThanOrEqual(3);
    const after = flakyReads;
    await queue.add('wake-up', { wakeUps: [{ streamId: flaky, upToRevision: '2' }] });
    await waitFor('the second job', async () => (await queue.getCompletedCount()) === 2);
    expect(flakyReads).toBe(after);
  });

  it('writes lost with a crash of PostgreSQL after their jobs were done (ADR 0048): the streams left behind are woken up again', async () => {
    const env = await setup();
    // Reconciled only when the test asks, so that `confirmed` stays before the writes the "crash" takes back.
    const dispatcher = startDispatcher(env, REDIS_URL, {
      reconcileIntervalMs: 3_600_000,
      stalledRepairMs: 0,
    });
    await dispatcher.start();
    startWorker(env);
    const appended = await appendInterleaved(env, ['lost0', 'lost1', 'lost2']);
    const projected = async () => {
      const { rows } = await env.opened.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${env.schema}".checkpoints WHERE revision = 29`,
      );
      return rows[0]!.n === 3;
    };
    await waitFor('every stream projected', projected);
    // What a crash of PostgreSQL does to writes committed asynchronously: they are gone, each whole, while their
    // jobs are done. Here every write of lost1 and lost2: their rows in every read model and their checkpoints.
    const tables = await env.opened.sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns
        WHERE table_schema = $1 AND column_name = 'stream_id' AND table_name <> 'parked_streams'`,
      [env.schema],
    );
    expect(tables.rows.map((r) => r.table_name)).toContain('checkpoints');
    for (const { table_name } of tables.rows) {
      await env.opened.sql.query(
        `DELETE FROM "${env.schema}"."${table_name}" WHERE stream_id IN ('dossier-lost1', 'dossier-lost2')`,
      );
    }
    // No event comes after them: only the dispatcher finding the same first event behind, pass after pass, wakes
    // them up again (without ADR 0048's repair this waits for ever).
    await waitFor('the lost writes made again', () => caughtUp(env, dispatcher, appended), 30_000);
    expect(await projected()).toBe(true);
    await expectEqualToRebuild(env, appended);
  });

  it("wake-ups carry their page's events (ADR 0042): a worker folds them without reading the streams, as a rebuild", async () => {
    const env = await setup();
    const dispatcher = startDispatcher(env);
    await dispatcher.start();
    const appended = await appendInterleaved(env, ['carry0', 'carry1', 'carry2']);
    await waitFor(
      'every event handed on',
      async () => dispatcher.stats().handedOn === (await env.opened.store.headPosition()),
    );
    // The jobs as the dispatcher queued them, before any worker runs: each wake-up brings its stream's events.
    const jobs = (await Promise.all(dispatcher.queues().map((q) => q.getJobs(['wait'])))).flat();
    const wakeUps = jobs.flatMap((job) => (job.data as WakeUpJob).wakeUps);
    expect(wakeUps.flatMap((w) => w.events ?? [])).toHaveLength(appended);
    expect(wakeUps.every((w) => w.events?.at(-1)?.revision === w.upToRevision)).toBe(true);

    let reads = 0;
    const counted = Object.assign(Object.create(env.opened.store) as EventStore, {
      readStreams: (...args: Parameters<EventStore['readStreams']>) => {
        reads += 1;
        return env.opened.store.readStreams(...args);
      },
    });
    startWorker(env, REDIS_URL, counted);
    await waitFor('projection of every event', () => caughtUp(env, dispatcher, appended));
    // One worker takes each partition's jobs in order: every stream's events follow what it holds or has stored.
    expect(reads).toBe(0);
    await expectEqualToRebuild(env, appended);
  });

  it('by default one queue (ADR 0070): a page of the log that wakes many streams up is one job', async () => {
    const env = await setup();
    // Appended before the dispatcher starts: it then reads them in one page (fewer than 500 events).
    const ids = Array.from({ length: 12 }, (_, i) => `onequeue${i}`);
    const appended = await appendInterleaved(env, ids);
    expect(appended).toBeLessThanOrEqual(500);
    // No `partitions` given, to the dispatcher or the worker: the default.
    const queues = {
      store: env.opened.store,
      sql: env.opened.sql,
      redisUrl: REDIS_URL,
      schema: env.schema,
      queuePrefix: env.queuePrefix,
      redisPrefix: env.redisPrefix,
    };
    const dispatcher = createDispatcher({ ...queues, reconcileIntervalMs: 100 });
    cleanups.push(() => dispatcher.close());
    await dispatcher.start();
    await waitFor(
      'every event handed on',
      async () => dispatcher.stats().handedOn === (await env.opened.store.headPosition()),
    );
    expect(dispatcher.queues()).toHaveLength(1);
    const jobs = await dispatcher.queues()[0]!.getJobs(['wait']);
    // With N partitions the page was a job for each partition it touched: each one a BullMQ add, take and finish,
    // and a wake-up of a worker.
    expect(jobs).toHaveLength(1);
    expect((jobs[0]!.data as WakeUpJob).wakeUps.map((w) => w.streamId).sort()).toEqual(
      ids.map((id) => `dossier-${id}`).sort(),
    );
    const worker = createProjectionWorker(queues);
    cleanups.push(() => worker.close());
    await waitFor('projection of every event', () => caughtUp(env, dispatcher, appended));
    await expectEqualToRebuild(env, appended);
  });

  it('counter streams (ADR 0071): handed on without a wake-up, confirmed without a checkpoint, and left out of a rebuild', async () => {
    const env = await setup();
    const dispatcher = startDispatcher(env);
    await dispatcher.start();
    const counter = 'counter-dossier-code-06-230101';
    const draw = (n: number) => sampleNumberDrawn('dossier-code-06-230101', n);
    // A draw among the dossiers' events every tenth event; then, once those are handed on, draws alone: the last
    // pages the dispatcher reads wake nothing up, and must be handed on all the same.
    let drawn = 0;
    const appended = await appendInterleaved(env, ['count0', 'count1'], async (n) => {
      if (n % 10 === 0) await env.opened.store.append(counter, [draw(++drawn)], { expectedRevision: 'any' });
    });
    const handedOnAll = async () => dispatcher.stats().handedOn === (await env.opened.store.headPosition());
    await waitFor('every event handed on', handedOnAll);
    for (let i = 0; i < 3; i += 1) {
      await env.opened.store.append(counter, [draw(++drawn)], { expectedRevision: 'any' });
      await waitFor('a page of a draw alone handed on', handedOnAll);
    }
    const total = appended + drawn;
    const jobs = (await Promise.all(dispatcher.queues().map((q) => q.getJobs(['wait'])))).flat();
    const woken = new Set(jobs.flatMap((job) => (job.data as WakeUpJob).wakeUps.map((w) => w.streamId)));
    expect([...woken].sort()).toEqual(['dossier-count0', 'dossier-count1']);

    startWorker(env);
    await waitFor('every event confirmed, the draws too', () => caughtUp(env, dispatcher, total));
    const checkpoints = await env.opened.sql.query<{ stream_id: string }>(
      `SELECT stream_id FROM "${env.schema}".checkpoints ORDER BY stream_id`,
    );
    expect(checkpoints.rows.map((r) => r.stream_id)).toEqual(['dossier-count0', 'dossier-count1']);
    await expectEqualToRebuild(env, total);
  });
});

function startRedis(port: number): ChildProcess {
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited(child);
  });
  return child;
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** A free TCP port at or above 6390, so the private redis never touches the shared one. */
async function freePort(): Promise<number> {
  for (let port = 6390 + Math.floor(Math.random() * 500); ; port += 1) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
