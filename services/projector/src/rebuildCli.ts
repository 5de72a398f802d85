/**
 * `pnpm projections:rebuild`: rebuilds every read model from the global log and swaps it in. On PostgreSQL with
 * DATABASE_URL (events in DATABASE_SCHEMA, default public), else on the embedded store under DATA_DIR (default
 * ./data, as the API opens it). Read models in READ_MODEL_SCHEMA (default read_models). Prints one JSON line.
 */
import { join } from 'node:path';
import { rebuild } from '@ntm/projections';
import { openEmbeddedStore } from '@ntm/store-embedded';
import { openPostgresStore } from '@ntm/store-postgres';

const schema = process.env.READ_MODEL_SCHEMA ?? 'read_models';
const databaseUrl = process.env.DATABASE_URL;
const opened = databaseUrl
  ? await openPostgresStore({
      connectionString: databaseUrl,
      schema: process.env.DATABASE_SCHEMA ?? 'public',
    })
  : await openEmbeddedStore({
      dataDir: join(process.env.DATA_DIR ?? './data', 'pglite'),
      schema: 'event_store',
    });
try {
  const started = performance.now();
  const result = await rebuild(opened.store, opened.sql, { schema });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      rebuilt: schema,
      store: databaseUrl ? 'postgres' : 'embedded',
      events: result.events,
      streams: result.streams,
      parked: result.parked,
      seconds: Number(seconds.toFixed(2)),
      eventsPerSecond: Math.round(result.events / seconds),
    }),
  );
} finally {
  await opened.close();
}
