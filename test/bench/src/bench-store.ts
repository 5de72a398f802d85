/**
 * `pnpm bench:store`: append and global-read throughput of the PostgreSQL and embedded stores, each measured in the
 * same run against a raw baseline on the same database: plain single-row INSERT transactions (autocommit) of the
 * same row shape into a table with the same indexes, at the same concurrency. Baseline and store rounds alternate,
 * in turns (baseline first in one round, the store first in the next), after one warm-up round of each that is not
 * counted; the ratio is the median of the rounds' ratios, so that a burst of load from another process that falls
 * on one side of one round does not decide it (the ratio of the mean rates is printed too). CPU per operation, of
 * this process and of the PostgreSQL backends serving its pool, is measured over the same rounds. Human lines
 * first, then one JSON line.
 *
 * Knobs (environment): BENCH_STORE_ONLY, BENCH_STORE_WRITERS, BENCH_STORE_READS (below), BENCH_ROUND_SECONDS and
 * BENCH_STORE_ROUNDS (length and number of measured rounds), DATABASE_URL.
 */
import { randomUUID } from 'node:crypto';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { EventStore, NewEvent } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { createPgSqlClient, globalLogBlockers, PostgresEventStore } from '@ntm/store-postgres';
import { openEmbeddedStore } from '@ntm/store-embedded';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/**
 * Seconds per measured round; ROUNDS rounds each of baseline and store, alternating, per concurrency (the same 12 s
 * of each as the 4 rounds of 1.5 s before, in more, shorter rounds: more ratios for the median).
 */
const roundSeconds = Number(process.env['BENCH_ROUND_SECONDS'] ?? 0.75);
const ROUNDS = Number(process.env['BENCH_STORE_ROUNDS'] ?? 8);
/** The PostgreSQL pool's application_name: how the bench finds the backends serving it, for their CPU. */
const applicationName = `ntm-bench-store-${process.pid}`;
const readEvents = 100_000;
/** Which stores to measure (`BENCH_STORE_ONLY=postgres` or `embedded`; default both) and at which concurrencies. */
const only = process.env['BENCH_STORE_ONLY'];
const writerCounts = (process.env['BENCH_STORE_WRITERS'] ?? '1,8').split(',').map(Number);
/** `BENCH_STORE_READS=0` leaves out the global-log read (its 100,000-event fill takes most of a run). */
const measureReads = process.env['BENCH_STORE_READS'] !== '0';

function sampleEvent(i: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'CriterionAssessed',
    schemaVersion: 1,
    data: { criterion: 'TC-17', met: i % 3 !== 0, score: i % 100, note: 'Đạt chuẩn nông thôn mới' },
    metadata: {
      actor: { id: 'bench-user', role: 'commune_official', unit: '01849' },
      correlationId: randomUUID(),
      occurredAt: '2025-03-01T08:00:00.000Z',
      workflow: { id: 'commune-ntm', version: 2 },
      fromState: 'draft',
      toState: 'draft',
    },
  };
}

/**
 * CPU seconds used so far by the PostgreSQL backends serving this process's pool (user + system, from /proc: the
 * server must be on this machine); undefined when they cannot be read (another host, or the embedded store, whose
 * database runs in this process and is counted with it).
 */
type ServerCpu = () => Promise<number | undefined>;

function backendCpu(sql: SqlClient): ServerCpu {
  return async () => {
    const { rows } = await sql.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    let ticks = 0;
    for (const { pid } of rows) {
      try {
        // Fields after the command name: utime and stime are the 12th and 13th (clock ticks, 100 a second).
        const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        return undefined;
      }
    }
    return rows.length > 0 ? ticks / 100 : undefined;
  };
}

interface Round {
  perSec: number;
  operations: number;
  /** CPU seconds of this process, and of the PostgreSQL backends (undefined: not measured) */
  clientCpu: number;
  serverCpu: number | undefined;
}

/** Run `writers` loops of `op` for `seconds`; operations per second and the CPU they took. */
async function throughput(
  writers: number,
  seconds: number,
  op: (writer: number) => Promise<void>,
  serverCpu: ServerCpu,
): Promise<Round> {
  let count = 0;
  const server = await serverCpu();
  const client = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      while (performance.now() < deadline) {
        await op(w);
        count++;
      }
    }),
  );
  const perSec = count / ((performance.now() - started) / 1000);
  const used = process.cpuUsage(client);
  const serverAfter = await serverCpu();
  return {
    perSec,
    operations: count,
    clientCpu: (used.user + used.system) / 1e6,
    serverCpu: server === undefined || serverAfter === undefined ? undefined : serverAfter - server,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Microseconds of CPU per operation over the measured rounds. */
function cpuPerOperation(rounds: readonly Round[]): { client: number; server: number | null } {
  const operations = rounds.reduce((sum, r) => sum + r.operations, 0);
  const perOperation = (seconds: number) => Math.round((seconds / operations) * 1e7) / 10;
  const server = rounds.every((r) => r.serverCpu !== undefined)
    ? perOperation(rounds.reduce((sum, r) => sum + r.serverCpu!, 0))
    : null;
  return { client: perOperation(rounds.reduce((sum, r) => sum + r.clientCpu, 0)), server };
}

interface AppendFigures {
  storeAppendsPerSec: number;
  baselineInsertsPerSec: number;
  /** median over the rounds of store ÷ baseline */
  ratio: number;
  /** mean store rate ÷ mean baseline rate (the figure before 04/12/2026) */
  ratioOfMeans: number;
  roundRatios: number[];
  /** µs of CPU per append / per INSERT: this process (client) and the PostgreSQL backends (server) */
  storeCpuUs: { client: number; server: number | null };
  baselineCpuUs: { client: number; server: number | null };
}

async function measureAppends(
  store: EventStore,
  sql: SqlClient,
  table: string,
  writers: number,
  serverCpu: ServerCpu,
): Promise<AppendFigures> {
  const baselineInsert = async () => {
    const e = sampleEvent(0);
    await sql.query(
      `INSERT INTO ${table} (stream_id, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, recorded_at)
       VALUES ($1, 0, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9::timestamptz)`,
      [
        `base-${e.eventId}`,
        e.eventId,
        e.type,
        e.schemaVersion,
        JSON.stringify(e.data),
        JSON.stringify(e.metadata),
        '0'.repeat(64),
        'f'.repeat(64),
        new Date().toISOString(),
      ],
      // Prepared like the store's own statements, so that the baseline is the best plain INSERT.
      { prepare: true },
    );
  };
  const appendRound = () => {
    // Each writer appends to its own stream with the exact expected revision.
    const streams = Array.from({ length: writers }, () => ({ id: `bench-${randomUUID()}`, next: 0 }));
    return throughput(
      writers,
      roundSeconds,
      async (w) => {
        const s = streams[w]!;
        await store.append(s.id, [sampleEvent(s.next)], {
          expectedRevision: s.next === 0 ? 'no_stream' : BigInt(s.next - 1),
        });
        s.next++;
      },
      serverCpu,
    );
  };
  const baselineRound = () => throughput(writers, roundSeconds, baselineInsert, serverCpu);
  // Warm-up, not counted: the first round of each side pays for compiling its code and preparing its statement.
  await baselineRound();
  await appendRound();
  const rounds: { store: Round; baseline: Round }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // In turns, which side goes first: neither always runs right after the other's writes (WAL, dirty pages).
    if (round % 2 === 0) {
      const baseline = await baselineRound();
      rounds.push({ baseline, store: await appendRound() });
    } else {
      const appends = await appendRound();
      rounds.push({ baseline: await baselineRound(), store: appends });
    }
  }
  const storeAppendsPerSec = rounds.reduce((sum, r) => sum + r.store.perSec, 0) / rounds.length;
  const baselineInsertsPerSec = rounds.reduce((sum, r) => sum + r.baseline.perSec, 0) / rounds.length;
  const roundRatios = rounds.map((r) => Number((r.store.perSec / r.baseline.perSec).toFixed(3)));
  return {
    storeAppendsPerSec: Math.round(storeAppendsPerSec),
    baselineInsertsPerSec: Math.round(baselineInsertsPerSec),
    ratio: Number(median(roundRatios).toFixed(3)),
    ratioOfMeans: Number((storeAppendsPerSec / baselineInsertsPerSec).toFixed(3)),
    roundRatios,
    storeCpuUs: cpuPerOperation(rounds.map((r) => r.store)),
    baselineCpuUs: cpuPerOperation(rounds.map((r) => r.baseline)),
  };
}

/** How long to wait for the global log to expose the filled events before declaring it blocked. */
const HORIZON_WAIT_MS = 20_000;

async function measureReadAll(
  store: EventStore,
  sql: SqlClient,
  schema: string,
): Promise<Record<string, unknown>> {
  let last = 0n;
  for (let filled = 0; filled < readEvents; filled += 1000) {
    const batch = Array.from({ length: 1000 }, (_, i) => sampleEvent(i));
    last = (await store.append(`fill-${randomUUID()}`, batch, { expectedRevision: 'no_stream' })).position;
  }
  // The global log trails open appending transactions of this store; a stuck appender would block it.
  const waitUntil = performance.now() + HORIZON_WAIT_MS;
  while ((await store.headPosition()) < last) {
    if (performance.now() > waitUntil) {
      const blockers = (await globalLogBlockers(sql, schema)).slice(0, 5);
      return { blocked: true, blockers };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const started = performance.now();
  let events = 0;
  for (let after = 0n; ;) {
    const page = await store.readAll({ after, limit: 1000 });
    events += page.events.length;
    after = page.nextAfter;
    if (page.isEnd) break;
  }
  return { events, eventsPerSec: Math.round(events / ((performance.now() - started) / 1000)) };
}

async function benchDriver(
  name: string,
  store: EventStore,
  sql: SqlClient,
  schema: string,
  serverCpu: ServerCpu,
): Promise<Record<string, unknown>> {
  const table = `${schema}.baseline`;
  await sql.query(`CREATE TABLE ${table} (LIKE ${schema}.events INCLUDING ALL)`);
  await sql.query(`ALTER TABLE ${table} ALTER COLUMN position ADD GENERATED ALWAYS AS IDENTITY`);
  const result: Record<string, unknown> = {};
  for (const writers of writerCounts) {
    const figures = await measureAppends(store, sql, table, writers, serverCpu);
    result[`append_${writers}w`] = figures;
    const cpu = ({ client, server }: { client: number; server: number | null }) =>
      `${client}${server === null ? '' : ` + ${server}`} µs`;
    console.log(
      `${name}: ${writers} writer(s): store ${figures.storeAppendsPerSec} appends/s, ` +
        `baseline ${figures.baselineInsertsPerSec} inserts/s, ratio ${figures.ratio} (median of ` +
        `${figures.roundRatios.join(' ')}; of the means ${figures.ratioOfMeans}); CPU per operation ` +
        `(client + server): store ${cpu(figures.storeCpuUs)}, baseline ${cpu(figures.baselineCpuUs)}`,
    );
  }
  if (!measureReads) return result;
  const read = await measureReadAll(store, sql, schema);
  result['readAll'] = read;
  console.log(
    read['blocked']
      ? `${name}: readAll NOT MEASURED: the global log is held back by open appending transactions: ${JSON.stringify(read['blockers'])}`
      : `${name}: readAll ${String(read['events'])} events at ${String(read['eventsPerSec'])} events/s`,
  );
  return result;
}

async function benchPostgres(): Promise<Record<string, unknown>> {
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const sql = createPgSqlClient(
    new pg.Pool({ connectionString, max: 10, application_name: applicationName }),
  );
  const store = await PostgresEventStore.open({ sql, schema });
  try {
    return await benchDriver('postgres', store, sql, schema, backendCpu(sql));
  } finally {
    await store.close();
    await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.close();
  }
}

async function benchEmbedded(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'ntm-bench-'));
  try {
    const embedded = await openEmbeddedStore({ dataDir: join(dir, 'data') });
    try {
      // PGlite runs in this process: its CPU is the client's.
      return await benchDriver('embedded', embedded.store, embedded.sql, 'event_store', () =>
        Promise.resolve(undefined),
      );
    } finally {
      await embedded.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const started = performance.now();
const postgres = only === 'embedded' ? undefined : await benchPostgres();
const embedded = only === 'postgres' ? undefined : await benchEmbedded();
const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
console.log(`total ${seconds} s`);
console.log(JSON.stringify({ bench: 'store', roundSeconds, rounds: ROUNDS, seconds, postgres, embedded }));
