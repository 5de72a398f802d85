/**
 * Read-model queries with filters, paging and sorting. Parameters are validated here (not only in HTTP) so every
 * caller gets the same `INVALID_QUERY` errors; filter and sort names are looked up as own keys of a whitelist
 * (never the prototype), values are always bound.
 *
 * Jurisdiction: every row of every read model belongs to one dossier stream, so a caller's `ReadScope` (the
 * policy's `readFilterFor`) is applied to the dossier's row in `dossiers` (its scope codes and opening instant) for
 * every table: a row is returned exactly when its dossier passes the filter, i.e. when `can(actor, 'read', …)`
 * admits the dossier (docs/adr/0014).
 */
import { overdueIfDueBefore, vietnamDate } from '@ntm/domain';
import type { SqlClient } from '@ntm/sql';
import { DEFAULT_SCHEMA } from './catchUpStream.js';
import { ProjectionError } from './errors.js';
import { BAC_KAN_TARGETS, type ProgressTargets } from './progressTargets.js';
import { q } from './readModels.js';

export type Query = Record<string, string | undefined>;

/**
 * The dossiers a caller may read (`readFilterFor` of `@ntm/auth`), applied as mandatory filters; `{}` reads
 * everything (internal callers only).
 */
export interface ReadScope {
  provinceCode?: string;
  districtCode?: string;
  communeCode?: string;
  /** a village head: the dossiers of this unit only */
  unitCode?: string;
  /**
   * Dossiers also readable beyond the codes above (a reform's successor roles, merged units): in these communes,
   * opened in this window of ISO instants.
   */
  successorReads?: {
    communeCodes: string[];
    /** and the dossier's scope names one of these provinces */
    provinceCodes?: string[];
    openedFrom: string;
    openedBefore?: string;
  }[];
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

interface ListSpec {
  table: string;
  /** query parameter → column, equality filters */
  filters: Record<string, string>;
  sorts: Record<string, string>;
  defaultSort: string;
  /** rows carry `due_at`: `overdue=true|false` against `now` */
  overdue?: boolean;
  /** rows carry `active_from` / `active_to` (dates): with `now`, keep those active on that day in Vietnam */
  bounded?: boolean;
}

const CODE = /^[A-Za-z0-9_.:-]{1,100}$/;

function invalid(detail: string): ProjectionError {
  return new ProjectionError('INVALID_QUERY', detail);
}

/** `table[name]` only when it is the table's own entry: `constructor`, `__proto__`, `toString` are not. */
function own(table: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

function int(query: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = own(query as Record<string, string>, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw invalid(`${name} must be an integer between ${min} and ${max}`);
  }
  return Number(raw);
}

type Bind = (value: unknown) => string;

function code(value: string): string {
  if (!CODE.test(value)) throw invalid('invalid unit code');
  return value;
}

/**
 * The SQL condition "the dossier row `d` is readable within `scope`": its own codes, or one of the successor
 * windows. Used on `dossiers` itself and, through the row's stream, on every other read model.
 */
function readableDossier(scope: ReadScope, d: string, bind: Bind): string {
  const mine: string[] = [];
  for (const [name, column] of [
    ['provinceCode', 'province_code'],
    ['districtCode', 'district_code'],
    ['communeCode', 'commune_code'],
    ['unitCode', 'unit_code'],
  ] as const) {
    const value = scope[name];
    if (value !== undefined) mine.push(`${d}.${column} = ${bind(code(value))}`);
  }
  const beyond = (scope.successorReads ?? []).map((read) => {
    read.communeCodes.forEach(code);
    read.provinceCodes?.forEach(code);
    const terms = [
      `${d}.commune_code = ANY(${bind(read.communeCodes)}::text[])`,
      `${d}.opened_at::timestamptz >= ${bind(read.openedFrom)}::timestamptz`,
    ];
    if (read.provinceCodes !== undefined)
      terms.push(`${d}.province_code = ANY(${bind(read.provinceCodes)}::text[])`);
    if (read.openedBefore !== undefined)
      terms.push(`${d}.opened_at::timestamptz < ${bind(read.openedBefore)}::timestamptz`);
    return `(${terms.join(' AND ')})`;
  });
  const ownCodes = mine.length > 0 ? `(${mine.join(' AND ')})` : 'true';
  return beyond.length > 0 ? `(${ownCodes} OR ${beyond.join(' OR ')})` : ownCodes;
}

/** The condition on rows of `t` (any read model): their dossier is readable within `scope`. */
function readableRow(scope: ReadScope, schema: string, table: string, t: string, bind: Bind): string {
  const condition = readableDossier(scope, table === 'dossiers' ? t : 'd', bind);
  if (condition === 'true' || table === 'dossiers') return condition;
  return `${t}.stream_id IN (SELECT d.stream_id FROM ${q(schema)}.dossiers d WHERE ${condition})`;
}

/** A parameter binder over `params`. */
function binder(params: unknown[]): Bind {
  return (value) => {
    params.push(value);
    return `$${params.length}`;
  };
}

async function list<T>(
  sql: SqlClient,
  schema: string,
  spec: ListSpec,
  query: Query,
  scope: ReadScope,
  now?: string,
): Promise<Page<T>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const bind = binder(params);
  for (const name of Object.keys(query)) {
    const value = query[name];
    if (value === undefined || ['limit', 'offset', 'sort', 'order', 'overdue'].includes(name)) continue;
    const column = own(spec.filters, name);
    if (column === undefined)
      throw invalid(`unknown filter ${name}; allowed: ${Object.keys(spec.filters).join(', ')}`);
    if (!CODE.test(value)) throw invalid(`invalid value for ${name}`);
    where.push(`t.${column}::text = ${bind(value)}`);
  }
  const readable = readableRow(scope, schema, spec.table, 't', bind);
  if (readable !== 'true') where.push(readable);
  const overdue = own(query as Record<string, string>, 'overdue');
  if (overdue !== undefined) {
    if (!spec.overdue) throw invalid(`unknown filter overdue; allowed: ${Object.keys(spec.filters).join(', ')}`);
    if (overdue !== 'true' && overdue !== 'false') throw invalid('overdue must be true or false');
    if (now === undefined || Number.isNaN(Date.parse(now))) throw invalid('overdue needs the current instant');
    // One rule with the domain and the deadline sweep: overdue from the day after the due day, in Vietnam.
    const bound = bind(overdueIfDueBefore(now));
    where.push(overdue === 'true' ? `t.due_at < ${bound}` : `t.due_at >= ${bound}`);
  }
  if (spec.bounded && now !== undefined) {
    if (Number.isNaN(Date.parse(now))) throw invalid('now must be an ISO instant');
    const day = bind(vietnamDate(now));
    where.push(
      `(t.active_from IS NULL OR t.active_from <= ${day}) AND (t.active_to IS NULL OR ${day} <= t.active_to)`,
    );
  }
  const sortName = own(query as Record<string, string>, 'sort') ?? spec.defaultSort;
  const sort = own(spec.sorts, sortName);
  if (sort === undefined) throw invalid(`sort must be one of ${Object.keys(spec.sorts).join(', ')}`);
  const order = own(query as Record<string, string>, 'order') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw invalid('order must be asc or desc');
  const limit = int(query, 'limit', 50, 1, 500);
  const offset = int(query, 'offset', 0, 0, 1_000_000);
  const table = `${q(schema)}.${spec.table} t`;
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const [rows, count] = await Promise.all([
    sql.query<T>(
      `SELECT t.* FROM ${table} ${clause}
        ORDER BY t.${sort} ${order}, t.stream_id ${order} LIMIT ${limit} OFFSET ${offset}`,
      params,
    ),
    sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} ${clause}`, params),
  ]);
  return { items: rows.rows, total: count.rows[0]!.n, limit, offset };
}

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
}

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
}

export interface DeadlineRow {
  stream_id: string;
  deadline_id: string;
  step: string;
  due_at: string;
  scheduled_at: string;
  state: 'open' | 'met' | 'elapsed';
  role: string | null;
  unit_code: string | null;
  province_code: string;
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
      },
      sorts: {
        updatedAt: 'updated_at',
        openedAt: 'opened_at',
        unitCode: 'unit_code',
        year: 'year',
        step: 'step',
      },
      defaultSort: 'updatedAt',
    },
    query,
    scope,
  );
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
 * Deadlines, by default the open ones; `overdue=true` keeps those due before `now` (the injected clock).
 * Filters: state, role, unitCode, step, provinceCode.
 */
export function queryDeadlines(
  sql: SqlClient,
  query: Query,
  now: string,
  scope: ReadScope = {},
  schema = DEFAULT_SCHEMA,
): Promise<Page<DeadlineRow>> {
  return list<DeadlineRow>(
    sql,
    schema,
    {
      table: 'deadlines',
      filters: {
        state: 'state',
        role: 'role',
        unitCode: 'unit_code',
        step: 'step',
        provinceCode: 'province_code',
      },
      sorts: { dueAt: 'due_at', scheduledAt: 'scheduled_at' },
      defaultSort: 'dueAt',
      overdue: true,
    },
    { state: 'open', ...query },
    scope,
    now,
  );
}

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
            AND ${readableFacts}
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
