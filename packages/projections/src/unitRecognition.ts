/**
 * Công nhận — every recognition, refusal and revocation of every unit (its projection) and a unit's history (its
 * query). Its table is created by migration 0001 (frozen, `migration0001.ts`).
 */
import type { SqlClient } from '@ntm/sql';
import { DEFAULT_SCHEMA, q, rowProjection } from './projection.js';
import { binder, code, readableRow, type ReadScope } from './readQuery.js';

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

export interface RecognitionRow {
  stream_id: string;
  revision: string;
  unit_code: string;
  tier: string;
  outcome: 'recognised' | 'refused' | 'revoked';
  decision_no: string | null;
  decided_on: string;
  year: number;
}

/** The recognition history of one unit, oldest first, and its status per tier now. */
export async function queryUnitRecognition(
  sql: SqlClient,
  unitCode: string,
  scope: ReadScope = {},
  schema = DEFAULT_SCHEMA,
): Promise<{ unitCode: string; history: RecognitionRow[]; current: Record<string, RecognitionRow | null> }> {
  const params: unknown[] = [code(unitCode)];
  const readable = readableRow(scope, schema, 'unit_recognition', 'r', binder(params));
  const rows = await sql.query<RecognitionRow>(
    `SELECT stream_id, revision::text AS revision, unit_code, tier, outcome, decision_no, decided_on, year
       FROM ${q(schema)}.unit_recognition r WHERE unit_code = $1 AND ${readable}
      ORDER BY decided_on, stream_id, revision`,
    params,
  );
  const current: Record<string, RecognitionRow | null> = { ntm: null, advanced: null, model: null };
  for (const row of rows.rows) {
    if (row.outcome === 'recognised') current[row.tier] = row;
    if (row.outcome === 'revoked') current[row.tier] = null;
  }
  return { unitCode, history: rows.rows, current };
}
