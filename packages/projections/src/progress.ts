/**
 * Progress against the plan: a query, not a table (ADR 0005), over `unit_recognition` and `dossiers`, counting
 * only the dossiers the caller may read; the targets are the plan's (docs/adr/0014). What was recognised before the
 * engine comes from the log too: imported decisions (ADR 0027), shown apart as `baseline`.
 */
import type { SqlClient } from '@ntm/sql';
import { annulledSql } from './complaints.js';
import { DEFAULT_SCHEMA, q } from './projection.js';
import { BAC_KAN_TARGETS, type ProgressTargets } from './progressTargets.js';
import { binder, int, readableRow, type Query, type ReadScope } from './readQuery.js';

export interface ProgressRow {
  year: number;
  /** null for the province total */
  districtCode: string | null;
  /** recognised at the end of `year`, imported decisions included */
  communesNtm: number;
  communesAdvanced: number;
  communesModel: number;
  villagesNtm: number;
  /** the part of the counts above held by imported decisions (history from before the engine, ADR 0027) */
  baseline: { communesNtm: number; communesAdvanced: number; communesModel: number; villagesNtm: number };
  /** average criteria met over communes with a commune NTM dossier opened by that year */
  averageCriteriaMet: number | null;
  targets: Record<string, number | undefined>;
}

/**
 * Progress against the plan, per year of the plan period, per district and for the province: units whose latest
 * decision by the end of that year recognises them (a revocation removes them). Villages are unit codes with a
 * "-" (`<commune>-<village>`). Imported decisions count like the others, in their year (a later revocation removes
 * them, a later recognition does not count them twice); while a unit's latest decision is an imported one, it is
 * counted in `baseline` too.
 */
export async function queryProgress(
  sql: SqlClient,
  query: Query,
  targets: ProgressTargets = BAC_KAN_TARGETS,
  schema = DEFAULT_SCHEMA,
  scope: ReadScope = {},
): Promise<{ provinceCode: string; period: { from: number; to: number }; rows: ProgressRow[] }> {
  const from = int(query, 'from', targets.period.from, 1990, 2100);
  const to = int(query, 'to', targets.period.to, from, 2100);
  const s = q(schema);
  // Decisions and criteria count only from what the caller may read; the targets are the plan's published figures
  // (docs/adr/0014).
  const params: unknown[] = [];
  const bind = binder(params);
  const [province, fromYear, toYear, districts] = [
    bind(targets.provinceCode),
    bind(from),
    bind(to),
    bind(Object.keys(targets.districts)),
  ];
  const readableFacts = readableRow(scope, schema, 'unit_recognition', 'r', bind);
  const readableDossiers = readableRow(scope, schema, 'dossiers', 'd', bind);
  const result = await sql.query<{
    year: number;
    district_code: string | null;
    communes_ntm: number;
    communes_advanced: number;
    communes_model: number;
    villages_ntm: number;
    baseline_ntm: number;
    baseline_advanced: number;
    baseline_model: number;
    baseline_villages: number;
    average_criteria_met: string | null;
  }>(
    `WITH years AS (SELECT generate_series(${fromYear}::int, ${toYear}::int) AS year),
     facts AS (
       SELECT unit_code, tier, outcome, district_code, year, decided_on, stream_id, revision
         FROM ${s}.unit_recognition r WHERE province_code = ${province} AND outcome <> 'refused'
            AND ${readableFacts} AND NOT ${annulledSql('r.stream_id', 'r.decision_no', schema)}),
     latest AS (
       SELECT DISTINCT ON (y.year, f.unit_code, f.tier) y.year, f.unit_code, f.tier, f.outcome, f.district_code,
              f.stream_id LIKE 'recognition-import-%' AS baseline
         FROM years y JOIN facts f ON f.year <= y.year
        ORDER BY y.year, f.unit_code, f.tier, f.decided_on DESC, f.stream_id DESC, f.revision DESC),
     held AS (SELECT * FROM latest WHERE outcome = 'recognised'),
     counts AS (
       SELECT year, district_code,
              count(*) FILTER (WHERE tier = 'ntm' AND unit_code NOT LIKE '%-%')::int AS communes_ntm,
              count(*) FILTER (WHERE tier = 'advanced')::int AS communes_advanced,
              count(*) FILTER (WHERE tier = 'model')::int AS communes_model,
              count(*) FILTER (WHERE tier = 'ntm' AND unit_code LIKE '%-%')::int AS villages_ntm,
              count(*) FILTER (WHERE baseline AND tier = 'ntm' AND unit_code NOT LIKE '%-%')::int AS baseline_ntm,
              count(*) FILTER (WHERE baseline AND tier = 'advanced')::int AS baseline_advanced,
              count(*) FILTER (WHERE baseline AND tier = 'model')::int AS baseline_model,
              count(*) FILTER (WHERE baseline AND tier = 'ntm' AND unit_code LIKE '%-%')::int AS baseline_villages
         FROM held GROUP BY GROUPING SETS ((year, district_code), (year))),
     criteria AS (
       SELECT DISTINCT ON (y.year, d.commune_code) y.year, d.district_code, d.criteria_met
         FROM years y JOIN ${s}.dossiers d ON d.year <= y.year
        WHERE d.province_code = ${province} AND d.kind = 'COMMUNE_NTM' AND ${readableDossiers}
        ORDER BY y.year, d.commune_code, d.year DESC, d.updated_at DESC),
     averages AS (
       SELECT year, district_code, avg(criteria_met) AS average_criteria_met
         FROM criteria GROUP BY GROUPING SETS ((year, district_code), (year)))
     SELECT y.year, k.district_code, coalesce(c.communes_ntm, 0) AS communes_ntm,
            coalesce(c.communes_advanced, 0) AS communes_advanced, coalesce(c.communes_model, 0) AS communes_model,
            coalesce(c.villages_ntm, 0) AS villages_ntm, coalesce(c.baseline_ntm, 0) AS baseline_ntm,
            coalesce(c.baseline_advanced, 0) AS baseline_advanced, coalesce(c.baseline_model, 0) AS baseline_model,
            coalesce(c.baseline_villages, 0) AS baseline_villages,
            round(a.average_criteria_met, 2)::text AS average_criteria_met
       FROM years y
       CROSS JOIN (SELECT unnest(${districts}::text[]) AS district_code UNION ALL SELECT NULL) k
       LEFT JOIN counts c ON c.year = y.year AND c.district_code IS NOT DISTINCT FROM k.district_code
       LEFT JOIN averages a ON a.year = y.year AND a.district_code IS NOT DISTINCT FROM k.district_code
      ORDER BY y.year, k.district_code NULLS LAST`,
    params,
  );
  return {
    provinceCode: targets.provinceCode,
    period: { from, to },
    rows: result.rows.map((r) => ({
      year: r.year,
      districtCode: r.district_code,
      communesNtm: r.communes_ntm,
      communesAdvanced: r.communes_advanced,
      communesModel: r.communes_model,
      villagesNtm: r.villages_ntm,
      baseline: {
        communesNtm: r.baseline_ntm,
        communesAdvanced: r.baseline_advanced,
        communesModel: r.baseline_model,
        villagesNtm: r.baseline_villages,
      },
      averageCriteriaMet: r.average_criteria_met === null ? null : Number(r.average_criteria_met),
      targets: r.district_code === null ? { ...targets.province } : { ...targets.districts[r.district_code] },
    })),
  };
}
