/**
 * A named lease in SQL with a fencing token: one holder at a time among processes sharing the database (the
 * dispatcher pair, ADR 0030). Time is the database's own `now()`, so the processes' clocks need not agree. The
 * token grows by one each time the lease changes hands; a holder writes its shared state only where the token it
 * was given is still the current one, so a holder that stalled past its lease (a long GC pause, a lost network)
 * and carries on cannot overwrite what its successor wrote.
 */
import type { SqlClient } from './SqlClient.js';
import { quoteIdent } from './SqlClient.js';
import { lockSchema } from './migrate.js';

export interface Lease {
  /** the table, quoted, for fencing conditions in other statements (`… WHERE $n >= (SELECT token FROM …)`) */
  readonly table: string;
  /**
   * Takes the lease for `holder`, or renews it, for `ttlMs` from the database's now: the fencing token when
   * `holder` has it (it held it, or nobody did, or the last holder's time ran out), null otherwise.
   */
  acquire(holder: string, ttlMs: number): Promise<bigint | null>;
  /** Ends `holder`'s lease now (a clean shutdown), so a standby takes over at once. */
  release(holder: string): Promise<void>;
  /** The current holder and token, whether or not the lease has run out (null: never taken). */
  current(): Promise<{ holder: string; token: bigint; expired: boolean } | null>;
}

/** The lease `name` in `schema.leases`, creating the table on first use. */
export async function openLease(sql: SqlClient, schema: string, name: string): Promise<Lease> {
  const table = `${quoteIdent(schema)}.leases`;
  // Under the schema's lock: processes that start together (two dispatchers, an API process migrating) would
  // otherwise race on CREATE SCHEMA / CREATE TABLE IF NOT EXISTS, and the loser would stop (23505).
  await sql.transaction(async (tx) => {
    await lockSchema(tx, schema);
    await tx.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      name text PRIMARY KEY,
      holder text NOT NULL,
      token bigint NOT NULL,
      expires_at timestamptz NOT NULL
    )`);
  });
  return {
    table,
    async acquire(holder, ttlMs) {
      // One conditional upsert: two contenders cannot both get it; the token moves only on a change of hands.
      const { rows } = await sql.query<{ token: string }>(
        `INSERT INTO ${table} AS l (name, holder, token, expires_at)
           VALUES ($1, $2, 1, now() + $3 * interval '1 millisecond')
         ON CONFLICT (name) DO UPDATE SET
           holder = excluded.holder,
           token = CASE WHEN l.holder = excluded.holder AND l.expires_at >= now() THEN l.token ELSE l.token + 1 END,
           expires_at = excluded.expires_at
         WHERE l.holder = excluded.holder AND l.expires_at >= now() OR l.expires_at < now()
         RETURNING token::text AS token`,
        [name, holder, ttlMs],
      );
      return rows[0] ? BigInt(rows[0].token) : null;
    },
    async release(holder) {
      await sql.query(
        `UPDATE ${table} SET expires_at = now() - interval '1 millisecond' WHERE name = $1 AND holder = $2`,
        [name, holder],
      );
    },
    async current() {
      const { rows } = await sql.query<{ holder: string; token: string; expired: boolean }>(
        `SELECT holder, token::text AS token, expires_at < now() AS expired FROM ${table} WHERE name = $1`,
        [name],
      );
      const row = rows[0];
      return row ? { holder: row.holder, token: BigInt(row.token), expired: row.expired } : null;
    },
  };
}
