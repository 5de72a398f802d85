import pg from 'pg';
import type { SqlClient } from '@ntm/sql';
import { createPgSqlClient } from './createPgSqlClient.js';
import { PostgresEventStore } from './PostgresEventStore.js';

export interface OpenPostgresStoreOptions {
  connectionString: string;
  /** Schema of the events table; created if missing. Read models may share it. */
  schema: string;
  /** Pool size; default 10. */
  maxConnections?: number;
  now?: () => Date;
  pollIntervalMs?: number;
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
  try {
    const store = await PostgresEventStore.open({
      sql,
      schema: options.schema,
      ...(options.now ? { now: options.now } : {}),
      ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    });
    return {
      store,
      sql,
      close: async () => {
        await store.close();
        await sql.close();
      },
    };
  } catch (error) {
    await sql.close();
    throw error;
  }
}
