/**
 * `pnpm bench:store`: append and global-read throughput of the PostgreSQL and embedded stores, each measured in the
 * same run against a raw baseline on the same database: plain single-row INSERT transactions (autocommit) of the
 * same row shape into a table with the same indexes, at the same concurrency. Baseline and store rounds alternate
 * so that load from other processes on the machine falls on both. Human lines first, then one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { EventStore, NewEvent } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { createPgSqlClient, globalLogBlockers, PostgresEventStore } from '@ntm/store-postgres';
import { openEmbeddedStore } from '@ntm/store-embedded';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Seconds per measured round; ROUNDS rounds each of baseline and store, alternating, per concurrency. */
const roundSeconds = Number(process.env['BENCH_ROUND_SECONDS'] ?? 1.5);
const ROUNDS = 4;
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

/** Run `writers` loops of `op` for `seconds`; operations per second. */
async function throughput(
  writers: number,
  seconds: number,
  op: (writer: number) => Promise<void>,
): Promise<number> {
  let count = 0;
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
  return count / ((performance.now() - started) / 1000);
}

interface AppendFigures {
  storeAppendsPerSec: number;
  baselineInsertsPerSec: number;
  ratio: number;
}

async function measureAppends(
  store: EventStore,
  sql: SqlClient,
  table: string,
  writers: number,
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
  const rounds: { store: number; baseline: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const baseline = await throughput(writers, roundSeconds, baselineInsert);
    // Each writer appends to its own stream with the exact expected revision.
    const streams = Array.from({ length: writers }, () => ({ id: `bench-${randomUUID()}`, next: 0 }));
    const appends = await throughput(writers, roundSeconds, async (w) => {
      const s = streams[w]!;
      await store.append(s.id, [sampleEvent(s.next)], {
        expectedRevision: s.next === 0 ? 'no_stream' : BigInt(s.next - 1),
      });
      s.next++;
    });
    rounds.push({ store: appends, baseline });
  }
  const storeAppendsPerSec = rounds.reduce((sum, r) => sum + r.store, 0) / rounds.length;
  const baselineInsertsPerSec = rounds.reduce((sum, r) => sum + r.baseline, 0) / rounds.length;
  return {
    storeAppendsPerSec: Math.round(storeAppendsPerSec),
    baselineInsertsPerSec: Math.round(baselineInsertsPerSec),
    ratio: Number((storeAppendsPerSec / baselineInsertsPerSec).toFixed(3)),
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
): Promise<Record<string, unknown>> {
  const table = `${schema}.baseline`;
  await sql.query(`CREATE TABLE ${table} (LIKE ${schema}.events INCLUDING ALL)`);
  await sql.query(`ALTER TABLE ${table} ALTER COLUMN position ADD GENERATED ALWAYS AS IDENTITY`);
  const result: Record<string, unknown> = {};
  for (const writers of writerCounts) {
    const figures = await measureAppends(store, sql, table, writers);
    result[`append_${writers}w`] = figures;
    console.log(
      `${name}: ${writers} writer(s): store ${figures.storeAppendsPerSec} appends/s, ` +
        `baseline ${figures.baselineInsertsPerSec} inserts/s, ratio ${figures.ratio}`,
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
  const sql = createPgSqlClient(new pg.Pool({ connectionString, max: 10 }));
  const store = await PostgresEventStore.open({ sql, schema });
  try {
    return await benchDriver('postgres', store, sql, schema);
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
      return await benchDriver('embedded', embedded.store, embedded.sql, 'event_store');
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
console.log(JSON.stringify({ bench: 'store', roundSeconds, seconds, postgres, embedded }));
