/**
 * Hộp việc — the inbox: one row per role that may move a dossier on (from the machines), its query, and its
 * migrations: 0002 (one row per role instead of one per dossier) and 0009 (the dossier code, mã hồ sơ).
 */
import type { SqlClient } from '@ntm/sql';
import { nextActors } from './nextActor.js';
import { DEFAULT_SCHEMA, q, rowProjection } from './projection.js';
import { list, type Page, type Query, type ReadScope } from './readQuery.js';

/**
 * Hộp việc — the dossier waits for this role in this unit since `waiting_since`: one row per role that may move it
 * on (from the machine), bounded by `active_from` / `active_to` around a reform cut-over (null = unbounded).
 */
export const projectToInbox = rowProjection(
  'inbox',
  `stream_id text NOT NULL, role text NOT NULL, unit_code text NOT NULL, step text NOT NULL,
   waiting_since text NOT NULL, kind text NOT NULL, dossier_unit_code text NOT NULL, province_code text NOT NULL,
   active_from text, active_to text, dossier_code text, PRIMARY KEY (stream_id, role, unit_code)`,
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
      // The one-stop code given at the first submission: what the people at the desk and on the phone go by.
      dossier_code: v.dossierCode ?? null,
    })),
);

/** A dossier waiting in the inbox of `role` at `unit_code`. */
export interface InboxRow {
  stream_id: string;
  role: string;
  unit_code: string;
  step: string;
  waiting_since: string;
  kind: string;
  dossier_unit_code: string;
  province_code: string;
  /** first and last day (ISO dates) the entry holds around a reform cut-over; null = unbounded */
  active_from: string | null;
  active_to: string | null;
  /** the dossier code (mã hồ sơ), once the dossier has been submitted */
  dossier_code: string | null;
}

/**
 * What waits for a role in a unit, oldest first by default. Filters: role, unitCode, kind, step, provinceCode.
 * With `now` (the injected clock) only the entries active that day; without it, every entry.
 */
export function queryInbox(
  sql: SqlClient,
  query: Query,
  scope: ReadScope = {},
  schema = DEFAULT_SCHEMA,
  now?: string,
): Promise<Page<InboxRow>> {
  return list<InboxRow>(
    sql,
    schema,
    {
      table: 'inbox',
      filters: {
        role: 'role',
        unitCode: 'unit_code',
        kind: 'kind',
        step: 'step',
        provinceCode: 'province_code',
      },
      sorts: { waitingSince: 'waiting_since', unitCode: 'unit_code' },
      defaultSort: 'waitingSince',
      bounded: true,
    },
    query,
    scope,
    now,
  );
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

export const inboxMigrations = (schema: string) => [
  { id: '0002-inbox-per-role', up: inboxPerRoleDdl(schema).join(';\n') },
];

/**
 * 0009: the inbox shows each dossier's code. Its rows written before it get the code the dossier list holds (0003),
 * so it runs after that one; a later event of the dossier writes the same value.
 */
export const inboxDossierCodeMigrations = (schema: string) => [
  {
    id: '0009-inbox-dossier-code',
    up: [
      `ALTER TABLE ${q(schema)}.inbox ADD COLUMN IF NOT EXISTS dossier_code text`,
      `UPDATE ${q(schema)}.inbox i SET dossier_code = d.dossier_code FROM ${q(schema)}.dossiers d
        WHERE d.stream_id = i.stream_id AND d.dossier_code IS NOT NULL AND i.dossier_code IS NULL`,
    ].join(';\n'),
  },
];
