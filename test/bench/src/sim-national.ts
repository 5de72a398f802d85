/**
 * `pnpm sim:national -- --events 2000000`: the national-scale simulation (issue 17; what it does and measures:
 * `sim/simNational.ts`, docs/scale.md). Flags: `--events N` (default 2,000,000), `--database NAME` (default
 * ntm_sim_national; created if absent, no other database is touched), `--queries N` (200), `--command-seconds S`
 * (15), `--clients N` (8), `--decide-workers N` (2 worker threads decide and append), `--generate-only` (stop once the store holds the
 * histories), `--drop` (drop the database at the end), `--http-only` (the API phases alone, over an earlier run's
 * store and read models in the same database). DATABASE_URL names the server (default
 * postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL the Redis (default redis://127.0.0.1:6379).
 *
 * Interrupt (Ctrl-C) during generation: the batch in flight is appended, the database is kept, and the same
 * command resumes (streams already stored are skipped). `--drop` after an interrupt removes it instead. Progress
 * lines as it goes; the last line is one JSON object with every figure.
 */
import { parseArgs } from 'node:util';
import { dropDatabase, runSimulation } from './sim/simNational.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000000' },
    database: { type: 'string', default: 'ntm_sim_national' },
    queries: { type: 'string', default: '200' },
    'command-seconds': { type: 'string', default: '15' },
    clients: { type: 'string', default: '8' },
    'decide-workers': { type: 'string', default: '2' },
    drop: { type: 'boolean', default: false },
    'http-only': { type: 'boolean', default: false },
    'generate-only': { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const stop = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  if (interrupts > 1) process.exit(130);
  console.log('interrupt: finishing the batch in flight (Ctrl-C again to quit at once)');
  stop.abort();
});

const result = await runSimulation({
  events: Number(values.events),
  databaseUrl,
  database: values.database,
  redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  queries: Number(values.queries),
  commandSeconds: Number(values['command-seconds']),
  clients: Number(values.clients),
  decideWorkers: Number(values['decide-workers']),
  drop: values.drop,
  httpOnly: values['http-only'],
  generateOnly: values['generate-only'],
  log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  signal: stop.signal,
});
if (result === undefined) {
  if (values.drop) await dropDatabase(databaseUrl, values.database);
  process.exit(values['generate-only'] && !stop.signal.aborted ? 0 : 130);
}
console.log(JSON.stringify(result));
