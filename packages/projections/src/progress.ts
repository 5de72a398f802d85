/**
 * Progress against the plan: a query, not a table (ADR 0005), over `unit_recognition` and `dossiers`, counting
 * only the dossiers the caller may read; the baseline and the targets are the plan's (docs/adr/0014).
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
  /** recognised at the end of `year`, baseline included */
  communesNtm: number;
  communesAdvanced: number;
  communesModel: number;
  villagesNtm: number;
  /** the part of the counts above that is the baseline (province row: attributed and province-level baseline) */
  baseline: { communesNtm: number; communesAdvanced: number; communesModel: number; villagesNtm: number };
  /** average criteria met over communes with a commune NTM dossier opened by that year */
  averageCriteriaMet: number | null;
  targets: Record<string, number | undefined>;
}

const TIER_FIELD = { ntm: 'communesNtm', advanced: 'communesAdvanced', model: 'communesModel' } as const;

/**
 * Progress against the plan, per year of the plan period, per district and for the province: units whose latest
 * decision by the end of that year recognises them (a revocation removes them). Villages are unit codes with a
 * "-" (`<commune>-<village>`). The baseline counts from `targets.period.from`: communes the seed names as already
 * recognised enter as recognitions of that year in their district (a later revocation removes them, a later
 * recognition does not count them twice); the rest of the stated province baseline is added to the province row only.
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
  // Decisions and criteria count only from the dossiers the caller may read; the baseline and the targets are
  // the plan's published figures (docs/adr/0014).
  const baselineFacts = targets.baseline.units.map((u) => ({
    unit_code: u.unitCode,
    tier: u.tier,
    district_code: u.districtCode,
    year: targets.period.from,
  }));
  const params: unknown[] = [];
  const bind = binder(params);
  const [province, fromYear, toYear, districts, baseline] = [
    bind(targets.provinceCode),
    bind(from),
    bind(to),
    bind(Object.keys(targets.districts)),
    bind(JSON.stringify(baselineFacts)),
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
    average_criteria_met: string | null;
  }>(
    `WITH years AS (SELECT generate_series(${fromYear}::int, ${toYear}::int) AS year),
     facts AS (
       SELECT unit_code, tier, outcome, district_code, year, decided_on, stream_id, revision
         FROM ${s}.unit_recognition r WHERE province_code = ${province} AND outcome <> 'refused'
            AND ${readableFacts} AND NOT ${annulledSql('r.stream_id', 'r.decision_no', schema)}
       UNION ALL
       -- baseline facts sort before any decision of the same unit (empty decided_on, empty stream id)
       SELECT b.unit_code, b.tier, 'recognised', b.district_code, b.year, '', '', -1
         FROM jsonb_to_recordset(${baseline}::jsonb) AS b(unit_code text, tier text, district_code text, year int)),
     latest AS (
       SELECT DISTINCT ON (y.year, f.unit_code, f.tier) y.year, f.unit_code, f.tier, f.outcome, f.district_code,
              f.stream_id = '' AS baseline
         FROM years y JOIN facts f ON f.year <= y.year
        ORDER BY y.year, f.unit_code, f.tier, f.decided_on DESC, f.stream_id DESC, f.revision DESC),
     held AS (SELECT * FROM latest WHERE outcome = 'recognised'),
     counts AS (
       SELECT year, district_code,
              count(*) FILTER (WHERE tier = 'ntm' AND unit_code NOT LIKE '%-%')::int AS communes_ntm,
              count(*) FILTER (WHERE tier = 'advanced')::int AS communes_advanced,
              count(*) FILTER (WHERE tier = 'model')::int AS communes_model,
              count(*) FILTER (WHERE tier = 'ntm' AND unit_code LIKE '%-%')::int AS villages_ntm,
              count(*) FILTER (WHERE baseline AND tier = 'ntm')::int AS baseline_ntm,
              count(*) FILTER (WHERE baseline AND tier = 'advanced')::int AS baseline_advanced,
              count(*) FILTER (WHERE baseline AND tier = 'model')::int AS baseline_model
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
            round(a.average_criteria_met, 2)::text AS average_criteria_met
       FROM years y
       CROSS JOIN (SELECT unnest(${districts}::text[]) AS district_code UNION ALL SELECT NULL) k
       LEFT JOIN counts c ON c.year = y.year AND c.district_code IS NOT DISTINCT FROM k.district_code
       LEFT JOIN averages a ON a.year = y.year AND a.district_code IS NOT DISTINCT FROM k.district_code
      ORDER BY y.year, k.district_code NULLS LAST`,
    params,
  );
  // The stated province baseline minus what the seed attributes to named communes, per tier.
  const unattributed = { ...targets.baseline.province };
  for (const u of targets.baseline.units) unattributed[TIER_FIELD[u.tier]] -= 1;
  return {
    provinceCode: targets.provinceCode,
    period: { from, to },
    rows: result.rows.map((r) => {
      const extra =
        r.district_code === null && r.year >= targets.period.from
          ? unattributed
          : { communesNtm: 0, communesAdvanced: 0, communesModel: 0, villagesNtm: 0 };
      return {
        year: r.year,
        districtCode: r.district_code,
        communesNtm: r.communes_ntm + extra.communesNtm,
        communesAdvanced: r.communes_advanced + extra.communesAdvanced,
        communesModel: r.communes_model + extra.communesModel,
        villagesNtm: r.villages_ntm + extra.villagesNtm,
        baseline: {
          communesNtm: r.baseline_ntm + extra.communesNtm,
          communesAdvanced: r.baseline_advanced + extra.communesAdvanced,
          communesModel: r.baseline_model + extra.communesModel,
          villagesNtm: extra.villagesNtm,
        },
        averageCriteriaMet: r.average_criteria_met === null ? null : Number(r.average_criteria_met),
        targets:
          r.district_code === null ? { ...targets.province } : { ...targets.districts[r.district_code] },
      };
    }),
  };
}
