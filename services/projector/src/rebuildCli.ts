/**
 * `pnpm projections:rebuild`: rebuilds every read model from the global log beside the live schema, which keeps
 * serving, and swaps the result in atomically (blue-green, ADR 0033), on the store the configuration names, as the
 * API opens it (EventStoreDB with EVENTSTORE_CONNECTION_STRING, PostgreSQL with DATABASE_URL, else the embedded
 * store under DATA_DIR). Read models in READ_MODEL_SCHEMA. Progress goes to stderr; Ctrl-C (or SIGTERM) before the
 * switch drops the half-built schema and leaves the live one as it was. Prints one JSON line.
 */
import { rebuild, RebuildAborted, type RebuildProgress } from '@ntm/projections';
import { loadConfig, openInfrastructure } from '@ntm/runtime';

const infra = await openInfrastructure(loadConfig());
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`${signal}: stopping before the switch (the live read models stay as they are)\n`);
    stop.abort();
  });
}
let lastLine = 0;
const report = (p: RebuildProgress) => {
  // At most a line a second while a phase runs, and one as each phase begins.
  const now = performance.now();
  if (p.phase === 'fold' || p.phase === 'write' ? now - lastLine < 1000 : false) return;
  lastLine = now;
  const share = p.head > 0n ? Number((p.position * 1000n) / p.head) / 10 : 100;
  process.stderr.write(
    p.phase === 'fold'
      ? `fold: ${p.events} events, ${p.streams} streams (${Math.min(share, 100)} % of the log as it was at the start), ${p.written} written\n`
      : `${p.phase}: ${p.streams} streams${p.phase === 'write' ? ' written' : ''}, ${p.events} events${p.phase === 'write' ? ' folded' : ' after the fold'}\n`,
  );
};
try {
  const started = performance.now();
  const result = await rebuild(infra.store, infra.sql, {
    schema: infra.readModelSchema,
    onProgress: report,
    signal: stop.signal,
  });
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
} catch (error) {
  if (!(error instanceof RebuildAborted)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 130;
} finally {
  await infra.close();
}
