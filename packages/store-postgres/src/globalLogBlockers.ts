import type { SqlClient } from '@ntm/sql';
import { APPEND_LOCK_NAMESPACE } from './schema.js';

/** An appending session with a transaction id: while it is open, no reader of its global log can pass that id. */
export interface GlobalLogBlocker {
  pid: number;
  database: string;
  /** e.g. 'idle in transaction' */
  state: string;
  xid: string;
  transactionSeconds: number;
  query: string;
}

/**
 * Sessions holding an event store's append lock and a transaction id, oldest first: what a lagging subscription
 * is waiting for (see docs/adr/0001-event-store.md). Only the given schema's appenders when `schema` is set, else
 * those of every event store on the server. Transactions that do not append never hold readers back and are not
 * listed. For health checks and diagnostics.
 */
export async function globalLogBlockers(sql: SqlClient, schema?: string): Promise<GlobalLogBlocker[]> {
  const { rows } = await sql.query<GlobalLogBlocker>(
    `SELECT a.pid, coalesce(a.datname, '') AS database, coalesce(a.state, '') AS state,
            a.backend_xid::text AS xid,
            coalesce(extract(epoch FROM now() - a.xact_start), 0)::float8 AS "transactionSeconds",
            left(a.query, 200) AS query
       FROM pg_stat_activity a
      WHERE a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()
        AND EXISTS (SELECT 1 FROM pg_locks l
                     WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.objsubid = 2
                       AND l.classid = $1::bigint::oid AND ($2::text IS NULL OR l.objid = hashtext($2)::oid))
      ORDER BY age(a.backend_xid) DESC`,
    [APPEND_LOCK_NAMESPACE, schema ?? null],
  );
  return rows;
}
