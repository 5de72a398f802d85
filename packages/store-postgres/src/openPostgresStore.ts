import pg from 'pg';
import type { SqlClient } from '@ntm/sql';
import { createPgSqlClient } from './createPgSqlClient.js';
import { PostgresEventStore } from './PostgresEventStore.js';

/** Subscriptions read one statement at a time each, and NOTIFYs are throttled: two connections are plenty. */
const TAIL_CONNECTIONS = 2;

export interface OpenPostgresStoreOptions {
  connectionString: string;
  /** Schema of the events table; created if missing. Read models may share it. */
  schema: string;
  /** Pool size; default 10. Tailing the log (subscriptions, NOTIFY) uses 2 more, and LISTEN 1 of its own. */
  maxConnections?: number;
  now?: () => Date;
  pollIntervalMs?: number;
  /** see `PostgresEventStoreOptions.notifyIntervalMs` (also the least time between two reads of the tail) */
  notifyIntervalMs?: number;
}

export interface OpenedPostgresStore {
  store: PostgresEventStore;
  /** The same pool as a SqlClient, for read models and other tables. */
  sql: SqlClient;
  /** Close the store, then end the pool. */
  close(): Promise<void>;
}

/** Open a PostgreSQL event store on its own pool, migrating its schema first. */
export async function openPostgresStore(options: OpenPostgresStoreOptions): Promise<OpenedPostgresStore> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  const sql = createPgSqlClient(pool);
  const tailSql = createPgSqlClient(
    new pg.Pool({ connectionString: options.connectionString, max: TAIL_CONNECTIONS }),
  );
  try {
    const store = await PostgresEventStore.open({
      sql,
      tailSql,
      schema: options.schema,
      ...(options.now ? { now: options.now } : {}),
      ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      ...(options.notifyIntervalMs !== undefined ? { notifyIntervalMs: options.notifyIntervalMs } : {}),
    });
    return {
      store,
      sql,
      close: async () => {
        await store.close();
        await Promise.all([sql.close(), tailSql.close()]);
      },
    };
  } catch (error) {
    await Promise.all([sql.close(), tailSql.close()]);
    throw error;
  }
}
