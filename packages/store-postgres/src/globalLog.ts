/**
 * Reading the global log without skipping an event: first the readable limit `bound << 20`, where bound is the
 * smallest transaction id of a session holding the schema's append lock, or the snapshot's xmax; then, in a LATER
 * statement (a newer snapshot), only positions below it. Every appender with a smaller id has finished by then and
 * every later one gets a larger id (proof, race by race, in docs/adr/0001-event-store.md).
 */
import { EventStoreError, validatePositiveInt } from '@ntm/event-store';
import type { AllPage, LeafPage, PayloadPage, ReadAllOptions, RecordedEvent } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { APPEND_LOCK_NAMESPACE } from './schema.js';
import { EVENT_COLUMNS, storeQuery, toRecorded, type EventRow } from './storeQuery.js';

/** A page's bounds, checked: after a position (default 0), at most `limit` events (default 1000). */
function pageOf(options: ReadAllOptions): { after: bigint; limit: number } {
  const after = options.after ?? 0n;
  const limit = options.limit ?? 1000;
  if (typeof after !== 'bigint' || after < 0n) {
    throw new EventStoreError('INVALID_ARGUMENT', 'after must be a bigint >= 0');
  }
  validatePositiveInt(limit, 'limit');
  return { after, limit };
}

export class GlobalLog {
  /** The highest readable limit `readPayloads` has read (`readableLimit`'s text), which later pages may reuse. */
  private knownLimit: string | undefined;

  /** `table` is the quoted events table, `schemaName` the unquoted schema (the append lock's key). */
  constructor(
    private readonly table: string,
    private readonly schemaName: string,
  ) {}

  /**
   * The readable limit. pg_stat_activity shows 32-bit ids, widened here against xmax (live ids are within 2^31 of
   * it); ids at or above xmax cannot lower the bound and are ignored. The caller must read with a LATER statement.
   */
  private async readableLimit(sql: SqlClient): Promise<string> {
    const { rows } = await storeQuery<{ limit: string }>(
      sql,
      `SELECT (least(s.xmax, min(s.xmax - h.behind) FILTER (WHERE h.behind < 2147483648)) << 20)::text AS limit
         FROM (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax) s
         LEFT JOIN LATERAL (
           SELECT ((s.xmax - a.backend_xid::text::bigint) % 4294967296 + 4294967296) % 4294967296 AS behind
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.classid = $1::bigint::oid AND l.objid = hashtext($2)::oid
              AND l.objsubid = 2 AND a.backend_xid IS NOT NULL) h ON true
        GROUP BY s.xmax`,
      [APPEND_LOCK_NAMESPACE, this.schemaName],
    );
    return rows[0]!.limit;
  }

  /** One page of the log after `options.after`, below the readable limit. */
  async read(sql: SqlClient, options: ReadAllOptions): Promise<AllPage> {
    return this.page(sql, options, EVENT_COLUMNS);
  }

  /**
   * `read`'s page without the hashes or the commit time (its `to_char` in the query): a rebuild's
   * fold reads none of them: its pages decode and keep less (ADR 0056).
   */
  async readPayloads(sql: SqlClient, options: ReadAllOptions): Promise<PayloadPage> {
    // A readable limit read earlier holds for every later statement (ADR 0001's proof needs only that the page's
    // snapshot comes after the limit's): a page wholly below it needs no limit of its own. A rebuild reads the log
    // in 200 full pages, each of which paid a second round trip and a scan of pg_locks and pg_stat_activity (ADR
    // 0063). A short page may have been cut at the old limit, so it is read again after a new one.
    const known = this.knownLimit;
    if (known !== undefined) {
      const { after, limit } = pageOf(options);
      const events = await this.rows(sql, after, limit, PAYLOAD_COLUMNS, known);
      if (events.length === limit) return { events, nextAfter: events.at(-1)!.position, isEnd: false };
    }
    return this.page(sql, options, PAYLOAD_COLUMNS);
  }

  private async page(sql: SqlClient, options: ReadAllOptions, columns: string): Promise<AllPage> {
    const { after, limit } = pageOf(options);
    const readable = await this.readableLimit(sql);
    if (
      columns === PAYLOAD_COLUMNS &&
      (this.knownLimit === undefined || BigInt(readable) > BigInt(this.knownLimit))
    )
      this.knownLimit = readable;
    const events = await this.rows(sql, after, limit, columns, readable);
    return { events, nextAfter: events.at(-1)?.position ?? after, isEnd: events.length < limit };
  }

  /** The events after `after` and below the readable limit `readable`, at most `limit`, in position order. */
  private async rows(
    sql: SqlClient,
    after: bigint,
    limit: number,
    columns: string,
    readable: string,
  ): Promise<RecordedEvent[]> {
    // The page is cut from an index scan in position order, then trimmed at the horizon: a horizon inside the
    // index condition made PGlite (no autovacuum, so no statistics) pick a bitmap scan and sort the whole rest of
    // the log for every page. The trimmed rows are a suffix of the page, so what remains is still gap-free.
    const { rows } = await storeQuery<EventRow>(
      sql,
      `SELECT page.* FROM (
         SELECT ${columns}, e.position AS sort_key FROM ${this.table} e
         WHERE e.position > $1::bigint ORDER BY e.position LIMIT $2) page
       WHERE page.sort_key < $3::bigint
       ORDER BY page.sort_key`,
      [after.toString(), limit, readable],
    );
    return rows.map(toRecorded);
  }

  /** `read`'s page with the leaf columns only (position, stream, revision, hash): what checkpoints need. */
  async readLeaves(sql: SqlClient, options: ReadAllOptions): Promise<LeafPage> {
    const { after, limit } = pageOf(options);
    const readable = await this.readableLimit(sql);
    const { rows } = await storeQuery<{
      position: string;
      stream_id: string;
      revision: string;
      hash: string;
    }>(
      sql,
      `SELECT page.position::text AS position, page.stream_id, page.revision::text AS revision, page.hash FROM (
         SELECT e.position, e.stream_id, e.revision, e.hash FROM ${this.table} e
         WHERE e.position > $1::bigint ORDER BY e.position LIMIT $2) page
       WHERE page.position < $3::bigint
       ORDER BY page.position`,
      [after.toString(), limit, readable],
    );
    const leaves = rows.map((r) => ({
      position: BigInt(r.position),
      streamId: r.stream_id,
      revision: BigInt(r.revision),
      hash: r.hash,
    }));
    return { leaves, nextAfter: leaves.at(-1)?.position ?? after, isEnd: leaves.length < limit };
  }

  /** The position of the last readable event, 0 when there is none. */
  async headPosition(sql: SqlClient): Promise<bigint> {
    const readable = await this.readableLimit(sql);
    const { rows } = await storeQuery<{ position: string | null }>(
      sql,
      `SELECT max(position)::text AS position FROM ${this.table} WHERE position < $1::bigint`,
      [readable],
    );
    return BigInt(rows[0]?.position ?? 0);
  }
}

/**
 * `EVENT_COLUMNS` less the hash link and commit time: what `PayloadEvent` holds. Decoded by the same `toRecorded`
 * (one object shape for both reads), the columns left out are undefined.
 */
const PAYLOAD_COLUMNS = `e.position::text AS position, e.stream_id, e.revision::text AS revision,
  e.event_id::text AS event_id, e.type, e.schema_version, e.data, e.metadata`;
