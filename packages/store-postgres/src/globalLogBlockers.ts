import type { SqlClient } from '@ntm/sql';

/** A session holding a transaction id: while it is open, no reader of the global log can pass its id. */
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
 * Sessions of the whole PostgreSQL server that hold a transaction id, oldest first. The first ones are what a
 * lagging subscription is waiting for (see docs/adr/0001-event-store.md); for health checks and diagnostics.
 */
export async function globalLogBlockers(sql: SqlClient): Promise<GlobalLogBlocker[]> {
  const { rows } = await sql.query<GlobalLogBlocker>(
    `SELECT pid, coalesce(datname, '') AS database, coalesce(state, '') AS state, backend_xid::text AS xid,
            coalesce(extract(epoch FROM now() - xact_start), 0)::float8 AS "transactionSeconds",
            left(query, 200) AS query
       FROM pg_stat_activity
      WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
      ORDER BY age(backend_xid) DESC`,
  );
  return rows;
}
