/**
 * Hạn xử lý — processing deadlines (its projection) and the open and overdue ones (its query; overdue by the
 * domain's `overdueIfDueBefore`). Its table is created by migration 0001 (frozen, `migration0001.ts`).
 */
import type { SqlClient } from '@ntm/sql';
import { deadlineActor } from './nextActor.js';
import { DEFAULT_SCHEMA, rowProjection } from './projection.js';
import { list, type Page, type Query, type ReadScope } from './readQuery.js';

/** Hạn xử lý — scheduled deadlines and whether they are still running. Overdue is decided at query time. */
export const projectToDeadlines = rowProjection(
  'deadlines',
  `stream_id text NOT NULL, deadline_id text NOT NULL, step text NOT NULL, due_at text NOT NULL,
   scheduled_at text NOT NULL, state text NOT NULL, role text, unit_code text, province_code text NOT NULL,
   PRIMARY KEY (stream_id, deadline_id)`,
  ['stream_id', 'deadline_id'],
  (v) => {
    const actor = deadlineActor(v);
    return v.deadlines.map((d) => ({
      stream_id: v.streamId,
      deadline_id: d.deadlineId,
      step: d.step,
      due_at: d.dueAt,
      scheduled_at: d.scheduledAt,
      state: d.state,
      role: d.state === 'open' ? (actor?.role ?? null) : null,
      unit_code: d.state === 'open' ? (actor?.unitCode ?? null) : null,
      province_code: v.provinceCode,
    }));
  },
);

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
