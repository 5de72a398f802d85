/**
 * The read models: their tables, and one projection per table that turns a stream's folded view into the rows
 * that stream owns. Every row belongs to exactly one stream (`stream_id`), so a catch-up replaces a stream's rows
 * and a rebuild inserts everyone's rows with the same code: incremental and rebuilt cannot drift apart.
 */
import { migrate, quoteIdent, type SqlClient } from '@ntm/sql';
import { statusOf, type DossierView } from './dossierView.js';
import { deadlineActor, nextActors } from './nextActor.js';

/** One read-model row, as JSON. */
export type ReadModelRow = Record<string, string | number | boolean | null>;

/** A read model: its table, its key, and the rows one stream contributes (a pure function of the view). */
export interface Projection {
  name: string;
  /** column definitions, in table order */
  columns: string;
  /** columns that identify a row (used to upsert, order and compare) */
  key: string[];
  /** The rows that one stream owns in this table. */
  rows(view: DossierView): ReadModelRow[];
}

/** A projection defined by a pure row function; only dossier streams own rows. */
function rowProjection(
  name: string,
  columns: string,
  key: string[],
  rows: (view: DossierView) => ReadModelRow[],
): Projection {
  return { name, columns, key, rows: (view) => (view.isDossier ? rows(view) : []) };
}

/** Column names of a DDL column list (the words that start each top-level definition, constraints excluded). */
function columnNames(columns: string): string[] {
  return columns
    .split(/,(?![^()]*\))/)
    .map((definition) => definition.trim().split(/\s+/)[0]!)
    .filter((name) => name !== 'PRIMARY');
}

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
 * written. The deletes find the streams' rows through `stream_id = ANY(...)`, an index condition: the statement
 * is prepared, and a cached generic plan that semi-joined the CTE instead scanned whole tables.
 */
export async function writeStreams(
  sql: SqlClient,
  schema: string,
  views: DossierView[],
  expected?: ReadonlyMap<string, bigint>,
): Promise<Set<string>> {
  if (views.length === 0) return new Set();
  const s = q(schema);
  const params: unknown[] = [JSON.stringify(views), views.map((v) => v.streamId)];
  let condition = '';
  if (expected) {
    params.push(views.map((v) => String(expected.get(v.streamId) ?? -1n)));
    condition = `WHERE c.revision = (SELECT x.revision FROM unnest($2::text[], $3::bigint[]) AS x (stream_id, revision)
                                      WHERE x.stream_id = c.stream_id)`;
  }
  const ctes = PROJECTIONS.map((p, i) => {
    const table = `${s}.${p.name}`;
    params.push(JSON.stringify(views.flatMap((v) => p.rows(v))));
    const rest = columnNames(p.columns).filter((c) => !p.key.includes(c));
    const onConflict =
      rest.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET (${rest.join(', ')}) = ROW(${rest.map((c) => `EXCLUDED.${c}`).join(', ')})`;
    const same = p.key.map((k) => `r.${k} = t.${k}`).join(' AND ');
    return `r${i} AS (SELECT * FROM jsonb_populate_recordset(NULL::${table}, $${params.length}::jsonb) r
                  WHERE r.stream_id IN (SELECT stream_id FROM cp)),
      d${i} AS (DELETE FROM ${table} t WHERE t.stream_id = ANY($2::text[]) AND t.stream_id IN (SELECT stream_id FROM cp)
                  AND NOT EXISTS (SELECT 1 FROM r${i} r WHERE ${same})),
      u${i} AS (INSERT INTO ${table} SELECT * FROM r${i} ON CONFLICT (${p.key.join(', ')}) ${onConflict})`;
  });
  const { rows } = await sql.query<{ stream_id: string }>(
    `WITH cp AS (INSERT INTO ${s}.checkpoints AS c (stream_id, revision, view)
               SELECT v->>'streamId', (v->>'revision')::bigint, v FROM jsonb_array_elements($1::jsonb) AS v
             ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision, view = EXCLUDED.view ${condition}
             RETURNING c.stream_id),
      ${ctes.join(',\n')}
     SELECT stream_id FROM cp`,
    params,
    // Two texts per schema (with and without `expected`): worth keeping parsed, it is the projector's hot write.
    { prepare: true },
  );
  return new Set(rows.map((r) => r.stream_id));
}

/** Danh sách hồ sơ — one row per dossier. */
export const projectToDossiers = rowProjection(
  'dossiers',
  `stream_id text PRIMARY KEY, kind text NOT NULL, tier text, unit_code text NOT NULL, commune_code text NOT NULL,
   district_code text, province_code text NOT NULL, year int, status text NOT NULL, step text NOT NULL,
   step_since text NOT NULL, workflow_id text, workflow_version int, revision bigint NOT NULL,
   criteria_met int NOT NULL, criteria_recorded int NOT NULL, opened_at text NOT NULL, updated_at text NOT NULL`,
  ['stream_id'],
  (v) => [
    {
      stream_id: v.streamId,
      kind: v.kind,
      tier: v.tier,
      unit_code: v.unitCode,
      commune_code: v.communeCode,
      district_code: v.districtCode,
      province_code: v.provinceCode,
      year: v.year,
      status: statusOf(v),
      step: v.step,
      step_since: v.stepSince,
      workflow_id: v.workflowId,
      workflow_version: v.workflowVersion,
      revision: v.revision,
      criteria_met: Object.values(v.criteria).filter(Boolean).length,
      criteria_recorded: Object.keys(v.criteria).length,
      opened_at: v.openedAt,
      updated_at: v.updatedAt,
    },
  ],
);

/**
 * Hộp việc — the dossier waits for this role in this unit since `waiting_since`: one row per role that may move it
 * on (from the machine), bounded by `active_from` / `active_to` around a reform cut-over (null = unbounded).
 */
export const projectToInbox = rowProjection(
  'inbox',
  `stream_id text NOT NULL, role text NOT NULL, unit_code text NOT NULL, step text NOT NULL,
   waiting_since text NOT NULL, kind text NOT NULL, dossier_unit_code text NOT NULL, province_code text NOT NULL,
   active_from text, active_to text, PRIMARY KEY (stream_id, role, unit_code)`,
  ['stream_id', 'role', 'unit_code'],
  (v) =>
    nextActors(v).map((actor) => ({
      stream_id: v.streamId,
      role: actor.role,
      unit_code: actor.unitCode,
      step: v.step,
      waiting_since: v.stepSince,
      kind: v.kind,
      dossier_unit_code: v.unitCode,
      // Where the acting unit is, so that a successor province's readers find its rows (scoped by province).
      province_code: actor.provinceCode,
      active_from: actor.from,
      active_to: actor.until,
    })),
);

/** Công nhận — every recognition, refusal and revocation of every unit, in decision order. */
export const projectToUnitRecognition = rowProjection(
  'unit_recognition',
  `stream_id text NOT NULL, revision bigint NOT NULL, unit_code text NOT NULL, kind text NOT NULL,
   commune_code text NOT NULL, district_code text, province_code text NOT NULL, tier text NOT NULL,
   outcome text NOT NULL, decision_no text, decided_on text NOT NULL, year int NOT NULL,
   criteria_met int NOT NULL, PRIMARY KEY (stream_id, revision)`,
  ['stream_id', 'revision'],
  (v) =>
    v.recognitions.map((r) => ({
      stream_id: v.streamId,
      revision: r.revision,
      unit_code: r.unitCode,
      kind: v.kind,
      commune_code: v.communeCode,
      district_code: v.districtCode,
      province_code: v.provinceCode,
      tier: r.tier,
      outcome: r.outcome,
      decision_no: r.decisionNo,
      decided_on: r.decidedOn,
      year: r.year,
      criteria_met: Object.values(v.criteria).filter(Boolean).length,
    })),
);

/** Hạn xử lý — scheduled deadlines and whether they are still running. Overdue is decided at query time. */
export const projectToDeadlines = rowProjection(
  'deadlines',
  `stream_id text NOT NULL, deadline_id text NOT NULL, step text NOT NULL, due_at text NOT NULL,
   scheduled_at text NOT NULL, state text NOT NULL, role text, unit_code text, province_code text NOT NULL,
   PRIMARY KEY (stream_id, deadline_id)`,
  ['stream_id', 'deadline_id'],
  (v) => {
    const actor = deadlineActor(v);
    return v.deadlines.map((d) => ({
      stream_id: v.streamId,
      deadline_id: d.deadlineId,
      step: d.step,
      due_at: d.dueAt,
      scheduled_at: d.scheduledAt,
      state: d.state,
      role: d.state === 'open' ? (actor?.role ?? null) : null,
      unit_code: d.state === 'open' ? (actor?.unitCode ?? null) : null,
      province_code: v.provinceCode,
    }));
  },
);

export const PROJECTIONS: readonly Projection[] = [
  projectToDossiers,
  projectToInbox,
  projectToUnitRecognition,
  projectToDeadlines,
];

/** Quotes a schema name (checked: lowercase identifier), so names can never inject SQL. */
export const q = quoteIdent;

/** The DDL of the whole read-model schema; `IF NOT EXISTS` so that it is a no-op once applied. */
export function readModelDdl(schema: string): string[] {
  const s = q(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    // Per-stream checkpoint, with the folded view so the next wake-up folds only the new events.
    `CREATE TABLE IF NOT EXISTS ${s}.checkpoints (stream_id text PRIMARY KEY, revision bigint NOT NULL,
       view jsonb)`,
    `CREATE TABLE IF NOT EXISTS ${s}.parked_streams (stream_id text PRIMARY KEY, revision bigint,
       error_code text NOT NULL, message text NOT NULL, parked_at text NOT NULL)`,
    // The dispatcher's own checkpoint: last position handed on, and last position known fully projected.
    `CREATE TABLE IF NOT EXISTS ${s}.dispatcher_state (name text PRIMARY KEY, handed_on bigint NOT NULL,
       confirmed bigint NOT NULL)`,
    ...PROJECTIONS.map((p) => `CREATE TABLE IF NOT EXISTS ${s}.${p.name} (${p.columns})`),
    `CREATE INDEX IF NOT EXISTS inbox_by_role ON ${s}.inbox (role, unit_code, waiting_since)`,
    `CREATE INDEX IF NOT EXISTS dossiers_by_unit ON ${s}.dossiers (province_code, district_code, commune_code)`,
    `CREATE INDEX IF NOT EXISTS recognition_by_unit ON ${s}.unit_recognition (unit_code, decided_on)`,
    `CREATE INDEX IF NOT EXISTS deadlines_open ON ${s}.deadlines (state, due_at)`,
  ];
}

/**
 * 0002: the inbox holds one row per role that may act (from the machines), bounded around a reform cut-over. On a
 * schema created by 0001 before this change it adds the columns and widens the key; on a new one it is a no-op.
 */
export function inboxPerRoleDdl(schema: string): string[] {
  const inbox = `${q(schema)}.inbox`;
  return [
    `ALTER TABLE ${inbox} ADD COLUMN IF NOT EXISTS active_from text, ADD COLUMN IF NOT EXISTS active_to text`,
    `ALTER TABLE ${inbox} DROP CONSTRAINT IF EXISTS inbox_pkey`,
    `ALTER TABLE ${inbox} ADD PRIMARY KEY (stream_id, role, unit_code)`,
  ];
}

/** Creates the read-model schema by migration; safe when several processes start at once. */
export async function migrateReadModels(sql: SqlClient, schema: string): Promise<void> {
  await migrate(
    sql,
    [
      { id: '0001-read-models', up: readModelDdl(schema).join(';\n') },
      { id: '0002-inbox-per-role', up: inboxPerRoleDdl(schema).join(';\n') },
    ],
    `${schema}.migrations`,
  );
}
