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
  /** `application_name` of every connection (pools and LISTEN), to tell this process's sessions apart; default `ntm`. */
  applicationName?: string;
  /** Told of every lost connection (it is dropped and re-opened when needed; LISTEN re-listens and catches up). */
  onConnectionError?: (error: Error) => void;
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
  const connection = {
    connectionString: options.connectionString,
    application_name: options.applicationName ?? 'ntm',
  };
  // Loaded here, not at the top: the embedded default links this package for PostgresEventStore and never opens pg.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ ...connection, max: options.maxConnections ?? 10 });
  const lost = options.onConnectionError ? { onConnectionError: options.onConnectionError } : {};
  const sql = createPgSqlClient(pool, lost);
  const tailSql = createPgSqlClient(new pg.Pool({ ...connection, max: TAIL_CONNECTIONS }), lost);
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
