/**
 * The event store on PostgreSQL, written against SqlClient so that the very same code runs on `pg` and on PGlite.
 *
 * Global order without skipped events: every INSERT is one autocommit transaction (one append, or a group of appends
 * to different streams issued while the previous INSERT was in flight: group commit, see groupCommit.ts), and each event's
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
import {
  EventStoreError,
  GENESIS_HASH,
  WrongExpectedRevisionError,
  chainEvents,
  validateNewEvents,
  validatePositiveInt,
  validateRevision,
  validateStreamId,
  validateStreamReads,
} from '@ntm/event-store';
import type {
  AllPage,
  AppendResult,
  LeafPage,
  PayloadPage,
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
import { isUniqueViolation, migrate, quoteIdent } from '@ntm/sql';
import type { SqlClient } from '@ntm/sql';
import { eventStoreMigrations } from './schema.js';
import { GlobalLog } from './globalLog.js';
import { GroupCommit, type Inserted } from './groupCommit.js';
import { LogSubscriptions } from './logSubscriptions.js';
import { EVENT_COLUMNS, storeQuery, toRecorded, type EventRow } from './storeQuery.js';

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

const MAX_ATTEMPTS = 50;
const HEAD_CACHE_SIZE = 10_000;

function describeExpected(expected: ExpectedRevision): string {
  return typeof expected === 'bigint' ? expected.toString() : expected;
}

function satisfies(expected: ExpectedRevision, head: Head | undefined): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return head === undefined;
  if (expected === 'stream_exists') return head !== undefined;
  return head?.revision === expected;
}

/**
 * PostgreSQL (and PGlite) implementation of the EventStore port: appends and stream reads here, the INSERTs in
 * `GroupCommit`, the global log's reads in `GlobalLog`, tailing it in `LogSubscriptions`.
 */
export class PostgresEventStore implements EventStore {
  private readonly sql: SqlClient;
  private readonly table: string;
  private readonly ownsSql: boolean;
  /**
   * Last head we wrote or read per stream; only ever a hint, the unique constraints decide. A read remembers it so
   * that an append conditional on what was just read (the command handler's, a deadline firing's) chains on it
   * without reading the head again: a round trip fewer per command.
   */
  private readonly heads = new Map<string, Head>();
  /** The stream of the last `rememberHead`: the newest entry of `heads`, unless it was deleted since. */
  private rememberedLast: string | undefined;
  private readonly inserts: GroupCommit;
  private readonly log: GlobalLog;
  private readonly subscriptions: LogSubscriptions;
  private closed = false;

  constructor(options: PostgresEventStoreOptions) {
    this.sql = options.sql;
    const schema = quoteIdent(options.schema);
    this.table = `${schema}.events`;
    this.ownsSql = options.ownsSql ?? false;
    this.inserts = new GroupCommit(options.sql, schema, options.now);
    this.log = new GlobalLog(this.table, options.schema);
    this.subscriptions = new LogSubscriptions({
      sql: options.sql,
      tailSql: options.tailSql ?? options.sql,
      channel: `ntm_events_${options.schema}`.slice(0, 63),
      pollIntervalMs: options.pollIntervalMs ?? 250,
      notifyIntervalMs: options.notifyIntervalMs ?? 10,
      readPage: (sql, page) => this.log.read(sql, page),
      insertPending: () => this.inserts.busy,
    });
    this.inserts.notifier = this.subscriptions;
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

  async append(
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    const expected = options?.expectedRevision;
    // Validation's walk also gives each event's canonical JSON, which the chain hashes (one walk, not two).
    const canonical = validateNewEvents(streamId, events, expected);
    let lastHead: Head | undefined;
    // After a unique violation, retry alone: in a group, another append's conflict would undo this one again.
    let alone = false;
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
        canonical,
      );
      let inserted: Inserted;
      try {
        inserted = await this.inserts.insert(streamId, chained, alone);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        this.heads.delete(streamId);
        alone = true;
        continue;
      }
      const last = chained[chained.length - 1]!;
      this.rememberHead(streamId, { revision: last.revision, hash: last.hash });
      this.subscriptions.appended(inserted.notified);
      return {
        nextExpectedRevision: last.revision,
        position: inserted.position,
        written: events.length,
        hash: last.hash,
      };
    }
    throw new WrongExpectedRevisionError(streamId, describeExpected(expected), lastHead?.revision);
  }

  /** The last row of a read that reached the end of its stream is the head (unless a newer one is known). */
  private rememberReadHead(streamId: string, last: EventRow | undefined): void {
    if (last === undefined) return;
    const revision = BigInt(last.revision);
    const known = this.heads.get(streamId);
    if (known !== undefined && known.revision >= revision) return;
    this.rememberHead(streamId, { revision, hash: last.hash });
  }

  private rememberHead(streamId: string, head: Head): void {
    // The stream remembered last is the newest entry already (or gone, and `set` adds it as the newest): at one
    // writer, every append's, without taking it out of the map and putting it back.
    if (streamId !== this.rememberedLast) {
      this.rememberedLast = streamId;
      this.heads.delete(streamId);
    }
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
    const { rows } = await storeQuery<{
      head: { revision: string; hash: string } | null;
      existing: { eventId: string; revision: string; position: string }[];
    }>(
      this.sql,
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

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const from = options.fromRevision ?? 0n;
    validateRevision(from, 'fromRevision');
    if (options.maxCount !== undefined) validatePositiveInt(options.maxCount, 'maxCount');
    const { rows } = await storeQuery<EventRow>(
      this.sql,
      `SELECT ${EVENT_COLUMNS} FROM ${this.table} e
       WHERE e.stream_id = $1 AND e.revision >= $2::bigint ORDER BY e.revision LIMIT $3`,
      [streamId, from.toString(), options.maxCount ?? null],
    );
    if (options.maxCount === undefined || rows.length < options.maxCount)
      this.rememberReadHead(streamId, rows.at(-1));
    return rows.map(toRecorded);
  }

  async readStreams(reads: readonly StreamRead[]): Promise<Map<string, RecordedEvent[]>> {
    const result = validateStreamReads(reads);
    if (reads.length === 0) return result;
    const { rows } = await storeQuery<EventRow>(
      this.sql,
      `SELECT ${EVENT_COLUMNS} FROM unnest($1::text[], $2::bigint[]) AS r (stream_id, from_revision)
       JOIN ${this.table} e ON e.stream_id = r.stream_id AND e.revision >= r.from_revision
       ORDER BY e.stream_id, e.revision`,
      [reads.map((r) => r.streamId), reads.map((r) => r.fromRevision.toString())],
    );
    let previous: EventRow | undefined;
    for (const row of rows) {
      // Rows come stream by stream: the last of each is its head.
      if (previous !== undefined && previous.stream_id !== row.stream_id)
        this.rememberReadHead(previous.stream_id, previous);
      result.get(row.stream_id)!.push(toRecorded(row));
      previous = row;
    }
    if (previous !== undefined) this.rememberReadHead(previous.stream_id, previous);
    return result;
  }

  async streamRevision(streamId: string): Promise<bigint | undefined> {
    validateStreamId(streamId);
    const { rows } = await storeQuery<{ revision: string }>(
      this.sql,
      `SELECT e.revision::text AS revision FROM ${this.table} e WHERE e.stream_id = $1 ORDER BY e.revision DESC LIMIT 1`,
      [streamId],
    );
    return rows[0] ? BigInt(rows[0].revision) : undefined;
  }

  /** Only events below the readable limit are returned: see globalLog.ts. */
  async readAll(options: ReadAllOptions = {}): Promise<AllPage> {
    return this.log.read(this.sql, options);
  }

  /** `readAll` without the hash link and commit time: a rebuild's fold (ADR 0056). */
  async readAllPayloads(options: ReadAllOptions = {}): Promise<PayloadPage> {
    return this.log.readPayloads(this.sql, options);
  }

  /** `readAll` with the checkpoint leaf's columns only (no data, no metadata to read or parse). */
  async readAllLeaves(options: ReadAllOptions = {}): Promise<LeafPage> {
    return this.log.readLeaves(this.sql, options);
  }

  async headPosition(): Promise<bigint> {
    return this.log.headPosition(this.sql);
  }

  /** See logSubscriptions.ts. Closing the store ends its subscriptions too. */
  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.subscriptions.subscribe(options);
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
    await this.subscriptions.close();
    if (this.ownsSql) await this.sql.close();
  }
}
