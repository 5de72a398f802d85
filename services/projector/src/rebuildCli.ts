/**
 * `pnpm projections:rebuild`: rebuilds every read model from the global log and swaps it in, on the store the
 * configuration names, as the API opens it (EventStoreDB with EVENTSTORE_CONNECTION_STRING, PostgreSQL with
 * DATABASE_URL, else the embedded store under DATA_DIR). Read models in READ_MODEL_SCHEMA. Prints one JSON line.
 */
import { rebuild } from '@ntm/projections';
import { loadConfig, openInfrastructure } from '@ntm/runtime';

const infra = await openInfrastructure(loadConfig());
try {
  const started = performance.now();
  const result = await rebuild(infra.store, infra.sql, { schema: infra.readModelSchema });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      rebuilt: infra.readModelSchema,
      store: infra.mode,
      events: result.events,
      streams: result.streams,
      parked: result.parked,
      seconds: Number(seconds.toFixed(2)),
      eventsPerSecond: Math.round(result.events / seconds),
    }),
  );
} finally {
  await infra.close();
}
