/**
 * Rebuild from zero: fold the whole global log in memory, bulk-insert the rows into a shadow schema, then swap
 * the shadow in by renaming schemas inside one transaction. Readers resolve table names when a statement starts,
 * so they see the old complete tables or the new complete tables, never an empty one. Events committed while the
 * rebuild ran are caught up on the new schema right after the swap.
 */
import type { EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { catchUpStream } from './catchUpStream.js';
import { DEFAULT_SCHEMA, q } from './projection.js';
import { evolveView, type DossierView } from './dossierView.js';
import { ProjectionError } from './errors.js';
import { migrateReadModels, PROJECTIONS, writeStreams } from './readModels.js';
import { NOTIFICATION_TABLES } from './notifications.js';

export interface RebuildOptions {
  /** read-model schema to replace (or create); default "read_models" */
  schema?: string;
  /** global-log page size; default 5000 */
  pageSize?: number;
  /** rows per bulk insert; default 2000 */
  batchSize?: number;
  /** clock for the parked_at of streams that fail; default the system clock */
  now?: () => string;
}

export interface RebuildResult {
  events: number;
  streams: number;
  /** position of the last event folded before the swap */
  position: bigint;
  parked: string[];
}

/** Rebuilds every read model from the global log and swaps the result in atomically. */
export async function rebuild(
  store: EventStore,
  sql: SqlClient,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const shadow = `${schema.slice(0, 50)}__rebuild`;
  const now = options.now ?? (() => new Date().toISOString());
  await sql.query(`DROP SCHEMA IF EXISTS ${q(shadow)} CASCADE`);
  // The live schema too, so that it has every table the swap carries over.
  await migrateReadModels(sql, schema);
  await migrateReadModels(sql, shadow);

  const views = new Map<string, DossierView>();
  const failed = new Map<string, { error: ProjectionError; revision: bigint }>();
  let after = 0n;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: options.pageSize ?? 5000 });
    for (const event of page.events) {
      events += 1;
      if (failed.has(event.streamId)) continue;
      try {
        views.set(event.streamId, evolveView(views.get(event.streamId), event));
      } catch (error) {
        if (!(error instanceof ProjectionError)) throw error;
        failed.set(event.streamId, { error, revision: event.revision });
      }
    }
    after = page.nextAfter;
    if (page.isEnd) break;
  }

  const batch = options.batchSize ?? 2000;
  const all = [...views.values()];
  const ss = q(shadow);
  for (let i = 0; i < all.length; i += batch) {
    const chunk = all.slice(i, i + batch);
    await writeStreams(sql, shadow, chunk);
  }
  for (const [streamId, { error, revision }] of failed) {
    await sql.query(
      `INSERT INTO ${ss}.parked_streams (stream_id, revision, error_code, message, parked_at) VALUES ($1, $2, $3, $4, $5)`,
      [streamId, String(revision), error.code, error.message, now()],
    );
  }

  await swap(sql, schema, shadow);
  // Wake-ups handled on the old schema while we folded are lost with it: replay the tail on the new one.
  for (;;) {
    const page = await store.readAll({ after, limit: options.pageSize ?? 5000 });
    for (const streamId of new Set(page.events.map((e) => e.streamId))) {
      try {
        await catchUpStream(store, sql, streamId, { schema });
      } catch (error) {
        if (!(error instanceof ProjectionError)) throw error;
      }
    }
    after = page.nextAfter;
    if (page.isEnd) break;
  }
  return { events, streams: views.size, position: after, parked: [...failed.keys()] };
}

async function swap(sql: SqlClient, schema: string, shadow: string): Promise<void> {
  const old = `${schema.slice(0, 50)}__old`;
  await sql.transaction(async (tx) => {
    const exists = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = $1',
      [schema],
    );
    if (exists.rows[0]!.n > 0) {
      // The dispatcher's and the deadline scheduler's positions are not derived from the log: carry them over. Nor are the notifications sent
      // and read (ADR 0024): carried over, with the outbox locked so that no catch-up adds one meanwhile.
      await tx.query(`LOCK TABLE ${q(schema)}.notifications IN EXCLUSIVE MODE`);
      for (const table of ['dispatcher_state', 'timer_positions', ...NOTIFICATION_TABLES]) {
        await tx.query(`INSERT INTO ${q(shadow)}.${table} SELECT * FROM ${q(schema)}.${table}`);
      }
      await tx.query(`DROP SCHEMA IF EXISTS ${q(old)} CASCADE`);
      await tx.query(`ALTER SCHEMA ${q(schema)} RENAME TO ${q(old)}`);
    }
    await tx.query(`ALTER SCHEMA ${q(shadow)} RENAME TO ${q(schema)}`);
  });
  await sql.query(`DROP SCHEMA IF EXISTS ${q(old)} CASCADE`);
}

export interface ReadModelDifference {
  table: string;
  key: string;
  a: unknown;
  b: unknown;
}

/** Compares two read-model schemas row by row (every read model and the stream checkpoints). */
export async function compareReadModels(
  a: { sql: SqlClient; schema: string },
  b: { sql: SqlClient; schema: string },
): Promise<{ equal: boolean; rows: number; differences: ReadModelDifference[] }> {
  const tables = [
    ...PROJECTIONS.map((p) => ({ name: p.name, key: p.key })),
    { name: 'checkpoints', key: ['stream_id'] },
  ];
  const differences: ReadModelDifference[] = [];
  let rows = 0;
  for (const table of tables) {
    const load = async (side: { sql: SqlClient; schema: string }) => {
      const result = await side.sql.query<{ k: string; r: string }>(
        `SELECT concat_ws('|', ${table.key.join(', ')}) AS k, to_jsonb(t)::text AS r
           FROM ${q(side.schema)}.${table.name} t ORDER BY ${table.key.join(', ')}`,
      );
      return new Map(result.rows.map((row) => [row.k, row.r]));
    };
    const [left, right] = await Promise.all([load(a), load(b)]);
    rows += left.size;
    for (const key of new Set([...left.keys(), ...right.keys()])) {
      const l = left.get(key);
      const r = right.get(key);
      if (l !== r) differences.push({ table: table.name, key, a: l && JSON.parse(l), b: r && JSON.parse(r) });
    }
  }
  return { equal: differences.length === 0, rows, differences };
}
