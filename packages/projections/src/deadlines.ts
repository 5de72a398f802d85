/**
 * Hạn xử lý — processing deadlines (its projection) and the open and overdue ones (its query; overdue by the
 * domain's `overdueIfDueBefore`). Its table is created by migration 0001 (frozen, `migration0001.ts`).
 */
import type { SqlClient } from '@ntm/sql';
import { deadlineHolders, type InboxEntry } from './nextActor.js';
import { DEFAULT_SCHEMA, q, rowProjection, type ReadModelRow } from './projection.js';
import { list, type Page, type Query, type ReadScope } from './readQuery.js';

/**
 * Hạn xử lý — scheduled deadlines and whether they are still running. Overdue is decided at query time. A running
 * deadline has one row per acting unit (`holder` = role@unit): across the 2025 cut-over, the abolished or merged-away
 * office's row ends the day before (`active_to`) and its successor's begins on the cut-over day (`active_from`), as
 * in the inbox (ADR 0007, 0009), so the successor officials see the deadlines of the dossiers they took over. A
 * deadline no longer running binds no one: one row, `holder` ''.
 */
export const projectToDeadlines = rowProjection(
  'deadlines',
  `stream_id text NOT NULL, deadline_id text NOT NULL, step text NOT NULL, due_at text NOT NULL,
   scheduled_at text NOT NULL, state text NOT NULL, role text, unit_code text, province_code text NOT NULL,
   holder text NOT NULL, active_from text, active_to text, PRIMARY KEY (stream_id, deadline_id, holder)`,
  ['stream_id', 'deadline_id', 'holder'],
  (v) => {
    // Asked only once a deadline is open: most views (closed dossiers, met deadlines) need no holders, and working
    // them out (who acts next, the cut-over's days) was about a quarter of a rebuild's rows (docs/benchmarks.md).
    let holders: readonly InboxEntry[] | undefined;
    return v.deadlines.flatMap((d): ReadModelRow[] => {
      const row = {
        stream_id: v.streamId,
        deadline_id: d.deadlineId,
        step: d.step,
        due_at: d.dueAt,
        scheduled_at: d.scheduledAt,
        state: d.state,
      };
      const open = d.state === 'open' ? (holders ??= deadlineHolders(v)) : [];
      if (open.length === 0)
        return [
          {
            ...row,
            role: null,
            unit_code: null,
            province_code: v.provinceCode,
            holder: '',
            active_from: null,
            active_to: null,
          },
        ];
      return open.map((h) => ({
        ...row,
        role: h.role,
        unit_code: h.unitCode,
        // Where the acting unit is: a successor province's readers filter by their own province.
        province_code: h.provinceCode,
        holder: `${h.role}@${h.unitCode}`,
        active_from: h.from,
        active_to: h.until,
      }));
    });
  },
);

/** 0007: a running deadline's rows per acting unit, bounded around a reform cut-over (see the projection). */
export const deadlineMigrations = (schema: string) => [
  {
    id: '0007-deadlines-per-acting-unit',
    up: [
      `ALTER TABLE ${q(schema)}.deadlines ADD COLUMN IF NOT EXISTS holder text NOT NULL DEFAULT ''`,
      `ALTER TABLE ${q(schema)}.deadlines ADD COLUMN IF NOT EXISTS active_from text`,
      `ALTER TABLE ${q(schema)}.deadlines ADD COLUMN IF NOT EXISTS active_to text`,
      `ALTER TABLE ${q(schema)}.deadlines DROP CONSTRAINT IF EXISTS deadlines_pkey`,
      `ALTER TABLE ${q(schema)}.deadlines ADD PRIMARY KEY (stream_id, deadline_id, holder)`,
    ].join(';\n'),
  },
];

export interface DeadlineRow {
  stream_id: string;
  deadline_id: string;
  step: string;
  due_at: string;
  scheduled_at: string;
  state: 'open' | 'met' | 'elapsed' | 'suspended';
  role: string | null;
  unit_code: string | null;
  province_code: string;
  /** role@unit of a running deadline's row, '' otherwise */
  holder: string;
  /** first and last day (ISO dates) the row binds its unit around a reform cut-over; null = unbounded */
  active_from: string | null;
  active_to: string | null;
}

/**
 * Deadlines, by default the open ones, as they bind their acting units on `now`'s day (the injected clock);
 * `overdue=true` keeps those due before `now`.
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
      // The rows binding their unit on the service day: after the cut-over, the successor's.
      bounded: true,
    },
    { state: 'open', ...query },
    scope,
    now,
  );
}
