/**
 * The read models together: every projection (one module each: `dossierList`, `inbox`, `unitRecognition`,
 * `deadlines`), the one statement that writes a batch of streams into all of them, and their migrations.
 */
import { migrate, type SqlClient } from '@ntm/sql';
import type { DossierView } from './dossierView.js';
import { complaintMigrations, projectToComplaints } from './complaints.js';
import { deadlineMigrations, projectToDeadlines } from './deadlines.js';
import { dossierListMigrations, projectToDossiers } from './dossierList.js';
import { inboxDossierCodeMigrations, inboxMigrations, projectToInbox } from './inbox.js';
import { readModels0001 } from './migration0001.js';
import { notificationMigrations, type NotificationRow } from './notifications.js';
import { columnNames, q, type Projection } from './projection.js';
import { projectToUnitRecognition } from './unitRecognition.js';

/**
 * Replaces the rows the given streams own in every read model, and their checkpoints, in ONE statement: per table
 * an upsert of the new rows and a delete of the stream's rows that are no longer produced. The two touch disjoint
 * keys, so the order in which PostgreSQL runs the data-modifying CTEs does not matter. One statement per batch
 * instead of two per table and stream is what keeps the projection lag low.
 *
 * With `expected` (a catch-up), a stream is written only if its checkpoint is still at the expected revision (-1:
 * no checkpoint row) when the statement holds the row's lock; otherwise a concurrent catch-up got there first and
 * nothing of that stream is written. The checkpoint upsert runs first (the row CTEs read its RETURNING), so the
 * statement is its own transaction: no BEGIN, no COMMIT, no lock held across round trips. Returns the streams
 * written. The statement is prepared, so PostgreSQL soon runs one generic plan for every batch; the deletes find
 * the streams' rows by joining `unnest` of the stream ids, which a generic plan takes for 10 rows and probes each
 * table's key with. Neither a semi-join of the CTE nor `stream_id = ANY(...)` did: a generic plan takes a parameter
 * array for many rows, and scanned the tables of a few thousand dossiers whole, comparing every row with every id
 * (ADR 0053: half of the statement's CPU). An upsert leaves a row that would not change alone (no new row version,
 * no index entries, no WAL): most events change the dossier's row and its checkpoint, not the others.
 *
 * A catch-up also passes the `notifications` its events caused (ADR 0024): they are inserted by the same statement,
 * for the streams whose checkpoint it wrote only, so each event's notifications are written exactly once.
 *
 * `asynchronousCommit` (the projector's workers, ADR 0048): the statement's own transaction commits without waiting
 * for its WAL flush. A crash of PostgreSQL may then lose the last such writes, each whole (rows and checkpoint
 * together): the checkpoint is back where the events are still above it, which a later catch-up applies again.
 */
export async function writeStreams(
  sql: SqlClient,
  schema: string,
  views: DossierView[],
  expected?: ReadonlyMap<string, bigint>,
  notifications: readonly NotificationRow[] = [],
  options: { asynchronousCommit?: boolean } = {},
): Promise<Set<string>> {
  if (views.length === 0) return new Set();
  const params: unknown[] = [JSON.stringify(views), views.map((v) => v.streamId)];
  if (expected) params.push(views.map((v) => String(expected.get(v.streamId) ?? -1n)));
  for (const p of PROJECTIONS) params.push(JSON.stringify(views.flatMap((v) => p.rows(v))));
  // The outbox: insert-only, and never by a rebuild (which passes no `expected`), see notifications.ts.
  if (expected) params.push(JSON.stringify(notifications));
  const { rows } = await sql.query<{ stream_id: string }>(
    writeText(schema, expected !== undefined, options.asynchronousCommit ?? false),
    params,
    // A few texts per schema (with and without `expected`, committed asynchronously or not): worth keeping parsed,
    // it is the projector's hot write.
    { prepare: true },
  );
  return new Set(rows.map((r) => r.stream_id));
}

/**
 * `writeStreams`' statement, built once per variant: building it (and the client's look-up of its prepared name,
 * which hashes a new string every time) was paid on every batch.
 */
const writeTexts = new Map<string, string>();
function writeText(schema: string, conditional: boolean, asynchronousCommit: boolean): string {
  const key = `${schema} ${conditional} ${asynchronousCommit}`;
  let text = writeTexts.get(key);
  if (text === undefined) {
    text = buildWriteText(schema, conditional, asynchronousCommit);
    writeTexts.set(key, text);
  }
  return text;
}

/** Parameters: $1 the views' JSON, $2 their stream ids, [$3 the expected checkpoints], the rows, [the outbox]. */
function buildWriteText(schema: string, conditional: boolean, asynchronousCommit: boolean): string {
  const s = q(schema);
  let n = 2;
  let condition = '';
  if (conditional) {
    n += 1;
    // Not parked either: a stream folded from events its writer held (ADR 0041) was not read, nor checked then.
    condition = `WHERE c.revision = (SELECT x.revision FROM unnest($2::text[], $3::bigint[]) AS x (stream_id, revision)
                                      WHERE x.stream_id = c.stream_id)
                   AND NOT EXISTS (SELECT 1 FROM ${s}.parked_streams p WHERE p.stream_id = c.stream_id)`;
  }
  const ctes = PROJECTIONS.map((p, i) => {
    const table = `${s}.${p.name}`;
    n += 1;
    const rest = columnNames(p.columns).filter((c) => !p.key.includes(c));
    const excluded = `ROW(${rest.map((c) => `EXCLUDED.${c}`).join(', ')})`;
    const onConflict =
      rest.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET (${rest.join(', ')}) = ${excluded}
             WHERE ROW(${rest.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM ${excluded}`;
    const same = p.key.map((k) => `r.${k} = t.${k}`).join(' AND ');
    return `r${i} AS (SELECT * FROM jsonb_populate_recordset(NULL::${table}, $${n}::jsonb) r
                  WHERE r.stream_id IN (SELECT stream_id FROM cp)),
      d${i} AS (DELETE FROM ${table} t USING unnest($2::text[]) AS ids (stream_id)
                 WHERE t.stream_id = ids.stream_id AND t.stream_id IN (SELECT stream_id FROM cp)
                   AND NOT EXISTS (SELECT 1 FROM r${i} r WHERE ${same})),
      u${i} AS (INSERT INTO ${table} AS t SELECT * FROM r${i} ON CONFLICT (${p.key.join(', ')}) ${onConflict})`;
  });
  if (conditional) {
    n += 1;
    ctes.push(`n AS (INSERT INTO ${s}.notifications
                  SELECT * FROM jsonb_populate_recordset(NULL::${s}.notifications, $${n}::jsonb) r
                   WHERE r.stream_id IN (SELECT stream_id FROM cp) ON CONFLICT (id) DO NOTHING)`);
  }
  // set_config(..., true) lasts until the end of the statement's own transaction, so its commit reads it (as the
  // store's NOTIFY does, ADR 0008). The CTE is volatile, hence evaluated, and joined to the result to be run.
  if (asynchronousCommit) ctes.push(`ac AS (SELECT set_config('synchronous_commit', 'off', true))`);
  return `WITH cp AS (INSERT INTO ${s}.checkpoints AS c (stream_id, revision, view)
               SELECT v->>'streamId', (v->>'revision')::bigint, v FROM jsonb_array_elements($1::jsonb) AS v
             ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision, view = EXCLUDED.view ${condition}
             RETURNING c.stream_id),
      ${ctes.join(',\n')}
     SELECT stream_id FROM cp${asynchronousCommit ? ', ac' : ''}`;
}

/**
 * Writes a batch of streams into a FRESH schema: a rebuild's shadow, which nothing else writes and which holds no
 * row of these streams yet. One plain INSERT per table and one for the checkpoints, in one statement: no conflict
 * to resolve, no stale row to delete, no checkpoint to compare (`writeStreams` does all three for the live schema).
 * The rows are the same `rows(view)` as `writeStreams` writes, so a rebuilt schema equals a projected one.
 */
export async function insertStreams(sql: SqlClient, schema: string, views: DossierView[]): Promise<void> {
  if (views.length === 0) return;
  const s = q(schema);
  const params: unknown[] = [JSON.stringify(views)];
  // The parameters as json, not jsonb: each is read once, so PostgreSQL need not build a jsonb of the whole batch
  // first (the rows went straight from the json text into the table's columns; each view is made jsonb on its own).
  // The same values reach the tables; the batch's inserts took about 40 % less of PostgreSQL's CPU (ADR 0063).
  const ctes = PROJECTIONS.map((p, i) => {
    params.push(JSON.stringify(views.flatMap((v) => p.rows(v))));
    return `r${i} AS (INSERT INTO ${s}.${p.name}
                      SELECT * FROM json_populate_recordset(NULL::${s}.${p.name}, $${params.length}::json))`;
  });
  await sql.query(
    `WITH ${ctes.join(',\n')}
     INSERT INTO ${s}.checkpoints (stream_id, revision, view)
     SELECT v->>'streamId', (v->>'revision')::bigint, v::jsonb FROM json_array_elements($1::json) AS v`,
    params,
  );
}

export const PROJECTIONS: readonly Projection[] = [
  projectToDossiers,
  projectToInbox,
  projectToUnitRecognition,
  projectToDeadlines,
  projectToComplaints,
];

/**
 * Every migration of the read-model schema, in order. 0001 is frozen (its text is checked by a test): a new table
 * or column is a new migration in the module of its read model, and the projection's `columns` follow it.
 */
export function readModelMigrations(schema: string): { id: string; up: string }[] {
  return [
    { id: '0001-read-models', up: readModels0001(schema) },
    ...inboxMigrations(schema),
    ...dossierListMigrations(schema),
    ...notificationMigrations(schema),
    ...complaintMigrations(schema),
    ...deadlineMigrations(schema),
    // After the dossier list's 0003: it copies the codes from there.
    ...inboxDossierCodeMigrations(schema),
    // Not a read model: the deadline scheduler's log position (`@ntm/scheduler`), kept across rebuilds as the
    // dispatcher's is.
    {
      id: '0004-timer-positions',
      up: `CREATE TABLE IF NOT EXISTS ${q(schema)}.timer_positions (name text PRIMARY KEY, position bigint NOT NULL)`,
    },
    // ADR 0071: counter streams are not projected; the checkpoints earlier versions wrote for them go.
    {
      id: '0005-no-counter-checkpoints',
      up: `DELETE FROM ${q(schema)}.checkpoints WHERE stream_id LIKE 'counter-%'`,
    },
  ];
}

/** Creates the read-model schema by migration; safe when several processes start at once. */
export async function migrateReadModels(sql: SqlClient, schema: string): Promise<void> {
  await migrate(sql, readModelMigrations(schema), `${schema}.migrations`);
}
