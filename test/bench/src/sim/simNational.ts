/**
 * The national-scale simulation (`pnpm sim:national`, issue 17). In a database of its own:
 * 1. generates the dossier histories of the country (`nationalHistories.ts`, through `decide`) and appends them to
 *    the PostgreSQL store, many dossiers at once so that the store's group commit batches them (ADR 0008);
 *    resumable: a stream the store already has is skipped (plans are deterministic), so an interrupted run goes on
 *    where it stopped when started again with the same database;
 * 2. measures the store's size, the global-log read rate (the baseline) and a rebuild of every read model;
 * 3. starts the API (REDIS_URL mode: it appends and enqueues, no projector runs meanwhile) over these read models
 *    and measures inbox / list / progress query times with real tokens, then the command times of whole commune
 *    journeys with one API process, then the same load over two.
 * Returns every figure; the CLI (`sim-national.ts`) prints them as the last JSON line.
 */
import { loadavg, cpus } from 'node:os';
import pg from 'pg';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { rebuild } from '@ntm/projections';
import { openPostgresStore } from '@ntm/store-postgres';
import {
  QUANG_BACH,
  THAI_NGUYEN,
  commandPath,
  villageJourney,
  relocate,
  type JourneyStep,
} from '@ntm/testing';
import type { DomainActor } from '@ntm/domain';
import { startBenchService, type BenchService } from '../api/benchService.js';
import { generateHistories } from './generate.js';
import { nationalCommunes, SIM_NOW, village } from './nationalHistories.js';
import { villageSource, type VillageSource } from './villageSource.js';

export interface SimOptions {
  /** events to generate (at least; whole dossiers) */
  events: number;
  /** a PostgreSQL URL of the server; its database part is replaced by `database` */
  databaseUrl: string;
  /** the simulation's own database, created if absent */
  database: string;
  redisUrl: string;
  /** timed requests per query (after a fifth as many untimed) */
  queries: number;
  /** seconds of command load per API configuration */
  commandSeconds: number;
  /** worker threads deciding and appending plans (0: in the main thread, as from the sources under vitest) */
  decideWorkers: number;
  /** stop after generating (and appending): the store is then complete for a later run to measure */
  generateOnly?: boolean;
  /** skip the global-log read and the rebuild: measure the API over the read models an earlier run built */
  httpOnly?: boolean;
  /** clients sending commands at once */
  clients: number;
  /** drop the database at the end (tests); by default it is kept, and a rerun resumes or re-measures */
  drop: boolean;
  log: (line: string) => void;
  /** set when interrupted: the generation stops after the batch in flight */
  signal?: AbortSignal;
}

const SCHEMA = 'events';
const READ_MODELS = 'read_models';

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

export function databaseUrlOf(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates the database if it does not exist; touches no other. */
async function ensureDatabase(url: string, database: string): Promise<boolean> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`database name ${database}: use [a-z0-9_]`);
  const admin = new pg.Client({ connectionString: databaseUrlOf(url, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
    return found.rowCount === 0;
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(url: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrlOf(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Deletes the Redis keys of the simulation's queues (its own prefix), left by this or an interrupted run. */
async function clearRedis(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function runSimulation(options: SimOptions) {
  const { log } = options;
  const url = databaseUrlOf(options.databaseUrl, options.database);
  const created = await ensureDatabase(options.databaseUrl, options.database);
  log(`database ${options.database}: ${created ? 'created' : 'exists, resuming'}`);
  const prefix = `ntm-sim-${options.database}`;
  await clearRedis(options.redisUrl, prefix);
  const load = { start: loadavg()[0]!, cpus: cpus().length };
  const opened = await openPostgresStore({ connectionString: url, schema: SCHEMA, maxConnections: 12 });
  const { store, sql } = opened;
  const services: BenchService[] = [];
  try {
    // ---- 1. generate and append ----
    const communes = nationalCommunes();
    const generated = await generateHistories({
      events: options.events,
      workers: options.decideWorkers,
      url,
      schema: SCHEMA,
      store,
      sql,
      communes,
      log,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const counts = generated;
    const appended = generated.appended;
    if (generated.interrupted) {
      log(
        `interrupted after ${counts.events} events: the database ${options.database} is kept; run the same command again to resume`,
      );
      return undefined;
    }
    log(
      `generated ${counts.events} events in ${counts.dossiers} dossiers; appended ${appended} this run in ${generated.seconds.toFixed(1)} s (${Math.round(appended / Math.max(generated.seconds, 1e-9))} events/s)`,
    );
    if (options.generateOnly) return undefined;

    // ---- 2. sizes, global-log read, rebuild ----
    await sql.query(`VACUUM ANALYZE "${SCHEMA}".events`);
    const storeEvents = Number(
      (await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${SCHEMA}".events`)).rows[0]!.n,
    );
    const storeBytes = await schemaBytes(sql, SCHEMA);
    log(`store: ${storeEvents} events, ${(storeBytes.total / 2 ** 20).toFixed(1)} MiB`);

    // --http-only: the store and read models of an earlier run of the same database, the API phases alone.
    const logPhases = !options.httpOnly;
    if (logPhases) log('phase: global-log read (baseline)');
    const readStarted = performance.now();
    let read = 0;
    for (let after = 0n; logPhases;) {
      const page = await store.readAll({ after, limit: 5000 });
      read += page.events.length;
      after = page.nextAfter;
      if (page.isEnd) break;
    }
    const readSeconds = (performance.now() - readStarted) / 1000;
    const readRate = read / readSeconds;
    log(`global log: ${read} events in ${readSeconds.toFixed(1)} s (${Math.round(readRate)} events/s)`);

    log('phase: rebuild of every read model');
    const rebuildStarted = performance.now();
    const rebuilt = logPhases
      ? await rebuild(store, sql, { schema: READ_MODELS })
      : { events: 0, streams: 0, parked: [] as string[] };
    const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
    const rebuildRate = rebuilt.events / rebuildSeconds;
    log(
      `rebuild: ${rebuilt.events} events, ${rebuilt.streams} streams in ${rebuildSeconds.toFixed(1)} s (${Math.round(rebuildRate)} events/s, ${(rebuildRate / readRate).toFixed(2)} of the log read); parked ${rebuilt.parked.length}`,
    );
    await sql.query(`ANALYZE`);
    const readModelBytes = await schemaBytes(sql, READ_MODELS);
    const shape = await historyShape(sql);

    // ---- 3. the API over HTTP ----
    log('phase: queries through the API');
    const shared = {
      DATABASE_URL: url,
      DATABASE_SCHEMA: SCHEMA,
      READ_MODEL_SCHEMA: READ_MODELS,
      REDIS_URL: options.redisUrl,
      QUEUE_PREFIX: `${prefix}-wake`,
      BULLMQ_PREFIX: `${prefix}-bull`,
      BENCH_NOW: SIM_NOW,
      // The continuous audit verifier reads the whole log against the checkpoints at start, on the same cores: with
      // it, even GET /health had a p99 of 250-335 ms here (docs/scale.md). Off: the queries and commands are timed,
      // not the verifier (its own cost is the audit's, `pnpm audit:verify-log`).
      AUDIT_VERIFY_SECONDS: '0',
    };
    const one = await startBenchService(shared);
    services.push(one);
    // A fresh API's first audit checkpoint reads and hashes the whole log: measured apart, the queries after it.
    // The API signs one at its first look once the log holds AUDIT_CHECKPOINT_EVERY_EVENTS (10,000 by default);
    // a smaller log waits for the minutes' schedule instead, and is quickly hashed: not waited for.
    const auditCheckpointSeconds = storeEvents >= 10_000 ? await firstAuditCheckpoint(sql, log) : undefined;
    const queries = await measureQueries(one, sql, options);
    log(`queries: ${JSON.stringify(queries)}`);

    log('phase: commands, one API process');
    // Village dossiers of the two-tier period, a new village each, spread over the post-reform communes: their
    // openings depend on no recognition the simulation made (a merged commune's would take the merger path).
    const villages = villageSource(communes.after.filter((_, i) => i % 7 === 3));
    const single = await commandLoad([one], villages, options);
    log(`one process: ${JSON.stringify(single)}`);
    log('phase: commands, two API processes');
    const two = await startBenchService(shared);
    services.push(two);
    const double = await commandLoad([one, two], villages, options);
    log(`two processes: ${JSON.stringify(double)}`);

    const perEvent = (bytes: number) => round(bytes / storeEvents, 0);
    return {
      sim: 'national',
      database: options.database,
      events: storeEvents,
      dossiers: counts.dossiers,
      appendedThisRun: appended,
      resumed: generated.resumedFrom > 0,
      machine: {
        cpus: load.cpus,
        loadAverageAtStart: round(load.start, 2),
        loadAverageAtEnd: round(loadavg()[0]!, 2),
      },
      units: {
        communesBeforeReform: communes.before.length,
        communesAfterReform: communes.after.length + communes.reserved.length,
        mergedCommunes: communes.merged.length,
      },
      byPlan: counts.byPlan,
      /** units passed over by a plan this run (reference data that cannot carry it); 0 expected */
      unitsPassedOver: generated.passedOver,
      ...shape,
      generateAppend: {
        seconds: round(generated.seconds),
        /** events appended this run per second (0 when every dossier was stored already) */
        eventsPerSecond: Math.round(appended / Math.max(generated.seconds, 1e-9)),
        workers: options.decideWorkers,
      },
      store: {
        bytes: storeBytes.total,
        bytesPerEvent: perEvent(storeBytes.total),
        tables: storeBytes.tables,
      },
      readModels: {
        bytes: readModelBytes.total,
        bytesPerEvent: perEvent(readModelBytes.total),
        tables: readModelBytes.tables,
      },
      globalLogRead: { events: read, seconds: round(readSeconds, 2), eventsPerSecond: Math.round(readRate) },
      rebuild: {
        events: rebuilt.events,
        streams: rebuilt.streams,
        parked: rebuilt.parked.length,
        seconds: round(rebuildSeconds, 2),
        eventsPerSecond: Math.round(rebuildRate),
        ratioToGlobalLogRead: round(rebuildRate / readRate, 2),
        goal: 0.6,
        met: rebuildRate / readRate >= 0.6,
      },
      /** the API's first audit checkpoint over the whole log, awaited before the queries are timed */
      auditCheckpointSeconds,
      queries,
      commands: { oneProcess: single, twoProcesses: double },
      apiProcesses: {
        commandsPerSecondOne: single.commandsPerSecond,
        commandsPerSecondTwo: double.commandsPerSecond,
        ratioTwoToOne: round(double.commandsPerSecond / Math.max(single.commandsPerSecond, 1e-9), 2),
      },
      goals: {
        rebuildAtLeast06OfLogRead: rebuildRate / readRate >= 0.6,
        queryP99Under50Ms: Object.values(queries).every((q) => q.p99Ms < 50),
      },
    };
  } finally {
    for (const s of services) await s.stop();
    await opened.close();
    await clearRedis(options.redisUrl, prefix).catch(() => undefined);
    if (options.drop) await dropDatabase(options.databaseUrl, options.database);
  }
}

/**
 * Waits until the API has signed its first audit checkpoint (it reads and hashes the whole log, on the same cores
 * as the queries); returns how long that took, or undefined when none came within 20 minutes (logged).
 */
async function firstAuditCheckpoint(
  sql: Awaited<ReturnType<typeof openPostgresStore>>['sql'],
  log: (line: string) => void,
): Promise<number | undefined> {
  const started = performance.now();
  for (;;) {
    const table = await sql.query<{ schema: string }>(
      `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = 'audit_checkpoints' AND c.relkind = 'r'`,
    );
    let made = 0;
    for (const { schema } of table.rows) {
      made += (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".audit_checkpoints`))
        .rows[0]!.n;
    }
    const seconds = (performance.now() - started) / 1000;
    if (made > 0) {
      log(`the API's audit checkpoint is made (${seconds.toFixed(1)} s after ready): timing the queries`);
      return round(seconds);
    }
    if (seconds > 20 * 60) {
      log('no audit checkpoint after 20 minutes: timing the queries anyway');
      return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** What the stored histories hold, counted in the store and the rebuilt dossier list (not the generator's word). */
async function historyShape(sql: Awaited<ReturnType<typeof openPostgresStore>>['sql']) {
  const byKey = async (query: string) =>
    Object.fromEntries((await sql.query<{ k: string; n: number }>(query)).rows.map((r) => [r.k, r.n]));
  const count = async (query: string) => (await sql.query<{ n: number }>(query)).rows[0]!.n;
  return {
    workflows: await byKey(
      `SELECT workflow_id || '@' || workflow_version AS k, count(*)::int AS n FROM "${READ_MODELS}".dossiers GROUP BY 1 ORDER BY 1`,
    ),
    finalSteps: await byKey(
      `SELECT step AS k, count(*)::int AS n FROM "${READ_MODELS}".dossiers GROUP BY 1 ORDER BY 1`,
    ),
    /** events performed by a successor after the 01/07/2025 cut-over */
    successionEvents: await count(
      `SELECT count(*)::int AS n FROM "${SCHEMA}".events WHERE data ? 'succession'`,
    ),
    returnedDossiers: await count(
      `SELECT count(DISTINCT stream_id)::int AS n FROM "${SCHEMA}".events WHERE type = 'DossierReturned'`,
    ),
  };
}

/** pg_total_relation_size of every table of a schema (indexes and TOAST included). */
async function schemaBytes(
  sql: Awaited<ReturnType<typeof openPostgresStore>>['sql'],
  schema: string,
): Promise<{ total: number; tables: Record<string, number> }> {
  const rows = await sql.query<{ name: string; bytes: string }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY 2 DESC`,
    [schema],
  );
  const tables = Object.fromEntries(rows.rows.map((r) => [r.name, Number(r.bytes)]));
  return { total: Object.values(tables).reduce((a, b) => a + b, 0), tables };
}

interface Timing {
  requests: number;
  rowsFirst: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Inbox, list and progress as the people who use them ask: the provincial appraisers and chairmen of the provinces
 * with the most dossiers, and commune officials of the communes with the most, each with their own token, one
 * request at a time on a kept-alive connection.
 */
async function measureQueries(
  api: BenchService,
  sql: Awaited<ReturnType<typeof openPostgresStore>>['sql'],
  options: SimOptions,
): Promise<Record<'inbox' | 'list' | 'progress' | 'communeInbox', Timing>> {
  const provinces = (
    await sql.query<{ code: string }>(
      `SELECT province_code AS code FROM "${READ_MODELS}".dossiers
        WHERE province_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 8`,
    )
  ).rows.map((r) => r.code);
  const communes = (
    await sql.query<{ code: string }>(
      `SELECT commune_code AS code FROM "${READ_MODELS}".dossiers
        WHERE commune_code IS NOT NULL AND opened_at >= '2025-07-01' GROUP BY 1 ORDER BY count(*) DESC LIMIT 8`,
    )
  ).rows.map((r) => r.code);
  const pool = new Pool(api.baseUrl, { connections: 1, pipelining: 1 });
  const as = (role: string, unit: string): DomainActor =>
    ({ id: `sim-${role}@${unit}`, role, unit }) as DomainActor;
  const next = new Map<string, string>();
  const time = async (
    ask: (i: number) => [DomainActor, string],
    answered?: (i: number, body: unknown) => void,
  ): Promise<Timing> => {
    const warm = Math.ceil(options.queries / 5);
    const times: number[] = [];
    let rowsFirst = -1;
    for (let i = 0; i < warm + options.queries; i++) {
      const [actor, path] = ask(i);
      const token = await api.tokenFor(actor);
      const t = performance.now();
      const answer = await pool.request({
        method: 'GET',
        path,
        headers: { authorization: `Bearer ${token}` },
      });
      const body = await answer.body.json();
      const ms = performance.now() - t;
      if (answer.statusCode !== 200) throw new Error(`${path}: ${answer.statusCode} ${JSON.stringify(body)}`);
      if (rowsFirst < 0) rowsFirst = countRows(body);
      answered?.(i, body);
      if (i >= warm) times.push(ms);
    }
    times.sort((a, b) => a - b);
    return {
      requests: times.length,
      rowsFirst,
      p50Ms: round(percentile(times, 0.5)),
      p99Ms: round(percentile(times, 0.99)),
    };
  };
  const pick = <T>(list: T[], i: number) => list[i % list.length]!;
  try {
    return {
      inbox: await time((i) => {
        const p = pick(provinces, i);
        return [as('provincial_appraiser', p), `/read/inbox?role=provincial_appraiser&unitCode=${p}`];
      }),
      communeInbox: await time((i) => {
        const c = pick(communes, i);
        return [as('commune_official', c), `/read/inbox?role=commune_official&unitCode=${c}`];
      }),
      // Five pages of each province's list, by keyset (each page's `next`).
      list: await time(
        (i) => {
          const p = pick(provinces, Math.floor(i / 5));
          const after = i % 5 === 0 ? undefined : next.get(p);
          return [
            as('provincial_appraiser', p),
            `/dossiers?provinceCode=${p}&limit=50${after === undefined ? '' : `&after=${after}`}`,
          ];
        },
        (i, body) => {
          const p = pick(provinces, Math.floor(i / 5));
          const after = (body as { next?: string }).next;
          if (after === undefined) next.delete(p);
          else next.set(p, after);
        },
      ),
      progress: await time((i) => [
        as('provincial_chairman', pick(provinces, i)),
        '/read/progress?from=2023&to=2025',
      ]),
    };
  } finally {
    await pool.close();
  }
}

function countRows(body: unknown): number {
  if (Array.isArray(body)) return body.length;
  if (body && typeof body === 'object') {
    for (const v of Object.values(body)) if (Array.isArray(v)) return v.length;
  }
  return 0;
}

/**
 * Whole village NTM journeys (two-tier procedure, a new village each, from `villages`) in post-reform communes, `clients` at once for
 * `commandSeconds`, each command with the ETag of the dossier's previous answer. With several services, dossier k
 * goes to service k mod n (sticky, as a load balancer with affinity would do).
 */
async function commandLoad(
  apis: BenchService[],
  villages: VillageSource<{ code: string; province: string }>,
  options: SimOptions,
): Promise<{ commands: number; commandsPerSecond: number; p50Ms: number; p99Ms: number; processes: number }> {
  const pools = apis.map((a) => new Pool(a.baseUrl, { connections: options.clients, pipelining: 1 }));
  const latencies: number[] = [];
  let dossiers = 0;
  // The first third is a warm-up (a freshly started process compiles its hot paths): not measured.
  const started = performance.now() + (options.commandSeconds * 1000) / 3;
  const until = started + options.commandSeconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const { commune: c, village: v } = villages.next();
      const k = dossiers++;
      const api = apis[k % apis.length]!;
      const pool = pools[k % apis.length]!;
      const steps: JourneyStep[] = village(
        relocate(villageJourney(2).steps, { [QUANG_BACH]: c.code, [THAI_NGUYEN]: c.province }),
        'na-ha',
        `tai-${v}`,
      );
      let id: string | undefined;
      let etag: string | undefined;
      for (const step of steps) {
        if (performance.now() >= until) return;
        const { type, dossierId: _assigned, ...body } = step.command;
        const actor = { ...step.ctx.actor, id: `${step.ctx.actor.id}@${step.ctx.actor.unit}` };
        const token = await api.tokenFor(actor);
        const t = performance.now();
        const answer = await pool.request({
          method: 'POST',
          path: commandPath(type, id),
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            ...(etag === undefined ? {} : { 'if-match': etag }),
          },
          body: JSON.stringify(body),
        });
        const reply = (await answer.body.json()) as { dossierId: string };
        if (t >= started) latencies.push(performance.now() - t);
        // A commune whose pre-reform code the simulation already recognised is refused its opening (tier ladder): take the next.
        if (id === undefined && answer.statusCode >= 400 && answer.statusCode < 500) {
          villages.refuse(c);
          break;
        }
        if (answer.statusCode >= 300)
          throw new Error(`${type}: ${answer.statusCode} ${JSON.stringify(reply)}`);
        id = reply.dossierId;
        etag = answer.headers['etag'] as string;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.clients }, client));
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  const seconds = options.commandSeconds;
  latencies.sort((a, b) => a - b);
  return {
    processes: apis.length,
    commands: latencies.length,
    commandsPerSecond: round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
  };
}
