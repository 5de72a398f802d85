/**
 * The event store on PostgreSQL, written against SqlClient so that the very same code runs on `pg` and on PGlite.
 *
 * Global order without skipped events: every INSERT is one autocommit transaction (one append, or a group of appends
 * to different streams issued while the previous INSERT was in flight: group commit, see `insert`), and each event's
 * position is `txid << 20 | index-in-insert`, where txid is the inserting transaction's id. The INSERT gets that id
 * from `<schema>.append_transaction_id()`, which first takes a shared advisory lock (the append lock) while the
 * transaction has no id yet. A reader first computes a bound in one statement: the smallest id of the sessions
 * holding the append lock, or the snapshot's xmax when there is none; then, in a later statement (a newer snapshot),
 * it returns only positions below `bound << 20`. Every appender with a smaller id has finished by then, and every
 * later one gets a larger id, so nothing can appear below a position a reader has passed; the proof, race by race,
 * is in docs/adr/0001-event-store.md. Transactions that do not append (another schema or database, an idle session,
 * a report) never hold readers back. A counter row updated in the append transaction was measured at a quarter of
 * the insert rate at 8 writers, because it serialises commits.
 *
 * Appends are optimistic: with the stream's head known (cached from our own last append, or 'no_stream'), the
 * INSERT goes straight out and the unique constraints on (stream_id, revision) and (stream_id, event_id) catch a
 * concurrent writer or a retried batch; on a violation the head is read and the decision is made again.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  EventStoreError,
  GENESIS_HASH,
  WrongExpectedRevisionError,
  chainEvents,
  type ChainedEvent,
  validateNewEvents,
  validatePositiveInt,
  validateRevision,
  validateStreamId,
  validateStreamReads,
} from '@ntm/event-store';
import type {
  AllPage,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamRead,
  SubscribeOptions,
  Subscription,
} from '@ntm/event-store';
import { isUniqueViolation, migrate, quoteIdent, sqlState } from '@ntm/sql';
import type { SqlClient } from '@ntm/sql';
import { APPEND_LOCK_NAMESPACE, APPEND_NOT_FIRST_SQLSTATE, eventStoreMigrations } from './schema.js';

export interface PostgresEventStoreOptions {
  sql: SqlClient;
  /** Schema holding the events table (created by `PostgresEventStore.open`). */
  schema: string;
  /** Clock for recordedAt; default `() => new Date()`. */
  now?: () => Date;
  /** Subscriptions re-read the log at least this often even without a wake-up; default 250 ms. */
  pollIntervalMs?: number;
  /**
   * Other processes are woken by at most one NOTIFY per this interval (appends in between share it), and a
   * subscription reads the tail at most once per this interval (the wake-ups in between share the read); default
   * 10 ms. A NOTIFY per append was measured at about 15% of append throughput with 8 writers, and a tail read per
   * local append (each costs a look at pg_locks for the readable limit) at about half of PostgreSQL's CPU at 500
   * appends/s.
   */
  notifyIntervalMs?: number;
  /**
   * Client for tailing the log: the reads of subscriptions and the NOTIFYs that wake other processes; default
   * `sql`. On a busy pool these statements queue behind every waiting append, and that wait was most of the
   * global log's visibility lag under load, so `openPostgresStore` gives them a small pool of their own. The
   * caller closes it.
   */
  tailSql?: SqlClient;
  /** Close `sql` when the store closes; default false. */
  ownsSql?: boolean;
}

interface Head {
  revision: bigint;
  hash: string;
}

interface EventRow {
  position: string;
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: NewEvent['data'];
  metadata: NewEvent['metadata'];
  prev_hash: string;
  hash: string;
  recorded_at: string;
}

const MAX_ATTEMPTS = 50;
const HEAD_CACHE_SIZE = 10_000;
/** Most events in one VALUES INSERT (an append or a group of appends); a larger append goes through jsonb. */
const VALUES_BATCH = 1000;
/** Groups of up to this many rows use prepared statements (one text per row count). */
const PREPARED_GROUP_ROWS = 16;
const COLUMNS =
  'position, stream_id, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, recorded_at';

/** An append waiting for its group's INSERT. */
interface PendingInsert {
  streamId: string;
  chained: ChainedEvent[];
  resolve: (position: bigint) => void;
  reject: (error: unknown) => void;
}

function describeExpected(expected: ExpectedRevision): string {
  return typeof expected === 'bigint' ? expected.toString() : expected;
}

function satisfies(expected: ExpectedRevision, head: Head | undefined): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return head === undefined;
  if (expected === 'stream_exists') return head !== undefined;
  return head?.revision === expected;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    prevHash: row.prev_hash,
    hash: row.hash,
    recordedAt: row.recorded_at,
  };
}

/** PostgreSQL (and PGlite) implementation of the EventStore port. */
export class PostgresEventStore implements EventStore {
  private readonly sql: SqlClient;
  private readonly tailSql: SqlClient;
  private readonly schemaName: string;
  private readonly schema: string;
  private readonly table: string;
  private readonly channel: string;
  private readonly now: () => Date;
  private readonly pollIntervalMs: number;
  private readonly ownsSql: boolean;
  private readonly notifyIntervalMs: number;
  /** Last head we wrote per stream; only ever a hint, the unique constraints decide. */
  private readonly heads = new Map<string, Head>();
  private readonly wakers = new Set<() => void>();
  private readonly running = new Set<Promise<void>>();
  private stopListening: Promise<(() => Promise<void>) | undefined> | undefined;
  private notifying: Promise<void> | undefined;
  private notifyAgain = false;
  private notifyPause: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private closed = false;
  /** Appends waiting for the INSERT in flight to finish (group commit, see `insert`). */
  private pendingInserts: PendingInsert[] = [];
  private insertInFlight = false;
  private flushScheduled = false;

  constructor(options: PostgresEventStoreOptions) {
    this.sql = options.sql;
    this.tailSql = options.tailSql ?? options.sql;
    this.schemaName = options.schema;
    this.schema = quoteIdent(options.schema);
    this.table = `${this.schema}.events`;
    this.channel = `ntm_events_${options.schema}`.slice(0, 63);
    this.now = options.now ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.ownsSql = options.ownsSql ?? false;
    this.notifyIntervalMs = options.notifyIntervalMs ?? 10;
  }

  /** Create the schema and table if needed (safe when several processes start at once), then the store. */
  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    await migrate(
      options.sql,
      eventStoreMigrations(options.schema),
      `${options.schema}.event_store_migrations`,
    );
    return new PostgresEventStore(options);
  }

  /**
   * Every statement of the store goes through here: unique violations pass through (append decides on them),
   * any other driver failure becomes STORE_UNAVAILABLE with the driver error as cause.
   */
  /** Every statement of the store is prepared (its texts are few) except multi-row VALUES appends. */
  private async query<R>(
    text: string,
    params?: readonly unknown[],
    sql = this.sql,
    prepare = true,
  ): Promise<{ rows: R[] }> {
    try {
      return await sql.query<R>(text, params, { prepare });
    } catch (error) {
      if (isUniqueViolation(error)) throw error;
      if (sqlState(error) === APPEND_NOT_FIRST_SQLSTATE) {
        throw new EventStoreError(
          'APPEND_NOT_FIRST_WRITE',
          'an append must be the first write of its transaction: append before other writes, or outside it',
          { cause: error },
        );
      }
      throw new EventStoreError('STORE_UNAVAILABLE', `event store query failed: ${String(error)}`, {
        cause: error,
      });
    }
  }

  private columns(): string {
    // Bigints as text (drivers differ in how they return int8); ORDER BY must name e.revision / e.position,
    // since a bare name would sort by these text aliases.
    return `e.position::text AS position, e.stream_id, e.revision::text AS revision, e.event_id::text AS event_id,
      e.type, e.schema_version, e.data, e.metadata, e.prev_hash, e.hash,
      to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`;
  }

  async append(
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    const expected = options?.expectedRevision;
    validateNewEvents(streamId, events, expected);
    let lastHead: Head | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let head: Head | undefined;
      const cached = this.heads.get(streamId);
      if (attempt === 0 && expected === 'no_stream') head = undefined;
      else if (attempt === 0 && cached !== undefined && cached.revision === expected) head = cached;
      else {
        const state = await this.readHead(streamId, events);
        if (state.existing.length > 0) return this.idempotentResult(streamId, events, state.existing);
        head = state.head;
        lastHead = head;
        if (!satisfies(expected, head)) {
          throw new WrongExpectedRevisionError(streamId, describeExpected(expected), head?.revision);
        }
      }
      const chained = chainEvents(
        streamId,
        head ? head.revision + 1n : 0n,
        head?.hash ?? GENESIS_HASH,
        events,
      );
      let position: bigint;
      try {
        position = await this.insert(streamId, chained);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        this.heads.delete(streamId);
        continue;
      }
      const last = chained[chained.length - 1]!;
      this.rememberHead(streamId, { revision: last.revision, hash: last.hash });
      this.wake();
      return { nextExpectedRevision: last.revision, position, written: events.length };
    }
    throw new WrongExpectedRevisionError(streamId, describeExpected(expected), lastHead?.revision);
  }

  private rememberHead(streamId: string, head: Head): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > HEAD_CACHE_SIZE) {
      const oldest = this.heads.keys().next();
      if (!oldest.done) this.heads.delete(oldest.value);
    }
  }

  private async readHead(
    streamId: string,
    events: readonly NewEvent[],
  ): Promise<{
    head: Head | undefined;
    existing: { eventId: string; revision: string; position: string }[];
  }> {
    const { rows } = await this.query<{
      head: { revision: string; hash: string } | null;
      existing: { eventId: string; revision: string; position: string }[];
    }>(
      `SELECT
         (SELECT json_build_object('revision', revision::text, 'hash', hash) FROM ${this.table}
            WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1) AS head,
         (SELECT coalesce(json_agg(json_build_object('eventId', event_id::text, 'revision', revision::text,
                   'position', position::text) ORDER BY revision), '[]'::json)
            FROM ${this.table}
            WHERE stream_id = $1 AND event_id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb))
         ) AS existing`,
      [streamId, JSON.stringify(events.map((event) => event.eventId))],
    );
    const row = rows[0]!;
    const head = row.head ? { revision: BigInt(row.head.revision), hash: row.head.hash } : undefined;
    return { head, existing: row.existing };
  }

  /**
   * A batch whose ids are all in the stream already, in the same order at consecutive revisions, is a retry of a
   * write that succeeded: acknowledge it (written = 0) whatever the expected revision. A batch that shares only
   * some ids with the stream is refused: it is neither the same write nor a new one.
   */
  private idempotentResult(
    streamId: string,
    events: readonly NewEvent[],
    existing: readonly { eventId: string; revision: string; position: string }[],
  ): AppendResult {
    const first = BigInt(existing[0]!.revision);
    const sameBatch =
      existing.length === events.length &&
      existing.every(
        (row, i) => row.eventId === events[i]!.eventId && BigInt(row.revision) === first + BigInt(i),
      );
    if (!sameBatch) {
      throw new EventStoreError(
        'INVALID_EVENT',
        `stream ${streamId}: ${existing.length} of ${events.length} event ids are already in the stream; ` +
          'a retry must resend the same batch, a new batch needs new ids',
      );
    }
    const last = existing[existing.length - 1]!;
    return { nextExpectedRevision: BigInt(last.revision), position: BigInt(last.position), written: 0 };
  }

  /**
   * Group commit. An append whose events are chained goes out at once when no INSERT of this store is in flight;
   * the appends that become ready meanwhile wait for it and then go out together as ONE autocommit INSERT: one
   * transaction (one id, so consecutive positions and the same ordering argument as a single append), one round
   * trip, one commit. Measured at 8 writers, one INSERT in flight at a time carried about twice the appends per
   * second of one INSERT per append, at a third of the client CPU per append (docs/adr/0008-group-commit.md).
   * A group holds one append per stream (a later one on the same stream waits for the next group) and at most
   * VALUES_BATCH events; larger appends go alone through one jsonb document.
   */
  private insert(streamId: string, chained: ChainedEvent[]): Promise<bigint> {
    if (chained.length > VALUES_BATCH) return this.insertLarge(streamId, chained);
    return new Promise((resolve, reject) => {
      this.pendingInserts.push({ streamId, chained, resolve, reject });
      this.scheduleFlush();
    });
  }

  /**
   * Flushes once the current turn of the event loop is done: the appends that callers issue in one turn (the
   * writers woken by the previous group's answer) go out together instead of the first one alone.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushInserts();
    });
  }

  private flushInserts(): void {
    if (this.insertInFlight || this.pendingInserts.length === 0) return;
    const group: PendingInsert[] = [];
    const later: PendingInsert[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (const pending of this.pendingInserts) {
      if (streams.has(pending.streamId) || events + pending.chained.length > VALUES_BATCH) {
        later.push(pending);
        continue;
      }
      group.push(pending);
      streams.add(pending.streamId);
      events += pending.chained.length;
    }
    this.pendingInserts = later;
    this.insertInFlight = true;
    // A failure fails every append of the group. A unique violation (one stream's conflict or retried batch undoes
    // the whole group) sends each append back to `append`'s loop, which reads its head and decides again: the
    // others are then written, the conflicting one is refused or recognised as a retry.
    this.insertGroup(group)
      .then(
        (positions) => group.forEach((pending, i) => pending.resolve(positions[i]!)),
        (error: unknown) => group.forEach((pending) => pending.reject(error)),
      )
      .finally(() => {
        this.insertInFlight = false;
        this.scheduleFlush();
      });
  }

  /** One autocommit INSERT of the appends' events (plain VALUES); the last position of each append, in order. */
  private async insertGroup(group: readonly PendingInsert[]): Promise<bigint[]> {
    const rowCount = group.reduce((sum, pending) => sum + pending.chained.length, 0);
    // A single row calls append_transaction_id() in its VALUES: evaluated once, before that row's insert assigns
    // the id (measured about 10% faster at 8 writers than the CTE). Several rows take the id from one materialised
    // CTE, evaluated once before the first row is inserted: a call per row would run again after the first row's
    // insert had assigned the id, which append_transaction_id() refuses.
    const single = rowCount === 1;
    const position = single
      ? `(${this.schema}.append_transaction_id() << 20)`
      : '((SELECT id FROM txid) << 20)';
    const params: unknown[] = [this.now().toISOString()];
    const tuples: string[] = [];
    for (const { streamId, chained } of group) {
      for (const event of chained) {
        const n = params.length;
        params.push(
          streamId,
          event.revision.toString(),
          event.eventId,
          event.type,
          event.schemaVersion,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
          event.prevHash,
          event.hash,
        );
        tuples.push(
          `(${position} + ${tuples.length}, $${n + 1}, $${n + 2}::bigint, $${n + 3}::uuid, $${n + 4}, ` +
            `$${n + 5}::integer, $${n + 6}::jsonb, $${n + 7}::jsonb, $${n + 8}, $${n + 9}, $1::timestamptz)`,
        );
      }
    }
    const { rows } = await this.query<{ position: string; stream_id: string; revision: string }>(
      `${single ? '' : `WITH ${this.txid()} `}INSERT INTO ${this.table} (${COLUMNS}) VALUES ${tuples.join(', ')}
       RETURNING position::text AS position, stream_id, revision::text AS revision`,
      params,
      this.sql,
      // One text per number of rows: the small groups that are the common case are worth keeping prepared.
      rowCount <= PREPARED_GROUP_ROWS,
    );
    // RETURNING promises no order: match each append to its last row.
    const positions = new Map(rows.map((row) => [`${row.stream_id}\n${row.revision}`, BigInt(row.position)]));
    return group.map(({ streamId, chained }) => positions.get(`${streamId}\n${chained.at(-1)!.revision}`)!);
  }

  private txid(): string {
    return `txid AS MATERIALIZED (SELECT ${this.schema}.append_transaction_id() AS id)`;
  }

  /** An append of more than VALUES_BATCH events: alone, through one jsonb document. */
  private async insertLarge(streamId: string, chained: ChainedEvent[]): Promise<bigint> {
    const records = chained.map((event, i) => ({
      i,
      revision: event.revision.toString(),
      event_id: event.eventId,
      type: event.type,
      schema_version: event.schemaVersion,
      data: event.data,
      metadata: event.metadata,
      prev_hash: event.prevHash,
      hash: event.hash,
    }));
    const { rows } = await this.query<{ position: string }>(
      `WITH ${this.txid()}, ins AS (
         INSERT INTO ${this.table} (${COLUMNS})
         SELECT ((SELECT id FROM txid) << 20) + r.i, $1, r.revision, r.event_id, r.type, r.schema_version, r.data,
                r.metadata, r.prev_hash, r.hash, $3::timestamptz
         FROM jsonb_to_recordset($2::jsonb) AS r(i integer, revision bigint, event_id uuid, type text,
              schema_version integer, data jsonb, metadata jsonb, prev_hash text, hash text)
         RETURNING position)
       SELECT max(position)::text AS position FROM ins`,
      [streamId, JSON.stringify(records), this.now().toISOString()],
    );
    return BigInt(rows[0]!.position);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const from = options.fromRevision ?? 0n;
    validateRevision(from, 'fromRevision');
    if (options.maxCount !== undefined) validatePositiveInt(options.maxCount, 'maxCount');
    const { rows } = await this.query<EventRow>(
      `SELECT ${this.columns()} FROM ${this.table} e
       WHERE e.stream_id = $1 AND e.revision >= $2::bigint ORDER BY e.revision LIMIT $3`,
      [streamId, from.toString(), options.maxCount ?? null],
    );
    return rows.map(toRecorded);
  }

  async readStreams(reads: readonly StreamRead[]): Promise<Map<string, RecordedEvent[]>> {
    const result = validateStreamReads(reads);
    if (reads.length === 0) return result;
    const { rows } = await this.query<EventRow>(
      `SELECT ${this.columns()} FROM unnest($1::text[], $2::bigint[]) AS r (stream_id, from_revision)
       JOIN ${this.table} e ON e.stream_id = r.stream_id AND e.revision >= r.from_revision
       ORDER BY e.stream_id, e.revision`,
      [reads.map((r) => r.streamId), reads.map((r) => r.fromRevision.toString())],
    );
    for (const row of rows) result.get(row.stream_id)!.push(toRecorded(row));
    return result;
  }

  async streamRevision(streamId: string): Promise<bigint | undefined> {
    validateStreamId(streamId);
    const { rows } = await this.query<{ revision: string }>(
      `SELECT e.revision::text AS revision FROM ${this.table} e WHERE e.stream_id = $1 ORDER BY e.revision DESC LIMIT 1`,
      [streamId],
    );
    return rows[0] ? BigInt(rows[0].revision) : undefined;
  }

  /**
   * The readable limit of the global log: `bound << 20`, where bound is the smallest transaction id of a session
   * holding the append lock, or the snapshot's xmax. pg_stat_activity shows 32-bit ids, widened here against
   * xmax (live ids are within 2^31 of it); ids at or above xmax cannot lower the bound and are ignored. The
   * caller must read with a LATER statement: see the file comment.
   */
  private async readableLimit(sql: SqlClient): Promise<string> {
    const { rows } = await this.query<{ limit: string }>(
      `SELECT (least(s.xmax, min(s.xmax - h.behind) FILTER (WHERE h.behind < 2147483648)) << 20)::text AS limit
         FROM (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax) s
         LEFT JOIN LATERAL (
           SELECT ((s.xmax - a.backend_xid::text::bigint) % 4294967296 + 4294967296) % 4294967296 AS behind
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.classid = $1::bigint::oid AND l.objid = hashtext($2)::oid
              AND l.objsubid = 2 AND a.backend_xid IS NOT NULL) h ON true
        GROUP BY s.xmax`,
      [APPEND_LOCK_NAMESPACE, this.schemaName],
      sql,
    );
    return rows[0]!.limit;
  }

  /** Only events below the readable limit are returned: see the file comment. */
  async readAll(options: ReadAllOptions = {}): Promise<AllPage> {
    return this.readAllOn(this.sql, options);
  }

  private async readAllOn(sql: SqlClient, options: ReadAllOptions): Promise<AllPage> {
    const after = options.after ?? 0n;
    const limit = options.limit ?? 1000;
    if (typeof after !== 'bigint' || after < 0n) {
      throw new EventStoreError('INVALID_ARGUMENT', 'after must be a bigint >= 0');
    }
    validatePositiveInt(limit, 'limit');
    const readable = await this.readableLimit(sql);
    // The page is cut from an index scan in position order, then trimmed at the horizon: a horizon inside the
    // index condition made PGlite (no autovacuum, so no statistics) pick a bitmap scan and sort the whole rest of
    // the log for every page. The trimmed rows are a suffix of the page, so what remains is still gap-free.
    const { rows } = await this.query<EventRow>(
      `SELECT page.* FROM (
         SELECT ${this.columns()}, e.position AS sort_key FROM ${this.table} e
         WHERE e.position > $1::bigint ORDER BY e.position LIMIT $2) page
       WHERE page.sort_key < $3::bigint
       ORDER BY page.sort_key`,
      [after.toString(), limit, readable],
      sql,
    );
    const events = rows.map(toRecorded);
    return { events, nextAfter: events.at(-1)?.position ?? after, isEnd: events.length < limit };
  }

  async headPosition(): Promise<bigint> {
    const readable = await this.readableLimit(this.sql);
    const { rows } = await this.query<{ position: string | null }>(
      `SELECT max(position)::text AS position FROM ${this.table} WHERE position < $1::bigint`,
      [readable],
    );
    return BigInt(rows[0]?.position ?? 0);
  }

  /**
   * Deliver the global log in order from `after`, then tail it: woken at once by our own appends and by NOTIFY
   * from other processes, and by polling as a fallback. A failing read is reported to onError and retried; a
   * failing onEvent is reported and ends the subscription (the event is never skipped silently).
   */
  subscribeToAll(options: SubscribeOptions): Subscription {
    let checkpoint = options.after ?? 0n;
    let stopped = false;
    let pending = false;
    let resolveWait: (() => void) | undefined;
    const wake = () => {
      pending = true;
      resolveWait?.();
    };
    const waitForWake = async () => {
      if (pending || stopped || this.closed) {
        pending = false;
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.pollIntervalMs);
        function done() {
          clearTimeout(timer);
          resolveWait = undefined;
          pending = false;
          resolve();
        }
        resolveWait = done;
      });
    };
    this.wakers.add(wake);
    this.ensureListening();
    /** when the last read of the tail started (catching up a backlog is not throttled) */
    let tailReadAt = Number.NEGATIVE_INFINITY;
    const loop = async () => {
      // Closing the store ends its subscriptions too.
      while (!stopped && !this.closed) {
        const sinceTailRead = performance.now() - tailReadAt;
        if (sinceTailRead < this.notifyIntervalMs) await delay(this.notifyIntervalMs - sinceTailRead);
        const startedAt = performance.now();
        let page: AllPage;
        try {
          page = await this.readAllOn(this.tailSql, { after: checkpoint, limit: 500 });
        } catch (error) {
          if (stopped || this.closed) return;
          options.onError?.(error);
          await waitForWake();
          continue;
        }
        for (const event of page.events) {
          if (stopped || this.closed) return;
          try {
            await options.onEvent(event);
          } catch (error) {
            options.onError?.(error);
            stopped = true;
            return;
          }
          checkpoint = event.position;
        }
        if (page.isEnd) {
          tailReadAt = startedAt;
          await waitForWake();
        }
      }
    };
    const done = loop().finally(() => {
      this.wakers.delete(wake);
      this.running.delete(done);
    });
    this.running.add(done);
    return {
      close: async () => {
        stopped = true;
        wake();
        await done;
      },
    };
  }

  private ensureListening(): void {
    if (this.stopListening || !this.sql.listen) return;
    const wakeAll = () => {
      for (const wake of this.wakers) wake();
    };
    // Commits between a subscriber's first read and LISTEN taking effect sent their NOTIFY to nobody: read again
    // once it is in place.
    this.stopListening = this.sql.listen(this.channel, wakeAll).then(
      (stop) => {
        wakeAll();
        return stop;
      },
      () => undefined, // polling still delivers; a wake-up channel is an optimisation
    );
  }

  /** Wake our own subscribers now, and other processes through a NOTIFY throttled to one per interval. */
  private wake(): void {
    for (const wake of this.wakers) wake();
    if (!this.sql.listen) return;
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = (async () => {
      do {
        this.notifyAgain = false;
        await this.tailSql.query('SELECT pg_notify($1, $2)', [this.channel, '']).catch(() => undefined);
        if (this.closed) break;
        await new Promise<void>((resolve) => {
          this.notifyPause = { timer: setTimeout(resolve, this.notifyIntervalMs), resolve };
        });
        this.notifyPause = undefined;
      } while (this.notifyAgain && !this.closed);
      this.notifying = undefined;
    })();
  }

  async ping(): Promise<void> {
    try {
      await this.sql.query('SELECT 1');
    } catch (error) {
      throw new EventStoreError('STORE_UNAVAILABLE', 'the event store does not answer', { cause: error });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.wakers) wake();
    await Promise.all([...this.running]);
    if (this.notifyPause) {
      clearTimeout(this.notifyPause.timer);
      this.notifyPause.resolve();
    }
    await this.notifying;
    const stop = await this.stopListening;
    await stop?.();
    if (this.ownsSql) await this.sql.close();
  }
}
