/**
 * Dữ liệu mở — what a province publishes on its portal: the units recognised (and revoked) per tier and year with
 * their decision numbers and dates, and the on-time rate of dossiers. Read from the recognition and deadline read
 * models (both projected from the log). Only public facts: unit codes, tiers, decision numbers and dates, counts;
 * never a person, a stream id or a free text.
 */
import type { SqlClient } from '@ntm/sql';
import { annulledSql } from './complaints.js';
import { DEFAULT_SCHEMA, q } from './projection.js';

export interface OpenDataQuery {
  provinceCode?: string | undefined;
  year?: number | undefined;
}

export interface OpenRecognition {
  unitCode: string;
  communeCode: string;
  provinceCode: string;
  kind: string;
  tier: string;
  outcome: 'recognised' | 'revoked';
  year: number;
  decisionNo: string | null;
  decidedOn: string;
  /** a complaint against the decision is accepted and not yet resolved (ADR 0026); the decision still applies */
  underComplaint: boolean;
}

export interface OpenRecognitions {
  provinceCode: string | null;
  year: number | null;
  recognitions: OpenRecognition[];
  /** units recognised, per tier and year (revocations not subtracted: they are listed apart) */
  perTierAndYear: { tier: string; year: number; recognised: number; revoked: number }[];
  /**
   * Dossiers whose processing deadlines are all over (met or elapsed): how many, how many met every one, and the
   * share. `rate` is null when there is none yet.
   */
  onTime: { dossiers: number; onTime: number; rate: number | null };
}

export async function queryOpenRecognitions(
  sql: SqlClient,
  query: OpenDataQuery,
  schema = DEFAULT_SCHEMA,
): Promise<OpenRecognitions> {
  const s = q(schema);
  const params: unknown[] = [];
  const where = (alias: string, withYear: boolean) => {
    const clauses: string[] = [];
    if (query.provinceCode !== undefined) {
      params.push(query.provinceCode);
      clauses.push(`${alias}.province_code = $${params.length}`);
    }
    if (withYear && query.year !== undefined) {
      params.push(query.year);
      clauses.push(`${alias}.year = $${params.length}`);
    }
    return clauses.length > 0 ? `AND ${clauses.join(' AND ')}` : '';
  };
  const rows = await sql.query<{
    unit_code: string;
    commune_code: string;
    province_code: string;
    kind: string;
    tier: string;
    outcome: 'recognised' | 'revoked';
    year: number;
    decision_no: string | null;
    decided_on: string;
    under_complaint: boolean;
  }>(
    // A decision annulled on complaint is not published: it no longer exists.
    `SELECT unit_code, commune_code, province_code, kind, tier, outcome, year, decision_no, decided_on,
            EXISTS (SELECT 1 FROM ${s}.complaints c WHERE c.target_stream_id = r.stream_id
                       AND c.target_decision_no = r.decision_no AND c.state = 'accepted') AS under_complaint
       FROM ${s}.unit_recognition r
      WHERE outcome IN ('recognised', 'revoked') AND NOT ${annulledSql('r.stream_id', 'r.decision_no', schema)}
            ${where('r', true)}
      ORDER BY decided_on, unit_code, tier, outcome`,
    params,
  );
  params.length = 0;
  const timely = await sql.query<{ dossiers: string; on_time: string }>(
    `SELECT count(*)::text AS dossiers, count(*) FILTER (WHERE NOT late)::text AS on_time
       FROM (SELECT stream_id, bool_or(state = 'elapsed') AS late FROM ${s}.deadlines d
              WHERE true ${where('d', false)}
              GROUP BY stream_id HAVING bool_and(state <> 'open')) x`,
    params,
  );
  const recognitions = rows.rows.map((r) => ({
    unitCode: r.unit_code,
    communeCode: r.commune_code,
    provinceCode: r.province_code,
    kind: r.kind,
    tier: r.tier,
    outcome: r.outcome,
    year: r.year,
    decisionNo: r.decision_no,
    decidedOn: r.decided_on,
    underComplaint: r.under_complaint,
  }));
  const counts = new Map<string, { tier: string; year: number; recognised: number; revoked: number }>();
  for (const r of recognitions) {
    const key = `${r.tier} ${r.year}`;
    const c = counts.get(key) ?? { tier: r.tier, year: r.year, recognised: 0, revoked: 0 };
    c[r.outcome] += 1;
    counts.set(key, c);
  }
  const dossiers = Number(timely.rows[0]?.dossiers ?? 0);
  const onTime = Number(timely.rows[0]?.on_time ?? 0);
  return {
    provinceCode: query.provinceCode ?? null,
    year: query.year ?? null,
    recognitions,
    perTierAndYear: [...counts.values()].sort((a, b) => a.year - b.year || a.tier.localeCompare(b.tier)),
    onTime: { dossiers, onTime, rate: dossiers === 0 ? null : Number((onTime / dossiers).toFixed(4)) },
  };
}

/** The recognitions as CSV (RFC 4180, a header row): the file a portal links to. */
export function openRecognitionsCsv(data: OpenRecognitions): string {
  const header =
    'unit_code,commune_code,province_code,kind,tier,outcome,year,decision_no,decided_on,under_complaint';
  const cell = (v: string | number | null) => {
    const text = v === null ? '' : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const rows = data.recognitions.map((r) =>
    [
      r.unitCode,
      r.communeCode,
      r.provinceCode,
      r.kind,
      r.tier,
      r.outcome,
      r.year,
      r.decisionNo,
      r.decidedOn,
      String(r.underComplaint),
    ]
      .map(cell)
      .join(','),
  );
  return `${[header, ...rows].join('\r\n')}\r\n`;
}
