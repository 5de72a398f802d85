/**
 * The embedded store: PostgreSQL compiled to WASM (PGlite) in this process, persisted under a data folder, running
 * the very same PostgresEventStore code as the server adapter. What `pnpm start` uses with nothing installed.
 */
import { PGlite } from '@electric-sql/pglite';
import { PostgresEventStore } from '@ntm/store-postgres';
import type { SqlClient } from '@ntm/sql';
import { createPgliteSqlClient } from './createPgliteSqlClient.js';
import { DEFAULT_TEMPLATE_DIR, EMBEDDED_POSTGRESQL_CONF, seedOnce } from './dataDirTemplate.js';

export interface EmbeddedStoreOptions {
  /** Folder holding the database, created if missing and reused on the next open. Omit for an in-memory store. */
  dataDir?: string;
  /** Schema of the events table; default `event_store`. */
  schema?: string;
  now?: () => Date;
  /** an initialised data folder a new one is copied from (default: the one `pnpm build` made, if any) */
  templateDir?: string;
}

export interface EmbeddedStore {
  store: PostgresEventStore;
  /** The same database as a SqlClient, for read models. */
  sql: SqlClient;
  /** Close the store, then the database (flushing it to the data folder). */
  close(): Promise<void>;
  /** how the data folder came to be: already there, copied from the template, or made by initdb (or in memory) */
  origin: 'existing' | 'template' | 'initdb' | 'memory';
}

/** Open (or create) the embedded event store. */
export async function openEmbeddedStore(options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  const origin =
    options.dataDir === undefined
      ? 'memory'
      : await seedOnce(options.dataDir, options.templateDir ?? DEFAULT_TEMPLATE_DIR);
  const db = await PGlite.create(options.dataDir, { postgresqlconf: [...EMBEDDED_POSTGRESQL_CONF] });
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
      origin,
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
