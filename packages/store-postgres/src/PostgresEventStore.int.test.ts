import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeEventStoreContract, contractEvent } from '@ntm/testing';
import { verifyChain } from '@ntm/event-store';
import type { AppendResult, RecordedEvent } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { createPgSqlClient } from './createPgSqlClient.js';
import { PostgresEventStore } from './PostgresEventStore.js';
import { openPostgresStore } from './openPostgresStore.js';
import { globalLogBlockers } from './globalLogBlockers.js';
import { sqlTamper } from '@ntm/testing';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const freshSchema = (label: string) => `t_${label}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

/** `sql` with the texts of its queries that pass `keep` pushed to `into`, at the moment each is issued. */
function recordingQueries(sql: SqlClient, into: string[], keep: (text: string) => boolean): SqlClient {
  return new Proxy(sql, {
    get: (target, property) =>
      property === 'query'
        ? (text: string, params?: readonly unknown[], options?: { prepare?: boolean }) => {
            if (keep(text)) into.push(text);
            return target.query(text, params, options);
          }
        : (Reflect.get(target, property, target) as unknown),
  });
}

describeEventStoreContract('PostgreSQL', async () => {
  const schema = freshSchema('contract');
  const opened = await openPostgresStore({ connectionString, schema, maxConnections: 12 });
  return {
    store: opened.store,
    tamper: sqlTamper(opened.sql, schema),
    dispose: async () => {
      await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await opened.close();
    },
  };
});

describe('PostgresEventStore global order', () => {
  const schema = freshSchema('order');
  let pool: pg.Pool;
  let sql: SqlClient;
  let store: PostgresEventStore;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString, max: 6 });
    sql = createPgSqlClient(pool);
    store = await PostgresEventStore.open({ sql, schema });
  });
  afterAll(async () => {
    await store.close();
    await sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.close();
  });

  it('never lets a reader pass an event whose transaction commits after a later-numbered one', async () => {
    const start = await store.headPosition();
    const early = contractEvent('Early');
    const late = contractEvent('Late');
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    let earlyResult0!: AppendResult;
    const earlyAppended = new Promise<void>((resolve) => (appended = resolve));

    // Transaction T1 appends `early` (taking the lower position) and stays open.
    const t1 = sql.transaction(async (tx) => {
      const inTx = new PostgresEventStore({ sql: tx, schema });
      const result = await inTx.append('order-a', [early], { expectedRevision: 'no_stream' });
      earlyResult0 = result;
      appended();
      await released;
      return result;
    });
    // Released in `finally`: a failed assertion must not leave T1 open (it would block the schema's DROP).
    let lateResult: AppendResult;
    try {
      await earlyAppended;
      // T2 appends `late` and commits first, with a higher position.
      lateResult = await store.append('order-b', [late], { expectedRevision: 'no_stream' });

      // A naive `position > checkpoint` reader sees `late` now and would move its checkpoint past `early`.
      const naive = await sql.query<{ position: string }>(
        `SELECT position::text AS position FROM "${schema}".events WHERE position > $1 ORDER BY position`,
        [start.toString()],
      );
      expect(naive.rows.map((r) => BigInt(r.position))).toEqual([lateResult.position]);
      // The store's reader does not expose `late` while the older transaction is open.
      expect((await store.readAll({ after: start })).events).toEqual([]);
      expect(await store.headPosition()).toBe(start);

      // The open transaction is what a lagging reader waits for, and the diagnostics name it.
      const blockers = await globalLogBlockers(sql, schema);
      expect(blockers.map((b) => b.xid)).toEqual([(earlyResult0.position >> 20n).toString()]);
    } finally {
      release();
    }
    const earlyResult = await t1;
    expect(earlyResult.position).toBeLessThan(lateResult.position);
    let seen: RecordedEvent[] = [];
    while (seen.length < 2) seen = (await store.readAll({ after: start })).events;
    expect(seen.map((e) => e.eventId)).toEqual([early.eventId, late.eventId]);
  });

  it('reads payload pages below a readable limit it has read, and a new limit for a short page', async () => {
    const statements: string[] = [];
    // The readable limit's statement and the page's.
    const counted = recordingQueries(sql, statements, (text) => /pg_locks|sort_key/.test(text));
    const reader = new PostgresEventStore({ sql: counted, schema });
    const start = await store.headPosition();
    const first = Array.from({ length: 5 }, () => contractEvent('Before'));
    await store.append(`known-${randomUUID()}`, first, { expectedRevision: 'no_stream' });
    const limits = () => statements.filter((text) => text.includes('pg_locks')).length;
    // The first page reads the limit; the second, wholly below it, does not.
    const one = await reader.readAllPayloads({ after: start, limit: 2 });
    expect([limits(), statements.length]).toEqual([1, 2]);
    const two = await reader.readAllPayloads({ after: one.nextAfter, limit: 2 });
    expect([limits(), statements.length]).toEqual([1, 3]);

    // An appender takes a lower position and stays open while a later one commits: both are above the known limit,
    // so the next page comes back short, the limit is read again, and the open append still hides the later one.
    const [early, late] = [contractEvent('Early'), contractEvent('Late')];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const earlyAppended = new Promise<void>((resolve) => (appended = resolve));
    const t1 = sql.transaction(async (tx) => {
      await new PostgresEventStore({ sql: tx, schema }).append(`early-${randomUUID()}`, [early], {
        expectedRevision: 'no_stream',
      });
      appended();
      await released;
    });
    try {
      await earlyAppended;
      await store.append(`late-${randomUUID()}`, [late], { expectedRevision: 'no_stream' });
      const three = await reader.readAllPayloads({ after: two.nextAfter, limit: 2 });
      expect(three.events.map((e) => e.eventId)).toEqual([first[4]!.eventId]);
      expect(three.isEnd).toBe(true);
      expect(limits()).toBe(2);
    } finally {
      release();
    }
    await t1;
    const all = await reader.readAllPayloads({ after: start, limit: 10 });
    const page = await store.readAll({ after: start, limit: 10 });
    expect(all.events.map((e) => e.eventId)).toEqual([...first, early, late].map((e) => e.eventId));
    expect(all.events.map((e) => e.position)).toEqual(page.events.map((e) => e.position));
    expect([...one.events, ...two.events].map((e) => e.eventId)).toEqual(
      first.slice(0, 4).map((e) => e.eventId),
    );
  });

  it('is not held back by unrelated transactions left open, in another schema or another database', async () => {
    // Two sessions take a transaction id BEFORE the append and stay idle in transaction: one writes to another
    // schema of this database, one sits in the `postgres` database. Neither appends to this store.
    const otherSchema = freshSchema('unrelated');
    const sameDb = new pg.Client({ connectionString });
    const otherDb = new pg.Client({ connectionString: connectionString.replace(/\/[^/]*$/, '/postgres') });
    await sameDb.connect();
    await otherDb.connect();
    try {
      await sameDb.query('BEGIN');
      await sameDb.query(`CREATE SCHEMA "${otherSchema}"`);
      await sameDb.query(`CREATE TABLE "${otherSchema}".report AS SELECT 1 AS n`);
      const sameDbXid = (await sameDb.query<{ x: string }>('SELECT txid_current()::text AS x')).rows[0]!.x;
      await otherDb.query('BEGIN');
      const otherDbXid = (await otherDb.query<{ x: string }>('SELECT txid_current()::text AS x')).rows[0]!.x;

      const start = await store.headPosition();
      let deliver!: (e: RecordedEvent) => void;
      const delivered = new Promise<RecordedEvent>((resolve) => (deliver = resolve));
      const subscription = store.subscribeToAll({ after: start, onEvent: (e) => deliver(e) });
      const event = contractEvent('AfterIdle');
      const result = await store.append(`idle-${randomUUID()}`, [event], { expectedRevision: 'no_stream' });
      // The new event sits above both open transactions, and is readable at once all the same.
      expect(result.position >> 20n).toBeGreaterThan(BigInt(sameDbXid));
      expect(result.position >> 20n).toBeGreaterThan(BigInt(otherDbXid));
      expect((await store.readAll({ after: start })).events.map((e) => e.eventId)).toEqual([event.eventId]);
      expect(await store.headPosition()).toBe(result.position);
      expect((await delivered).eventId).toBe(event.eventId);
      await subscription.close();
      // The diagnostics do not name them either: they block no reader.
      const blockerXids = (await globalLogBlockers(sql)).map((b) => b.xid);
      expect(blockerXids).not.toContain(sameDbXid);
      expect(blockerXids).not.toContain(otherDbXid);
    } finally {
      await sameDb.query('ROLLBACK').catch(() => undefined);
      await otherDb.query('ROLLBACK').catch(() => undefined);
      await sameDb.end();
      await otherDb.end();
    }
  });

  it('refuses an append after another write in the same transaction, and writes nothing', async () => {
    const s = `late-append-${randomUUID()}`;
    const error = await sql
      .transaction(async (tx) => {
        // The transaction gets its id here, before it could take the append lock.
        await tx.query(
          `CREATE TEMP TABLE scratch_${randomUUID().replaceAll('-', '')} (n int) ON COMMIT DROP`,
        );
        await new PostgresEventStore({ sql: tx, schema }).append(s, [contractEvent()], {
          expectedRevision: 'no_stream',
        });
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'APPEND_NOT_FIRST_WRITE' });
    expect(await store.streamRevision(s)).toBeUndefined();

    // Appending first and writing something else afterwards in the same transaction is fine.
    await sql.transaction(async (tx) => {
      await new PostgresEventStore({ sql: tx, schema }).append(s, [contractEvent(), contractEvent()], {
        expectedRevision: 'no_stream',
      });
      await tx.query(`CREATE TEMP TABLE scratch_${randomUUID().replaceAll('-', '')} (n int) ON COMMIT DROP`);
    });
    expect(await store.streamRevision(s)).toBe(1n);
  });

  // One event takes the id in its VALUES row, several take it from a CTE: both paths must refuse and accept alike.
  it.each([1, 3])('applies the first-write rule to a batch of %i event(s)', async (size) => {
    const batch = () => Array.from({ length: size }, () => contractEvent());
    const scratch = () =>
      `CREATE TEMP TABLE scratch_${randomUUID().replaceAll('-', '')} (n int) ON COMMIT DROP`;
    const late = `late-${size}-${randomUUID()}`;
    const error = await sql
      .transaction(async (tx) => {
        await tx.query(scratch());
        await new PostgresEventStore({ sql: tx, schema }).append(late, batch(), {
          expectedRevision: 'no_stream',
        });
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'APPEND_NOT_FIRST_WRITE' });
    expect(await store.streamRevision(late)).toBeUndefined();

    const early = `early-${size}-${randomUUID()}`;
    await sql.transaction(async (tx) => {
      await new PostgresEventStore({ sql: tx, schema }).append(early, batch(), {
        expectedRevision: 'no_stream',
      });
      await tx.query(scratch());
    });
    expect(await store.streamRevision(early)).toBe(BigInt(size - 1));
  });

  it('reads the log as payloads: the same pages as readAll, less the hashes and commit time', async () => {
    const start = await store.headPosition();
    await store.append(`payloads-${randomUUID()}`, [contractEvent(), contractEvent(), contractEvent()], {
      expectedRevision: 'no_stream',
    });
    const payloads = await store.readAllPayloads({ after: start, limit: 2 });
    const page = await store.readAll({ after: start, limit: 2 });
    expect(payloads).toEqual({
      ...page,
      events: page.events.map(({ recordedAt: _at, prevHash: _prev, hash: _hash, ...rest }) => rest),
    });
    expect(payloads.isEnd).toBe(false);
  });

  it('keeps two store instances on one stream consistent although each caches its own last head', async () => {
    const other = new PostgresEventStore({ sql, schema });
    const s = `shared-${randomUUID()}`;
    await store.append(s, [contractEvent(), contractEvent()], { expectedRevision: 'no_stream' });
    await other.append(s, [contractEvent()], { expectedRevision: 1n });
    // `store` still believes the head is 1: its optimistic insert must hit the constraint and report the truth.
    const stale = await store.append(s, [contractEvent()], { expectedRevision: 1n }).catch((e: unknown) => e);
    expect(stale).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', actual: 2n });
    await store.append(s, [contractEvent()], { expectedRevision: 2n });
    const read = await store.readStream(s);
    expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
    expect(verifyChain(read)).toEqual({ ok: true, count: 4 });
    await other.close();
  });

  it('appends on the head it has just read without reading it again, and still refuses when that head is stale', async () => {
    // Statements on the events counted on a client of the test's own (a wake-up NOTIFY of its own aside): a second
    // instance that only read the stream.
    const statements: string[] = [];
    const counted = recordingQueries(sql, statements, (text) => !text.startsWith('SELECT pg_notify'));
    const reader = new PostgresEventStore({ sql: counted, schema });
    const [one, two] = [`read-${randomUUID()}`, `read-${randomUUID()}`];
    for (const s of [one, two])
      await store.append(s, [contractEvent(), contractEvent()], { expectedRevision: 'no_stream' });

    // One read alone, one among several: each append on the revision read is its INSERT only.
    await reader.readStream(one);
    await reader.readStreams([
      { streamId: two, fromRevision: 1n },
      { streamId: `absent-${randomUUID()}`, fromRevision: 0n },
    ]);
    statements.length = 0;
    await reader.append(one, [contractEvent()], { expectedRevision: 1n });
    await reader.append(two, [contractEvent()], { expectedRevision: 1n });
    expect(statements).toHaveLength(2);
    expect(statements.every((text) => /INSERT INTO/.test(text))).toBe(true);
    const read = await store.readStream(one);
    expect(verifyChain(read)).toEqual({ ok: true, count: 3 });

    // Another instance wrote after the read: the head read is stale, the conditional append is refused.
    await reader.readStream(two);
    await store.append(two, [contractEvent()], { expectedRevision: 2n });
    const stale = await reader
      .append(two, [contractEvent()], { expectedRevision: 2n })
      .catch((e: unknown) => e);
    expect(stale).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', actual: 3n });
    // A read limited by maxCount does not claim to have reached the head.
    await reader.readStream(two, { maxCount: 1 });
    statements.length = 0;
    await reader.append(two, [contractEvent()], { expectedRevision: 3n });
    expect(statements).toHaveLength(2);
    await reader.close();
  });

  it("sends a lone writer's next append at once, not after a turn of the event loop", async () => {
    const inserts: string[] = [];
    const counted = recordingQueries(sql, inserts, (text) => text.includes('INSERT INTO'));
    const lone = new PostgresEventStore({ sql: counted, schema });
    const s = `lone-${randomUUID()}`;
    await lone.append(s, [contractEvent()], { expectedRevision: 'no_stream' });
    for (let revision = 0n; revision < 3n; revision++) {
      const appended = lone.append(s, [contractEvent()], { expectedRevision: revision });
      // Issued within the call: nothing in flight, nothing queued, the last group was this append alone.
      expect(inserts).toHaveLength(Number(revision) + 2);
      await appended;
    }
    expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
    await lone.close();
  });

  it('takes the append lock and the id in the INSERT itself: append_transaction_id() is inlined', async () => {
    // The plan of the one-event INSERT shows the function's body (its lock and the id) and no call of it.
    const { rows } = await sql.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (VERBOSE) INSERT INTO "${schema}".events
         (position, stream_id, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, recorded_at)
       VALUES (("${schema}".append_transaction_id() << 20), 'x', 0, gen_random_uuid(), 't', 1, '{}', '{}', '', '', now())`,
    );
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toContain('pg_advisory_xact_lock_shared');
    expect(plan).toContain('pg_current_xact_id()');
    expect(plan).not.toContain('append_transaction_id');
  });

  it("retries alone an append whose group was undone by another append's conflict, so it is never starved", async () => {
    // Eight writers keep appending to streams that already exist with 'no_stream' (straight to the INSERT, so
    // each one fails the whole group it joins). An innocent append grouped with them is undone every time; before
    // the fix its retries were grouped again and it gave up with a false WRONG_EXPECTED_REVISION.
    const other = new PostgresEventStore({ sql, schema });
    const taken = Array.from({ length: 8 }, () => `taken-${randomUUID()}`);
    for (const t of taken) await other.append(t, [contractEvent()], { expectedRevision: 'no_stream' });
    let done = false;
    const conflicts = { count: 0 };
    const adversaries = taken.map(async (t) => {
      while (!done) {
        const error = await store
          .append(t, [contractEvent()], { expectedRevision: 'no_stream' })
          .catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'WRONG_EXPECTED_REVISION' });
        conflicts.count += 1;
      }
    });
    const victims = Array.from({ length: 4 }, () => `innocent-${randomUUID()}`);
    const results = await Promise.allSettled(
      victims.map((v) => store.append(v, [contractEvent()], { expectedRevision: 'no_stream' })),
    ).finally(() => (done = true));
    await Promise.all(adversaries);
    expect(conflicts.count).toBeGreaterThan(0);
    expect(results.map((r) => r.status)).toEqual(victims.map(() => 'fulfilled'));
    for (const v of victims) expect(await store.streamRevision(v)).toBe(0n);
    await other.close();
  });

  it('ends a subscription whose handler fails, reporting the error, rather than skipping the event', async () => {
    const start = await store.headPosition();
    const s = `failing-${randomUUID()}`;
    await store.append(s, [contractEvent(), contractEvent()], { expectedRevision: 'no_stream' });
    const failure = new Error('projection failed');
    const delivered: bigint[] = [];
    let reported!: (error: unknown) => void;
    const errorReported = new Promise<unknown>((resolve) => (reported = resolve));
    const subscription = store.subscribeToAll({
      after: start,
      onEvent: (e) => {
        delivered.push(e.revision);
        throw failure;
      },
      onError: (error) => reported(error),
    });
    expect(await errorReported).toBe(failure);
    await subscription.close();
    expect(delivered).toEqual([0n]);
  });

  it('reports driver failures as STORE_UNAVAILABLE with the cause kept', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
    const missing = new PostgresEventStore({ sql, schema: freshSchema('missing') });
    const error = await missing.readStream('dossier-x').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((error as Error).cause).toMatchObject({ code: '42P01' });
    // A lone writer's INSERT awaits the driver itself, not through storeQuery (ADR 0062): the same report.
    const appendError = await missing
      .append('dossier-x', [contractEvent()], { expectedRevision: 'no_stream' })
      .catch((e: unknown) => e);
    expect(appendError).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    // The schema of append_transaction_id() does not exist.
    expect((appendError as Error).cause).toMatchObject({ code: '3F000' });
    await missing.close();
  });

  it('wakes a subscriber in another process through NOTIFY, without waiting for a poll', async () => {
    const otherPool = new pg.Pool({ connectionString, max: 2 });
    const otherSql = createPgSqlClient(otherPool);
    // A poll interval of an hour: only the NOTIFY can deliver the event within the test.
    const other = new PostgresEventStore({ sql: otherSql, schema, pollIntervalMs: 3_600_000 });
    const start = await store.headPosition();
    let deliver!: (e: RecordedEvent) => void;
    const delivered = new Promise<RecordedEvent>((resolve) => (deliver = resolve));
    const subscription = other.subscribeToAll({ after: start, onEvent: (e) => deliver(e) });
    // Let the subscription reach the end of the log and its LISTEN be in place before appending.
    while (
      (await otherSql.query(`SELECT 1 FROM pg_stat_activity WHERE query LIKE 'LISTEN%'`)).rows.length === 0
    ) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const event = contractEvent('Notified');
    await store.append(`notify-${randomUUID()}`, [event], { expectedRevision: 'no_stream' });
    expect((await delivered).eventId).toBe(event.eventId);
    await subscription.close();
    await other.close();
    await otherSql.close();
  });
});

describe('PostgresEventStore wake-ups across processes', () => {
  // Every subscriber here polls once an hour: within a test only a NOTIFY (or the store's own appends) can wake it.
  const schema = freshSchema('wake');
  const NO_POLL = 3_600_000;
  let writerSql: SqlClient;
  let writer: PostgresEventStore;

  beforeAll(async () => {
    writerSql = createPgSqlClient(new pg.Pool({ connectionString, max: 4 }));
    writer = await PostgresEventStore.open({ sql: writerSql, schema });
  });
  afterAll(async () => {
    await writer.close();
    await writerSql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await writerSql.close();
  });

  /** A second "process": its own pool and store, with a subscriber from `after` collecting event ids. */
  function reader(sql: SqlClient, after: bigint) {
    const store = new PostgresEventStore({ sql, schema, pollIntervalMs: NO_POLL });
    const seen: string[] = [];
    const subscription = store.subscribeToAll({ after, onEvent: (e) => void seen.push(e.eventId) });
    return {
      seen,
      close: async () => {
        await subscription.close();
        await store.close();
      },
    };
  }

  const waitUntil = (condition: () => void | Promise<void>) =>
    vi.waitFor(condition, { timeout: 10_000, interval: 5 });

  it('delivers a whole burst from another instance, its last commit included, through NOTIFY alone', async () => {
    const sql = createPgSqlClient(new pg.Pool({ connectionString, max: 2 }));
    const sub = reader(sql, await writer.headPosition());
    const burst = Array.from({ length: 60 }, (_, i) => contractEvent('Burst', { i }));
    // Concurrent appends on 4 connections: commits spread over several 10 ms NOTIFY windows.
    const results = await Promise.all(
      burst.map((event) =>
        writer.append(`burst-${randomUUID()}`, [event], { expectedRevision: 'no_stream' }),
      ),
    );
    const lastIndex = results.reduce((best, r, i) => (r.position > results[best]!.position ? i : best), 0);
    await waitUntil(() => expect(sub.seen).toHaveLength(burst.length));
    expect(new Set(sub.seen)).toEqual(new Set(burst.map((e) => e.eventId)));
    expect(sub.seen.at(-1)).toBe(burst[lastIndex]!.eventId);
    // A second burst after a quiet spell: the throttle must not have swallowed the first wake-up of a new burst.
    const again = contractEvent('AfterQuiet');
    await writer.append(`burst-${randomUUID()}`, [again], { expectedRevision: 'no_stream' });
    await waitUntil(() => expect(sub.seen.at(-1)).toBe(again.eventId));
    await sub.close();
    await sql.close();
  });

  /**
   * A reader in another process, its LISTEN in place, and a writer store of its own whose statements (its NOTIFYs
   * sent alone included) are recorded.
   */
  async function listeningReaderAndCountedWriter(notifyIntervalMs?: number) {
    const sql = createPgSqlClient(new pg.Pool({ connectionString, max: 2 }));
    const sub = reader(sql, await writer.headPosition());
    while ((await sql.query(`SELECT 1 FROM pg_stat_activity WHERE query LIKE 'LISTEN%'`)).rows.length === 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const statements: string[] = [];
    const lone = new PostgresEventStore({
      sql: recordingQueries(writerSql, statements, () => true),
      schema,
      pollIntervalMs: NO_POLL,
      ...(notifyIntervalMs === undefined ? {} : { notifyIntervalMs }),
    });
    const close = async () => {
      await lone.close();
      await sub.close();
      await sql.close();
    };
    return { seen: sub.seen, statements, lone, close };
  }

  it("wakes another process with the NOTIFY carried by the append's own INSERT: one statement per append, not two", async () => {
    const { seen, statements, lone, close } = await listeningReaderAndCountedWriter();
    const event = contractEvent('Carried');
    await lone.append(`carried-${randomUUID()}`, [event], { expectedRevision: 'no_stream' });
    await waitUntil(() => expect(seen).toContain(event.eventId));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/pg_notify\(\$\d+, ''\)[\s\S]*INSERT INTO/);
    await close();
  });

  it("lets a lone writer's INSERTs carry every NOTIFY while it keeps appending: one statement per append", async () => {
    // A NOTIFY is due every millisecond, so most fall due while the writer's INSERT is in flight: before, each of
    // those went out as a statement of its own.
    const { seen, statements, lone, close } = await listeningReaderAndCountedWriter(1);
    const s = `lone-notify-${randomUUID()}`;
    const ids: string[] = [];
    const carried = () => statements.filter((text) => /pg_notify[\s\S]*INSERT INTO/.test(text)).length;
    for (let i = 0; carried() < 4 && i < 2_000; i++) {
      const event = contractEvent('Lone', { i });
      await lone.append(s, [event], { expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1) });
      ids.push(event.eventId);
    }
    // Counted as the last append returns, before the next turn (when an unclaimed NOTIFY would go out alone).
    const alone = statements.filter((text) => text.startsWith('SELECT pg_notify')).length;
    expect(carried()).toBe(4);
    expect(alone).toBe(0);
    expect(statements).toHaveLength(ids.length);
    // The last append's NOTIFY (carried, or sent alone once no append followed) wakes the other process.
    await waitUntil(() => expect(seen).toEqual(ids));
    await close();
  });

  it('reads again once LISTEN is in place, so a commit made before it is not left waiting for a poll', async () => {
    const sql = createPgSqlClient(new pg.Pool({ connectionString, max: 2 }));
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    // The same real client, except that LISTEN is issued only when the test says so.
    const gated: SqlClient = {
      ...sql,
      listen: async (channel, onNotify) => {
        await gate;
        return sql.listen!(channel, onNotify);
      },
    };
    const local = new PostgresEventStore({ sql: gated, schema, pollIntervalMs: NO_POLL });
    const seen: string[] = [];
    const subscription = local.subscribeToAll({
      after: await writer.headPosition(),
      onEvent: (e) => void seen.push(e.eventId),
    });
    // The subscriber has read to the end (its own append woke it) and now waits, not yet listening.
    const own = contractEvent('Own');
    await local.append(`gate-${randomUUID()}`, [own], { expectedRevision: 'no_stream' });
    await waitUntil(() => expect(seen).toEqual([own.eventId]));
    const unheard = contractEvent('Unheard');
    await writer.append(`gate-${randomUUID()}`, [unheard], { expectedRevision: 'no_stream' });
    openGate();
    await waitUntil(() => expect(seen).toEqual([own.eventId, unheard.eventId]));
    await subscription.close();
    await local.close();
    await sql.close();
  });

  it('listens again after its connection is killed, and catches up on what it missed', async () => {
    const sql = createPgSqlClient(new pg.Pool({ connectionString, max: 2 }));
    const sub = reader(sql, await writer.headPosition());
    const listenQuery = `LISTEN "ntm_events_${schema}"`;
    const listener = async () =>
      (
        await writerSql.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE query = $1', [
          listenQuery,
        ])
      ).rows.map((r) => r.pid);
    await waitUntil(async () => expect(await listener()).toHaveLength(1));
    const [killed] = await listener();
    await writerSql.query('SELECT pg_terminate_backend($1)', [killed]);
    const missed = contractEvent('WhileDown');
    await writer.append(`relisten-${randomUUID()}`, [missed], { expectedRevision: 'no_stream' });
    await waitUntil(() => expect(sub.seen).toEqual([missed.eventId]));
    // And the new connection carries later wake-ups.
    await waitUntil(async () => expect((await listener()).filter((pid) => pid !== killed)).toHaveLength(1));
    const later = contractEvent('AfterRelisten');
    await writer.append(`relisten-${randomUUID()}`, [later], { expectedRevision: 'no_stream' });
    await waitUntil(() => expect(sub.seen).toEqual([missed.eventId, later.eventId]));
    await sub.close();
    await sql.close();
  });

  it('tails the log on its own connections, not behind a busy append pool', async () => {
    const busySql = createPgSqlClient(new pg.Pool({ connectionString, max: 1 }));
    const tailSql = createPgSqlClient(new pg.Pool({ connectionString, max: 2 }));
    const local = new PostgresEventStore({ sql: busySql, tailSql, schema, pollIntervalMs: NO_POLL });
    const seen: string[] = [];
    const subscription = local.subscribeToAll({
      after: await writer.headPosition(),
      onEvent: (e) => void seen.push(e.eventId),
    });
    // The append pool's only connection stays taken until the event has been delivered. Taken before the append:
    // the transaction's work starts only once the pool has given it the connection and BEGIN has run, and the
    // append used to win that race now and then (then nothing was held, and `release` was not set yet).
    let release!: () => void;
    let taken!: () => void;
    const connectionTaken = new Promise<void>((resolve) => (taken = resolve));
    const held = busySql.transaction(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
          taken();
        }),
    );
    await connectionTaken;
    const event = contractEvent('PastTheQueue');
    await writer.append(`tail-${randomUUID()}`, [event], { expectedRevision: 'no_stream' });
    await waitUntil(() => expect(seen).toEqual([event.eventId]));
    release();
    await held;
    await subscription.close();
    await local.close();
    await Promise.all([busySql.close(), tailSql.close()]);
  });
});
