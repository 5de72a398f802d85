/**
 * Danh sách hồ sơ — the dossier list: one row per dossier (its projection) and the query behind `GET /dossiers`.
 * Its table is created by migration 0001 (frozen, `migration0001.ts`); 0003 adds the dossier code (mã hồ sơ).
 */
import type { SqlClient } from '@ntm/sql';
import { dossierComplaintSql } from './complaints.js';
import { statusOf } from './dossierView.js';
import { DEFAULT_SCHEMA, q, rowProjection } from './projection.js';
import { list, type Page, type Query, type ReadScope } from './readQuery.js';

/** Danh sách hồ sơ — one row per dossier. */
export const projectToDossiers = rowProjection(
  'dossiers',
  `stream_id text PRIMARY KEY, kind text NOT NULL, tier text, unit_code text NOT NULL, commune_code text NOT NULL,
   district_code text, province_code text NOT NULL, year int, status text NOT NULL, step text NOT NULL,
   step_since text NOT NULL, workflow_id text, workflow_version int, revision bigint NOT NULL,
   criteria_met int NOT NULL, criteria_recorded int NOT NULL, opened_at text NOT NULL, updated_at text NOT NULL,
   dossier_code text`,
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
      // As `toISOString` writes them (UTC, milliseconds): compared and sorted as text, with the index (0008).
      opened_at: isoInstant(v.openedAt),
      updated_at: isoInstant(v.updatedAt),
      dossier_code: v.dossierCode ?? null,
    },
  ],
);

/** An ISO instant as `toISOString` writes it, so that text order is time order; '' (no opening yet) stays ''. */
export function isoInstant(instant: string): string {
  return instant === '' ? instant : new Date(instant).toISOString();
}

/** The same in SQL, for rows written before 0008 (an instant always carries `Z` or an offset). */
const isoInstantSql = (column: string) =>
  `to_char(${column}::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const ISO_INSTANT_TEXT = `'^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$'`;

/** 0003: the dossier code (mã hồ sơ), filled from the first submission; unique where present. */
export const dossierListMigrations = (schema: string) => [
  {
    id: '0003-dossier-code',
    up: [
      `ALTER TABLE ${q(schema)}.dossiers ADD COLUMN IF NOT EXISTS dossier_code text`,
      `CREATE UNIQUE INDEX IF NOT EXISTS dossiers_dossier_code ON ${q(schema)}.dossiers (dossier_code)`,
    ].join(';\n'),
  },
  {
    // The jurisdiction filter (`readableDossier`) served by indexes at national size: a successor's reads are
    // communes opened in a window (`commune_code = ANY(…) AND opened_at >= … AND opened_at < …`, compared as text,
    // so the instants are normalised first), the own codes by `dossiers_by_unit` (province first) and this one.
    id: '0008-dossier-jurisdiction-index',
    up: [
      `UPDATE ${q(schema)}.dossiers SET opened_at = ${isoInstantSql('opened_at')},
              updated_at = ${isoInstantSql('updated_at')}
        WHERE opened_at !~ ${ISO_INSTANT_TEXT} OR updated_at !~ ${ISO_INSTANT_TEXT}`,
      `CREATE INDEX IF NOT EXISTS dossiers_by_commune ON ${q(schema)}.dossiers (commune_code, opened_at)`,
      // Progress reads a province's recognition facts (the plan's province): without it, every row of the table.
      `CREATE INDEX IF NOT EXISTS recognition_by_province ON ${q(schema)}.unit_recognition (province_code, year)`,
    ].join(';\n'),
  },
];

/** A row of the dossier list (snake_case as stored). */
export interface DossierRow {
  stream_id: string;
  kind: string;
  tier: string | null;
  unit_code: string;
  commune_code: string;
  district_code: string | null;
  province_code: string;
  year: number | null;
  status: string;
  step: string;
  step_since: string;
  workflow_id: string | null;
  workflow_version: number | null;
  revision: string;
  criteria_met: number;
  criteria_recorded: number;
  opened_at: string;
  updated_at: string;
  dossier_code: string | null;
  /** the complaint that marks this dossier's decision now (under complaint, or its outcome), from `complaints` */
  complaint: DossierComplaint | null;
}

/** A dossier's decision as a complaint left it (ADR 0026). */
export interface DossierComplaint {
  /** the complaint dossier */
  dossierId: string;
  state: 'under_complaint' | 'upheld' | 'annulled' | 'amended';
  acceptedOn: string | null;
  decisionNo: string | null;
  decidedOn: string | null;
}

/** The dossier list. Filters: kind, tier, status, step, year, unitCode, communeCode, districtCode, provinceCode. */
export function queryDossiers(
  sql: SqlClient,
  query: Query,
  scope: ReadScope = {},
  schema = DEFAULT_SCHEMA,
): Promise<Page<DossierRow>> {
  return list<DossierRow>(
    sql,
    schema,
    {
      table: 'dossiers',
      filters: {
        kind: 'kind',
        tier: 'tier',
        status: 'status',
        step: 'step',
        year: 'year',
        unitCode: 'unit_code',
        communeCode: 'commune_code',
        districtCode: 'district_code',
        provinceCode: 'province_code',
        dossierCode: 'dossier_code',
      },
      sorts: {
        updatedAt: 'updated_at',
        openedAt: 'opened_at',
        unitCode: 'unit_code',
        year: 'year',
        step: 'step',
        dossierCode: 'dossier_code',
      },
      defaultSort: 'updatedAt',
      extraColumns: (t) => `${dossierComplaintSql(`${t}.stream_id`, schema)} AS complaint`,
    },
    query,
    scope,
  );
}
