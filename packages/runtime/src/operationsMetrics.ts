/**
 * The gauges read from the databases at each scrape, by every process that serves the operator routes (the API and
 * each dispatcher): projection lag, checkpoint age per read model, parked streams, queue depths, deadlines. They
 * say the same in every such process (they come from PostgreSQL and Redis): aggregate them with `max`, not `sum`.
 */
import type { Queue } from 'bullmq';
import type { WatcherStatus } from '@ntm/audit';
import { overdueIfDueBefore, type CalendarHorizon } from '@ntm/domain';
import type { EventStore } from '@ntm/event-store';
import { PROJECTIONS, q } from '@ntm/projections';
import type { SqlClient } from '@ntm/sql';
import { perScrape, type Metrics } from './metrics.js';
import type { ProjectionLag } from './projectionLag.js';

export interface OperationsMetricsOptions {
  store: EventStore;
  /** the read models' database and schema */
  sql: SqlClient;
  schema: string;
  projectionLag: () => Promise<ProjectionLag>;
  /** the wake-up queues (their waiting jobs are also `ntm_projection_queue_waiting`) */
  queues?: Queue[];
  /** other queues whose depths are reported (the deadline timers') */
  otherQueues?: Queue[];
  /** the service's clock: which deadlines are overdue */
  now: () => Date;
  /** wall-clock time: how old the last projected event is; default the system clock */
  wallClock?: () => Date;
}

/** The read models a batch writes (all in one statement, so they share one position: see docs/projections.md). */
const READ_MODELS = PROJECTIONS.map((p) => p.name);

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

export function registerOperationsMetrics(metrics: Metrics, options: OperationsMetricsOptions): void {
  const { store, sql, schema } = options;
  const wallClock = options.wallClock ?? (() => new Date());
  const lag = perScrape(async () => {
    const measured = await options.projectionLag();
    // The newest event every read model holds: the one at the confirmed position.
    let checkpointAgeSeconds: number | undefined;
    if (measured.confirmed > 0n) {
      const page = await store.readAll({ after: measured.confirmed - 1n, limit: 1 });
      const last = page.events[0];
      if (last?.position === measured.confirmed)
        checkpointAgeSeconds = Math.max(0, (wallClock().getTime() - Date.parse(last.recordedAt)) / 1000);
    }
    return { ...measured, checkpointAgeSeconds };
  });
  const lagGauges: [string, string, (l: ProjectionLag) => number][] = [
    ['ntm_projection_head_position', 'Position of the last event in the global log.', (l) => Number(l.head)],
    [
      'ntm_projection_handed_on_position',
      'Last position the dispatcher enqueued.',
      (l) => Number(l.handedOn),
    ],
    [
      'ntm_projection_confirmed_position',
      'Every event up to this position is projected.',
      (l) => Number(l.confirmed),
    ],
    [
      'ntm_projection_lag_events',
      'Events in the log not yet confirmed projected.',
      (l) => Number(l.lagEvents),
    ],
    [
      'ntm_projection_lag_seconds',
      'Age of the oldest event not yet confirmed projected.',
      (l) => l.lagSeconds,
    ],
    [
      'ntm_projection_parked_streams',
      'Streams parked after a failure, waiting for an operator.',
      (l) => l.parkedStreams,
    ],
  ];
  for (const [name, help, value] of lagGauges) metrics.gauge(name, help, async () => value(await lag()));
  const perReadModel = (value: number | undefined): [Record<'read_model', string>, number][] =>
    value === undefined ? [] : READ_MODELS.map((readModel) => [{ read_model: readModel }, value]);
  metrics.labelledGauge(
    'ntm_read_model_lag_events',
    'Events in the log not yet in this read model.',
    ['read_model'],
    async () => perReadModel(Number((await lag()).lagEvents)),
  );
  metrics.labelledGauge(
    'ntm_read_model_lag_seconds',
    'Age of the oldest event not yet in this read model; 0 when caught up.',
    ['read_model'],
    async () => perReadModel((await lag()).lagSeconds),
  );
  metrics.labelledGauge(
    'ntm_read_model_checkpoint_age_seconds',
    'Age of the newest event this read model holds (grows while the log is quiet).',
    ['read_model'],
    async () => perReadModel((await lag()).checkpointAgeSeconds),
  );

  const wakeUps = options.queues ?? [];
  const queues = [...wakeUps, ...(options.otherQueues ?? [])];
  if (queues.length > 0) {
    const counts = perScrape(() =>
      Promise.all(
        queues.map(async (queue) => ({ queue: queue.name, counts: await queue.getJobCounts(...JOB_STATES) })),
      ),
    );
    metrics.labelledGauge(
      'ntm_queue_jobs',
      'Jobs per BullMQ queue and state (waiting, active, delayed, failed).',
      ['queue', 'state'],
      async () =>
        (await counts()).flatMap(({ queue, counts }) =>
          JOB_STATES.map((state): [Record<'queue' | 'state', string>, number] => [
            { queue, state },
            counts[state] ?? 0,
          ]),
        ),
    );
  }
  if (wakeUps.length > 0) {
    metrics.labelledGauge(
      'ntm_projection_queue_waiting',
      'Wake-ups waiting per queue.',
      ['queue'],
      async () =>
        Promise.all(
          wakeUps.map(async (queue): Promise<[Record<'queue', string>, number]> => [
            { queue: queue.name },
            await queue.getWaitingCount(),
          ]),
        ),
    );
  }

  // Deadlines from the read model, as the service's day sees them (`overdueIfDueBefore`: due before today in
  // Vietnam). A row per acting unit around the reform cut-over: deadlines are counted once each.
  const deadlines = perScrape(async () => {
    const today = overdueIfDueBefore(options.now());
    const { rows } = await sql.query<{ open: number; due_today: number; overdue: number; elapsed: number }>(
      `SELECT count(DISTINCT (stream_id, deadline_id)) FILTER (WHERE state = 'open')::int AS open,
              count(DISTINCT (stream_id, deadline_id)) FILTER (WHERE state = 'open' AND due_at = $1)::int AS due_today,
              count(DISTINCT (stream_id, deadline_id)) FILTER (WHERE state = 'open' AND due_at < $1)::int AS overdue,
              count(DISTINCT (stream_id, deadline_id)) FILTER (WHERE state = 'elapsed')::int AS elapsed
         FROM ${q(schema)}.deadlines`,
      [today],
    );
    return rows[0]!;
  });
  metrics.gauge('ntm_deadlines_open', 'Open deadlines (running, not met nor elapsed).', async () => {
    return (await deadlines()).open;
  });
  metrics.gauge('ntm_deadlines_due_today', 'Open deadlines due today (Vietnam time).', async () => {
    return (await deadlines()).due_today;
  });
  metrics.gauge(
    'ntm_deadlines_overdue',
    'Open deadlines past their due day whose timer has not fired yet (should stay 0 while the timers run).',
    async () => (await deadlines()).overdue,
  );
  metrics.gauge(
    'ntm_deadlines_elapsed',
    'Deadlines that elapsed (DeadlineElapsed recorded): missed deadlines, all time.',
    async () => (await deadlines()).elapsed,
  );
}

export interface ApiMetricsOptions {
  /** the audit log's continuous verifier, when this process runs one */
  auditLog?: () => WatcherStatus;
  /** the working-day calendar's horizon (CALENDAR_WARN_DAYS) */
  calendar: () => CalendarHorizon;
}

/** The API's own alarms, read at each scrape: the audit log's continuous verifier and the calendar's horizon. */
export function registerApiMetrics(metrics: Metrics, options: ApiMetricsOptions): void {
  const { auditLog } = options;
  if (auditLog) {
    metrics.gauge(
      'ntm_audit_log_ok',
      '1 while the global log matches its signed checkpoints (and before the first check), 0 after a mismatch.',
      () => (auditLog().ok === false ? 0 : 1),
    );
    metrics.gauge(
      'ntm_audit_log_checked_timestamp_seconds',
      'When the continuous verifier last finished (Unix seconds; 0 before its first run).',
      () => {
        const { checkedAt } = auditLog();
        return checkedAt === undefined ? 0 : Math.floor(Date.parse(checkedAt) / 1000);
      },
    );
    metrics.gauge(
      'ntm_audit_log_verified_checkpoint',
      'The last checkpoint the log matched (its sequence number; 0 before the first run).',
      () => auditLog().report?.verifiedUpTo?.seq ?? 0,
    );
  }
  metrics.gauge(
    'ntm_calendar_days_left',
    'Days until the working-day calendar data ends (negative once past).',
    () => options.calendar().daysLeft,
  );
  metrics.gauge(
    'ntm_calendar_ok',
    '1 while the calendar data reaches past CALENDAR_WARN_DAYS from today, else 0.',
    () => (options.calendar().ok ? 1 : 0),
  );
}
