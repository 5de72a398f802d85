/**
 * Group commit (docs/adr/0008-group-commit.md). An append whose events are chained goes out at once when no INSERT
 * of this store is in flight; the appends that become ready meanwhile wait for it and then go out together as ONE
 * autocommit INSERT: one transaction (one id, so consecutive positions and the same ordering argument as a single
 * append, docs/adr/0001-event-store.md), one round trip, one commit. Measured at 8 writers, one INSERT in flight at
 * a time carried about twice the appends per second of one INSERT per append, at a third of the client CPU per
 * append. A group holds one append per stream (a later one on the same stream waits for the next group) and at
 * most VALUES_BATCH events; larger appends go alone through one jsonb document. An append retried after its
 * group was undone goes alone too: another append's conflict must not undo it again and again until it gives up.
 */
import type { ChainedEvent } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { storeError, storeQuery } from './storeQuery.js';
import { systemInstant } from './systemInstant.js';

/** Most events in one VALUES INSERT (an append or a group of appends); a larger append goes through jsonb. */
const VALUES_BATCH = 1000;
/** Groups of up to this many rows use prepared statements (one text per row count). */
const PREPARED_GROUP_ROWS = 16;
const COLUMNS =
  'position, stream_id, revision, event_id, type, schema_version, data, metadata, prev_hash, hash, recorded_at';
/** The driver's options of a prepared INSERT and of one that is not: the same two objects on every call. */
const PREPARED = { prepare: true } as const;
const UNPREPARED = { prepare: false } as const;

/** The wake-up of other processes (`LogSubscriptions`): a group INSERT may carry the throttled NOTIFY. */
export interface NotifyCarrier {
  channel: string;
  /** true: this INSERT carries the NOTIFY */
  claimNotify(): boolean;
  /** the INSERT that carried it failed */
  releaseNotify(): void;
  /**
   * An INSERT has settled (its callers' continuations have run); an owed NOTIFY left to the next INSERT goes out
   * on its own unless one claims it within the turn.
   */
  insertSettled(): void;
}

/** What an append's group gave it: its last position, and whether the INSERT carried the NOTIFY. */
export interface Inserted {
  position: bigint;
  notified: boolean;
}

/** One append's events. */
interface Append {
  streamId: string;
  chained: ChainedEvent[];
}

/** A row returned by the INSERT: its keys only when several appends share it. */
interface InsertedRow {
  position: string;
  stream_id?: string;
  revision?: string;
}

/** An append's last position: the largest of its rows. */
function lastPosition(rows: readonly InsertedRow[]): bigint {
  if (rows.length === 1) return BigInt(rows[0]!.position);
  return rows.reduce((max, row) => (BigInt(row.position) > max ? BigInt(row.position) : max), -1n);
}

/** Each append's last position, in order. */
function groupPositions(group: readonly Append[], rows: readonly InsertedRow[]): bigint[] {
  if (group.length === 1) return [lastPosition(rows)];
  // RETURNING promises no order: match each append to its last row.
  const positions = new Map(rows.map((row) => [`${row.stream_id!}\n${row.revision!}`, BigInt(row.position)]));
  return group.map(({ streamId, chained }) => positions.get(`${streamId}\n${chained.at(-1)!.revision}`)!);
}

/** An append waiting for its group's INSERT. */
interface PendingInsert extends Append {
  /** in a group of its own (a retry after a group failed) */
  alone: boolean;
  resolve: (inserted: Inserted) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private pending: PendingInsert[] = [];
  private inFlight = false;
  private flushScheduled = false;
  /** Appends in the last group sent: 1 means no other writer was seen waiting (see `insert`). */
  private lastGroupSize = 0;
  private readonly table: string;
  /**
   * INSERT texts of the prepared sizes, by twice the row count (negative: several appends, which return their
   * rows' keys), plus one when carrying the NOTIFY.
   */
  private readonly texts = new Map<number, string>();

  /** Set by the store once its subscriptions exist; without it no INSERT carries a NOTIFY. */
  notifier: NotifyCarrier | undefined;

  /** recorded_at of an INSERT. */
  private readonly recordedAt: () => string;

  /** `schema` is the quoted schema name; `now`, the clock of recorded_at (default: the system's). */
  constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
    now?: () => Date,
  ) {
    this.table = `${schema}.events`;
    this.recordedAt = now === undefined ? systemInstant : () => now().toISOString();
  }

  /**
   * An INSERT of appends is in flight or queued: it, or the next one, may carry an owed NOTIFY, and
   * `notifier.insertSettled()` follows when it has settled.
   */
  get busy(): boolean {
    return this.inFlight || this.pending.length > 0;
  }

  /**
   * Inserts the chained events of one append; resolves with its last position once committed. Any error fails
   * every append of the group: a unique violation (one stream's conflict or retried batch undoes the whole group)
   * is for the caller to decide on again, on its own: with `alone`, the retry goes out in a group of its own, so
   * a unique violation it meets is its own.
   */
  insert(streamId: string, chained: ChainedEvent[], alone = false): Promise<Inserted> {
    if (chained.length > VALUES_BATCH)
      return this.insertLarge(streamId, chained).then((position) => ({ position, notified: false }));
    // A lone writer (nothing in flight, nothing queued, and the last group was one append) goes out at once:
    // waiting for the end of the turn would only add an event-loop hop to every append. Once groups form, the
    // wait is kept, so that the writers woken by one answer go out together (ADR 0008).
    if (!this.inFlight && !this.flushScheduled && this.pending.length === 0 && this.lastGroupSize <= 1)
      return this.insertLone(streamId, chained);
    return new Promise((resolve, reject) => {
      this.pending.push({ streamId, chained, alone, resolve, reject });
      this.scheduleFlush();
    });
  }

  /**
   * A lone writer's append, as `flush` would send a group of one, without the group's bookkeeping (the queue
   * entry, its promise, the group's arrays and set, the settle callbacks): at one writer that work is serial with
   * every round trip (ADR 0058).
   */
  private async insertLone(streamId: string, chained: ChainedEvent[]): Promise<Inserted> {
    this.lastGroupSize = 1;
    this.inFlight = true;
    const notified = this.notifier?.claimNotify() === true;
    let sent = false;
    let rows: InsertedRow[];
    try {
      const params = this.rowParams([{ streamId, chained }], notified);
      const text = this.insertText(chained.length, true, notified);
      sent = true;
      // The driver awaited here, in the try this path has anyway, not through `insertRows` and `storeQuery`: two
      // async functions fewer between the answer and the caller, each a promise and a microtask (ADR 0062).
      ({ rows } = await this.sql.query<InsertedRow>(
        text,
        params,
        chained.length <= PREPARED_GROUP_ROWS ? PREPARED : UNPREPARED,
      ));
    } catch (error) {
      if (notified) this.notifier?.releaseNotify();
      // A driver failure as `storeQuery` reports it; anything before the statement went out as it was.
      throw sent ? storeError(error) : error;
    } finally {
      this.settled();
    }
    return { position: lastPosition(rows), notified };
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
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight || this.pending.length === 0) return;
    const group: PendingInsert[] = [];
    const later: PendingInsert[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (const pending of this.pending) {
      const fits = pending.alone
        ? group.length === 0
        : !group[0]?.alone &&
          !streams.has(pending.streamId) &&
          events + pending.chained.length <= VALUES_BATCH;
      if (!fits) {
        later.push(pending);
        continue;
      }
      group.push(pending);
      streams.add(pending.streamId);
      events += pending.chained.length;
    }
    this.pending = later;
    this.lastGroupSize = group.length;
    this.inFlight = true;
    const notified = this.notifier?.claimNotify() === true;
    this.insertRows(group, notified)
      .then(
        (rows) => {
          const positions = groupPositions(group, rows);
          group.forEach((pending, i) => pending.resolve({ position: positions[i]!, notified }));
        },
        (error: unknown) => {
          if (notified) this.notifier?.releaseNotify();
          group.forEach((pending) => pending.reject(error));
        },
      )
      // After the callers' continuations (which owe a NOTIFY if this INSERT did not carry one), before a lone
      // writer's next append: that append's INSERT can carry it.
      .finally(() => this.settled());
  }

  /** The INSERT in flight has settled: the next one may go out, and an owed NOTIFY may be sent. */
  private settled(): void {
    this.inFlight = false;
    // Only for appends that queued meanwhile: this runs before a lone writer's next append, so scheduling a flush
    // with nothing queued would make it wait for that flush (an event-loop hop per append at 1 writer, the fast
    // path in `insert` never taken).
    if (this.pending.length > 0) this.scheduleFlush();
    this.notifier?.insertSettled();
  }

  /**
   * One autocommit INSERT of the appends' events (plain VALUES); the rows' positions, and for a group their keys.
   * With `notify`, the same statement calls pg_notify: committed with the rows, a round trip fewer than its own
   * NOTIFY.
   */
  private async insertRows(group: readonly Append[], notify: boolean): Promise<InsertedRow[]> {
    const params = this.rowParams(group, notify);
    let rowCount = 0;
    for (const append of group) rowCount += append.chained.length;
    // One append: its last position is the largest of its rows, so only positions come back.
    const oneAppend = group.length === 1;
    const { rows } = await storeQuery<InsertedRow>(
      this.sql,
      this.insertText(rowCount, oneAppend, notify),
      params,
      // One text per number of rows: the small groups that are the common case are worth keeping prepared.
      rowCount <= PREPARED_GROUP_ROWS,
    );
    return rows;
  }

  /** The parameters of the INSERT of `group`: recorded_at, nine per row, and the NOTIFY's channel last. */
  private rowParams(group: readonly Append[], notify: boolean): unknown[] {
    const params: unknown[] = [this.recordedAt()];
    for (const { streamId, chained } of group) {
      for (const event of chained) {
        params.push(
          streamId,
          event.revision.toString(),
          event.eventId,
          event.type,
          event.schemaVersion,
          // The canonical JSON the chain hashed (the same jsonb): the event is not serialised a second time.
          event.dataJson ?? JSON.stringify(event.data),
          event.metadataJson ?? JSON.stringify(event.metadata),
          event.prevHash,
          event.hash,
        );
      }
    }
    if (notify) params.push(this.notifier!.channel);
    return params;
  }

  /**
   * The INSERT of `rowCount` rows; the texts of the prepared sizes are kept, since they are the same on every call
   * (building one is most of the client's work per append after the hash).
   */
  private insertText(rowCount: number, oneAppend: boolean, notify: boolean): string {
    // A number, not a string built on every call.
    const key = (oneAppend ? rowCount : -rowCount) * 2 + (notify ? 1 : 0);
    const known = this.texts.get(key);
    if (known !== undefined) return known;
    // A single row calls append_transaction_id() in its VALUES: evaluated once, before that row's insert assigns
    // the id (measured about 10% faster at 8 writers than the CTE). Several rows take the id from one materialised
    // CTE, evaluated once before the first row is inserted: a call per row would run again after the first row's
    // insert had assigned the id, which append_transaction_id() refuses. The NOTIFY rides in that CTE (a single row
    // too then), its channel the last parameter: the CTE is evaluated once, so it is called once.
    const single = rowCount === 1 && !notify;
    const position = single
      ? `(${this.schema}.append_transaction_id() << 20)`
      : '((SELECT id FROM txid) << 20)';
    const tuples = Array.from({ length: rowCount }, (_, i) => {
      const n = 1 + i * 9;
      return (
        `(${position} + ${i}, $${n + 1}, $${n + 2}::bigint, $${n + 3}::uuid, $${n + 4}, ` +
        `$${n + 5}::integer, $${n + 6}::jsonb, $${n + 7}::jsonb, $${n + 8}, $${n + 9}, $1::timestamptz)`
      );
    });
    const text = `${single ? '' : `WITH ${this.txid(notify ? rowCount * 9 + 2 : undefined)} `}INSERT INTO ${this.table} (${COLUMNS}) VALUES ${tuples.join(', ')}
       RETURNING position::text AS position${oneAppend ? '' : ', stream_id, revision::text AS revision'}`;
    if (rowCount <= PREPARED_GROUP_ROWS) this.texts.set(key, text);
    return text;
  }

  /** The CTE of the transaction id; with `notifyParam`, it also calls pg_notify on the channel in that parameter. */
  private txid(notifyParam?: number): string {
    const notify = notifyParam === undefined ? '' : `, pg_notify($${notifyParam}, '') AS notified`;
    return `txid AS MATERIALIZED (SELECT ${this.schema}.append_transaction_id() AS id${notify})`;
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
    const { rows } = await storeQuery<{ position: string }>(
      this.sql,
      `WITH ${this.txid()}, ins AS (
         INSERT INTO ${this.table} (${COLUMNS})
         SELECT ((SELECT id FROM txid) << 20) + r.i, $1, r.revision, r.event_id, r.type, r.schema_version, r.data,
                r.metadata, r.prev_hash, r.hash, $3::timestamptz
         FROM jsonb_to_recordset($2::jsonb) AS r(i integer, revision bigint, event_id uuid, type text,
              schema_version integer, data jsonb, metadata jsonb, prev_hash text, hash text)
         RETURNING position)
       SELECT max(position)::text AS position FROM ins`,
      [streamId, JSON.stringify(records), this.recordedAt()],
    );
    return BigInt(rows[0]!.position);
  }
}
