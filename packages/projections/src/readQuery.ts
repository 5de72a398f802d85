/**
 * What the read-model queries share: filters, paging and sorting, validated here (not only in HTTP) so every
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
import { ProjectionError } from './errors.js';
import { q } from './projection.js';

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
  /**
   * The `after` of the next page (keyset paging: the last row's sort value and stream), when this page is full;
   * absent on the last page.
   */
  next?: string;
}

export interface ListSpec {
  table: string;
  /** query parameter → column, equality filters */
  filters: Record<string, string>;
  sorts: Record<string, string>;
  defaultSort: string;
  /** rows carry `due_at`: `overdue=true|false` against `now` */
  overdue?: boolean;
  /** rows carry `active_from` / `active_to` (dates): with `now`, keep those active on that day in Vietnam */
  bounded?: boolean;
  /** more columns, computed from other read models (`t` is the row): `<expression> AS <name>` */
  extraColumns?: (t: string) => string;
}

export const CODE = /^[A-Za-z0-9_.:-]{1,100}$/;

export function invalid(detail: string): ProjectionError {
  return new ProjectionError('INVALID_QUERY', detail);
}

/** `table[name]` only when it is the table's own entry: `constructor`, `__proto__`, `toString` are not. */
export function own(table: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

export function int(query: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = own(query as Record<string, string>, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw invalid(`${name} must be an integer between ${min} and ${max}`);
  }
  return Number(raw);
}

export type Bind = (value: unknown) => string;

/** An ISO instant bound as the read models store instants (`toISOString`); anything else is refused. */
function instant(value: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalid('invalid instant');
  return new Date(t).toISOString();
}

export function code(value: string): string {
  if (!CODE.test(value)) throw invalid('invalid unit code');
  return value;
}

/**
 * The SQL condition "the dossier row `d` is readable within `scope`": its own codes, or one of the successor
 * windows. Used on `dossiers` itself and, through the row's stream, on every other read model.
 */
export function readableDossier(scope: ReadScope, d: string, bind: Bind): string {
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
    // No cast on the columns: `opened_at` is stored as `toISOString` writes it (migration 0008), so the bounds,
    // written the same way, compare as text and `dossiers_by_commune (commune_code, opened_at)` serves the term.
    const terms = [
      `${d}.commune_code = ANY(${bind(read.communeCodes)}::text[])`,
      `${d}.opened_at >= ${bind(instant(read.openedFrom))}`,
    ];
    if (read.provinceCodes !== undefined)
      terms.push(`${d}.province_code = ANY(${bind(read.provinceCodes)}::text[])`);
    if (read.openedBefore !== undefined) terms.push(`${d}.opened_at < ${bind(instant(read.openedBefore))}`);
    return `(${terms.join(' AND ')})`;
  });
  const ownCodes = mine.length > 0 ? `(${mine.join(' AND ')})` : 'true';
  return beyond.length > 0 ? `(${ownCodes} OR ${beyond.join(' OR ')})` : ownCodes;
}

/** The condition on rows of `t` (any read model): their dossier is readable within `scope`. */
export function readableRow(scope: ReadScope, schema: string, table: string, t: string, bind: Bind): string {
  const condition = readableDossier(scope, table === 'dossiers' ? t : 'd', bind);
  if (condition === 'true' || table === 'dossiers') return condition;
  return `${t}.stream_id IN (SELECT d.stream_id FROM ${q(schema)}.dossiers d WHERE ${condition})`;
}

/** A parameter binder over `params`. */
export function binder(params: unknown[]): Bind {
  return (value) => {
    params.push(value);
    return `$${params.length}`;
  };
}

export async function list<T>(
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
    if (value === undefined || ['limit', 'offset', 'after', 'sort', 'order', 'overdue'].includes(name))
      continue;
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
    if (!spec.overdue)
      throw invalid(`unknown filter overdue; allowed: ${Object.keys(spec.filters).join(', ')}`);
    if (overdue !== 'true' && overdue !== 'false') throw invalid('overdue must be true or false');
    if (now === undefined || Number.isNaN(Date.parse(now)))
      throw invalid('overdue needs the current instant');
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
  // The total counts every page's rows; `after` narrows this page only.
  const countParams = [...params];
  const after = own(query as Record<string, string>, 'after');
  const page = after === undefined ? [] : [keyset(after, sortName, `t.${sort}`, order, offset, bind)];
  const pageClause = [...where, ...page].length > 0 ? `WHERE ${[...where, ...page].join(' AND ')}` : '';
  const [rows, count] = await Promise.all([
    sql.query<T>(
      `SELECT t.*${spec.extraColumns ? `, ${spec.extraColumns('t')}` : ''} FROM ${table} ${pageClause}
        ORDER BY t.${sort} ${order}, t.stream_id ${order} LIMIT ${limit} OFFSET ${offset}`,
      params,
    ),
    sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} ${clause}`, countParams),
  ]);
  const last = rows.rows.length === limit ? (rows.rows.at(-1) as Record<string, unknown>) : undefined;
  const next = last === undefined ? {} : { next: cursor(sortName, last[sort], String(last['stream_id'])) };
  return { items: rows.rows, total: count.rows[0]!.n, limit, offset, ...next };
}

/** A keyset cursor: the sort's name, the last row's sort value and stream, as base64url JSON. */
function cursor(sortName: string, value: unknown, streamId: string): string {
  // Read-model columns are text, numbers or null (pg returns bigint as text).
  const v =
    value === null || typeof value === 'number'
      ? value
      : typeof value === 'string'
        ? value
        : `${value as bigint}`;
  return Buffer.from(JSON.stringify([sortName, v, streamId])).toString('base64url');
}

/**
 * The rows after `after` in `column, stream_id` order (ascending: nulls last; descending: nulls first, as
 * PostgreSQL orders them), as one condition the sort's index can serve.
 */
function keyset(
  after: string,
  sortName: string,
  column: string,
  order: 'asc' | 'desc',
  offset: number,
  bind: Bind,
): string {
  if (offset !== 0) throw invalid('after and offset do not go together');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    throw invalid('after must be the next of an earlier page');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== sortName ||
    !(parsed[1] === null || typeof parsed[1] === 'string' || typeof parsed[1] === 'number') ||
    typeof parsed[2] !== 'string'
  ) {
    throw invalid('after must be the next of an earlier page with the same sort');
  }
  const [, value, streamId] = parsed as [string, string | number | null, string];
  const id = bind(streamId);
  const cmp = order === 'asc' ? '>' : '<';
  if (value === null) {
    const nulls = `(${column} IS NULL AND t.stream_id ${cmp} ${id})`;
    return order === 'asc' ? nulls : `(${nulls} OR ${column} IS NOT NULL)`;
  }
  const v = bind(String(value));
  const beyond = `(${column}, t.stream_id) ${cmp} (${v}, ${id})`;
  return order === 'asc' ? `(${beyond} OR ${column} IS NULL)` : beyond;
}
