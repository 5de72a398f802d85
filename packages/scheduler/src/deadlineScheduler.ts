/**
 * The deadline scheduler: keeps a timer pending for every open deadline and one for every due day (ADR 0025, 0034).
 *
 * - It follows the global log from its saved position: every `DeadlineScheduled` sets the timers of the instant
 *   the deadline turns overdue (its day's, and its own a minute later as the safety net: `deadlineTimersFor`). The position is saved only after the page's timers were accepted, so a crash re-reads
 *   and re-schedules (duplicates collapse on the timer id).
 * - `reconcile` re-derives every pending timer from the deadlines read model (open deadlines): at start, every
 *   `reconcileIntervalMs`, and on demand. A restart, a wiped Redis or a failed job loses no deadline: the next
 *   reconcile schedules it again. It reads in pages, so 100,000 open deadlines never sit in memory at once.
 *
 * It only schedules; what a timer does when it fires is `fireDeadline`, on whichever side runs the timers.
 */
import type { EventStore, RecordedEvent, Subscription } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { migrateReadModels, q } from '@ntm/projections';
import type { CommandPorts } from '@ntm/application';
import { overdueIfDueBefore } from '@ntm/domain';
import {
  deadlineTimer,
  deadlineTimersOf,
  dueDayTimers,
  fireDeadline,
  type DeadlineTimer,
  type DeadlineTimerData,
  type FireLog,
} from './deadlineTimers.js';
import type { TimerQueue } from './timers.js';

export interface DeadlineSchedulerOptions {
  store: EventStore;
  sql: SqlClient;
  timers: TimerQueue<DeadlineTimerData>;
  /** read-model schema (holds the deadlines and the scheduler's position); default "read_models" */
  schema?: string;
  /** re-derive every pending timer this often; 0 = only at start and on demand. Default 15 minutes */
  reconcileIntervalMs?: number;
  /** open deadlines read per reconcile page; default 5000 */
  pageSize?: number;
  /**
   * Timers per due day (ADR 0039): each fires the day's deadlines of its share of the streams, so that worker
   * processes share a day's burst; default 1 (one timer fires the whole day). Set it to the number of worker
   * processes or a few times it.
   */
  dayShards?: number;
  /**
   * How long before its instant a due day's timer fires, so that the process taking it reads the day's dossiers
   * ahead and only the appends are left at the instant (ADR 0040; `DEADLINE_PREPARE_SECONDS`); default 0.
   */
  dayPrepareMs?: number;
  onError?: (error: unknown) => void;
}

export interface ReconcileResult {
  /** open deadlines found in the read model, each handed to the timers (existing ones collapse) */
  scheduled: number;
}

export interface DeadlineScheduler {
  /** Reconciles once, then follows the log. */
  start(): Promise<void>;
  reconcile(): Promise<ReconcileResult>;
  /** the log position up to which every deadline has its timer */
  position(): bigint;
  close(): Promise<void>;
}

const STATE_ROW = 'deadlines';

export function createDeadlineScheduler(options: DeadlineSchedulerOptions): DeadlineScheduler {
  const { store, sql, timers } = options;
  const schema = options.schema ?? 'read_models';
  const s = q(schema);
  const pageSize = options.pageSize ?? 5000;
  const shards = options.dayShards ?? 1;
  const prepareMs = options.dayPrepareMs ?? 0;
  const onError = options.onError ?? (() => undefined);
  let position = 0n;
  let subscription: Subscription | undefined;
  let interval: NodeJS.Timeout | undefined;
  let reconciling: Promise<ReconcileResult> | undefined;

  const reconcileOnce = async (): Promise<ReconcileResult> => {
    let scheduled = 0;
    let after: [string, string] = ['', ''];
    for (;;) {
      // Keyset pages in key order. DISTINCT: a deadline may be listed once per acting unit (successors).
      const { rows } = await sql.query<{ stream_id: string; deadline_id: string; due_at: string }>(
        `SELECT DISTINCT stream_id, deadline_id, due_at FROM ${s}.deadlines
          WHERE state = 'open' AND (stream_id, deadline_id) > ($1, $2)
          ORDER BY stream_id, deadline_id LIMIT $3`,
        [after[0], after[1], pageSize],
      );
      if (rows.length === 0) break;
      // Each deadline's own timer, and its day's once per page (the rest collapse on their id anyway).
      const days = [...new Set(rows.map((r) => r.due_at))].flatMap((day) =>
        dueDayTimers(day, shards, prepareMs),
      );
      await timers.schedule([
        ...days,
        ...rows.map((r) => deadlineTimer(r.stream_id, r.deadline_id, r.due_at)),
      ]);
      scheduled += rows.length;
      const last = rows.at(-1)!;
      after = [last.stream_id, last.deadline_id];
    }
    return { scheduled };
  };

  const reconcile = (): Promise<ReconcileResult> => {
    // One pass at a time; callers arriving meanwhile share it.
    reconciling ??= reconcileOnce().finally(() => {
      reconciling = undefined;
    });
    return reconciling;
  };

  // The subscription delivers a page of the log event by event, each in a microtask: collect the page's timers and
  // schedule them together once the page is done (setImmediate runs after the microtasks), then save the position.
  let pending: DeadlineTimer[] = [];
  let pendingEnd = 0n;
  let flushScheduled = false;
  let flushing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    flushScheduled = false;
    // A day's timer once per page (the same id twice would collapse anyway, at a script call each).
    const page = [...new Map(pending.map((t) => [t.id, t])).values()];
    const end = pendingEnd;
    pending = [];
    flushing = flushing
      .then(async () => {
        if (page.length > 0) await timers.schedule(page);
        if (end > position) {
          position = end;
          await sql.query(`UPDATE ${s}.timer_positions SET position = $2 WHERE name = $1`, [
            STATE_ROW,
            String(end),
          ]);
        }
      })
      // A failed page is not lost: its deadlines are in the read model, and the next reconcile schedules them.
      .catch(onError);
    return flushing;
  };
  const onEvent = async (event: RecordedEvent): Promise<void> => {
    pending.push(...deadlineTimersOf(event, shards, prepareMs));
    pendingEnd = event.position;
    if (pending.length >= 1000) await flush();
    else if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(() => void flush());
    }
  };

  return {
    async start() {
      // The read models' migrations create `timer_positions` (a rebuild carries it over).
      await migrateReadModels(sql, schema);
      await sql.query(
        `INSERT INTO ${s}.timer_positions (name, position) VALUES ($1, 0) ON CONFLICT DO NOTHING`,
        [STATE_ROW],
      );
      const saved = await sql.query<{ position: string }>(
        `SELECT position::text AS position FROM ${s}.timer_positions WHERE name = $1`,
        [STATE_ROW],
      );
      position = BigInt(saved.rows[0]!.position);
      await reconcile();
      subscription = store.subscribeToAll({ after: position, onEvent, onError });
      const every = options.reconcileIntervalMs ?? 15 * 60_000;
      if (every > 0) {
        interval = setInterval(() => void reconcile().catch(onError), every);
        interval.unref();
      }
    },
    reconcile,
    position: () => position,
    async close() {
      if (interval) clearInterval(interval);
      await subscription?.close();
      await flush();
      await reconciling?.catch(() => undefined);
    },
  };
}

export interface ElapseOverdueResult {
  /** deadlines recorded as elapsed now */
  elapsed: number;
  /** candidates left as they were: already elapsed or met meanwhile, or refused (logged) */
  skipped: number;
}

/**
 * The operator's "now": every open deadline the read model says is overdue at `now`, fired at once through
 * `fireDeadline` (after a clock or data fix, or to see what the timers would do). Idempotent.
 */
export async function elapseOverdue(
  ports: CommandPorts,
  read: { sql: SqlClient; schema: string },
  log: FireLog,
): Promise<ElapseOverdueResult> {
  const { rows } = await read.sql.query<{ stream_id: string; deadline_id: string }>(
    `SELECT DISTINCT stream_id, deadline_id, due_at FROM ${q(read.schema)}.deadlines
      WHERE state = 'open' AND due_at < $1 ORDER BY due_at, stream_id, deadline_id`,
    [overdueIfDueBefore(ports.clock.now())],
  );
  const result: ElapseOverdueResult = { elapsed: 0, skipped: 0 };
  for (const row of rows) {
    const fired = await fireDeadline(ports, { streamId: row.stream_id, deadlineId: row.deadline_id }, log);
    if (fired.outcome === 'elapsed') result.elapsed += 1;
    else result.skipped += 1;
  }
  return result;
}
