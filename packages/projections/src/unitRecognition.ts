/**
 * Công nhận — every recognition, refusal and revocation of every unit (its projection) and a unit's history (its
 * query). Its table is created by migration 0001 (frozen, `migration0001.ts`).
 */
import { decisionKey } from '@ntm/domain';
import type { SqlClient } from '@ntm/sql';
import { complaintMarkSql, type ComplaintMark } from './complaints.js';
import { DEFAULT_SCHEMA, q, rowProjection, type Projection } from './projection.js';
import { binder, code, readableRow, type ReadScope } from './readQuery.js';

/**
 * Công nhận — every recognition, refusal and revocation of every unit, in decision order: a dossier's decisions,
 * and the decisions of a completed import of past recognitions (ADR 0027; criteria unknown: 0).
 */
const dossierRows = rowProjection(
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

export const projectToUnitRecognition: Projection = {
  ...dossierRows,
  rows: (view) =>
    view.importState === 'completed'
      ? view.recognitions.flatMap((r) =>
          r.imported
            ? [
                {
                  stream_id: view.streamId,
                  revision: r.revision,
                  unit_code: r.unitCode,
                  kind: r.imported.kind,
                  commune_code: r.imported.communeCode,
                  district_code: r.imported.districtCode,
                  province_code: r.imported.provinceCode,
                  tier: r.tier,
                  outcome: r.outcome,
                  decision_no: r.decisionNo,
                  decided_on: r.decidedOn,
                  year: r.year,
                  criteria_met: 0,
                },
              ]
            : [],
        )
      : dossierRows.rows(view),
};

export interface RecognitionRow {
  stream_id: string;
  revision: string;
  unit_code: string;
  tier: string;
  outcome: 'recognised' | 'refused' | 'revoked';
  decision_no: string | null;
  decided_on: string;
  year: number;
  /**
   * what a complaint did to this decision (ADR 0026): under complaint while one is accepted and unresolved, then
   * its outcome; null when none. An annulled decision is no longer held (`current`, progress, open data).
   */
  complaint: ComplaintMark | null;
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
    `SELECT stream_id, revision::text AS revision, unit_code, tier, outcome, decision_no, decided_on, year,
            ${complaintMarkSql('r.stream_id', 'r.decision_no', schema)} AS complaint
       FROM ${q(schema)}.unit_recognition r WHERE unit_code = $1 AND ${readable}
      ORDER BY decided_on, stream_id, revision`,
    params,
  );
  return { unitCode, history: rows.rows, current: statusAfter(rows.rows) };
}

/**
 * The status per tier after `rows` (oldest first): a recognition holds until it is revoked. A decision annulled on
 * complaint never happened: an annulled recognition holds nothing, an annulled revocation revokes nothing.
 */
function statusAfter(rows: readonly RecognitionRow[]): Record<string, RecognitionRow | null> {
  const current: Record<string, RecognitionRow | null> = { ntm: null, advanced: null, model: null };
  for (const row of rows) {
    if (row.complaint === 'annulled') continue;
    if (row.outcome === 'recognised') current[row.tier] = row;
    if (row.outcome === 'revoked') current[row.tier] = null;
  }
  return current;
}

/** The highest tier held (model implies advanced implies NTM), or null. */
export function highestHeld(
  current: Record<string, RecognitionRow | null>,
): { tier: string; decisionNo: string } | null {
  const held = current['model'] ?? current['advanced'] ?? current['ntm'];
  return held ? { tier: held.tier, decisionNo: held.decision_no ?? '' } : null;
}

/** The recognition histories of `unitCodes`, in decision order, all in one query. Not scoped. */
function historiesOf(sql: SqlClient, unitCodes: readonly string[], schema: string) {
  return sql.query<RecognitionRow>(
    `SELECT stream_id, revision::text AS revision, unit_code, tier, outcome, decision_no, decided_on, year,
            ${complaintMarkSql('r.stream_id', 'r.decision_no', schema)} AS complaint
       FROM ${q(schema)}.unit_recognition r WHERE unit_code = ANY($1::text[])
      ORDER BY decided_on, stream_id, revision`,
    [unitCodes.map((c) => code(c))],
  );
}

/**
 * The highest tier each of `unitCodes` holds now (null: none), as `highestHeld(queryUnitRecognition(...).current)`
 * gives it for one unit, in one query: the openings that arrive together ask together (ADR 0060). Not scoped: the
 * decider reads it, not a user.
 */
export async function queryHighestHeld(
  sql: SqlClient,
  unitCodes: readonly string[],
  schema = DEFAULT_SCHEMA,
): Promise<Map<string, { tier: string; decisionNo: string } | null>> {
  const rows = await historiesOf(sql, unitCodes, schema);
  const byUnit = new Map<string, RecognitionRow[]>(unitCodes.map((c) => [c, []]));
  for (const row of rows.rows) byUnit.get(row.unit_code)?.push(row);
  return new Map([...byUnit].map(([unit, history]) => [unit, highestHeld(statusAfter(history))]));
}

/**
 * What each of `unitCodes` held on `onDate` (decisions dated up to that day), by code: its highest tier, or null.
 * A unit with no decision at all on record is absent: the read model knows nothing of it (the merged communes'
 * predecessors recognised before the engine kept a record). Not scoped: the decider reads it, not a user.
 */
export async function queryRecognitionsOn(
  sql: SqlClient,
  unitCodes: readonly string[],
  onDate: string,
  schema = DEFAULT_SCHEMA,
): Promise<Map<string, { tier: string; decisionNo: string } | null>> {
  const rows = await historiesOf(sql, unitCodes, schema);
  const answer = new Map<string, { tier: string; decisionNo: string } | null>();
  for (const unit of new Set(rows.rows.map((r) => r.unit_code))) {
    const upTo = rows.rows.filter((r) => r.unit_code === unit && r.decided_on <= onDate);
    answer.set(unit, highestHeld(statusAfter(upTo)));
  }
  return answer;
}

/**
 * The decisions on record about these units, as the import's duplicate keys (`decisionKey` of `@ntm/domain`):
 * the dossiers' decisions and those of completed imports. Not scoped: the importer checks the whole record.
 */
export async function queryRecordedDecisionKeys(
  sql: SqlClient,
  unitCodes: readonly string[],
  schema = DEFAULT_SCHEMA,
): Promise<Set<string>> {
  const rows = await sql.query<{ unit_code: string; tier: string; decision_no: string }>(
    `SELECT unit_code, tier, decision_no FROM ${q(schema)}.unit_recognition
      WHERE unit_code = ANY($1::text[]) AND decision_no IS NOT NULL`,
    [unitCodes],
  );
  return new Set(rows.rows.map((r) => decisionKey(r.unit_code, r.tier, r.decision_no)));
}
