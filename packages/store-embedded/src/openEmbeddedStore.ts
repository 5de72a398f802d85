/**
 * The embedded store: PostgreSQL compiled to WASM (PGlite) in this process, persisted under a data folder, running
 * the very same PostgresEventStore code as the server adapter. What `pnpm start` uses with nothing installed.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PostgresEventStore } from '@ntm/store-postgres';
import type { SqlClient } from '@ntm/sql';
import { createPgliteSqlClient } from './createPgliteSqlClient.js';

export interface EmbeddedStoreOptions {
  /** Folder holding the database, created if missing and reused on the next open. Omit for an in-memory store. */
  dataDir?: string;
  /** Schema of the events table; default `event_store`. */
  schema?: string;
  now?: () => Date;
}

export interface EmbeddedStore {
  store: PostgresEventStore;
  /** The same database as a SqlClient, for read models. */
  sql: SqlClient;
  /** Close the store, then the database (flushing it to the data folder). */
  close(): Promise<void>;
}

/** Open (or create) the embedded event store. */
export async function openEmbeddedStore(options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const sql = createPgliteSqlClient(db);
  try {
    const store = await PostgresEventStore.open({
      sql,
      schema: options.schema ?? 'event_store',
      ...(options.now ? { now: options.now } : {}),
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
