/**
 * Sắp đến hạn — reminders N working days before a deadline's due day (`NOTIFY_REMINDER_DAYS`), to the inboxes that
 * hold the dossier, derived from the deadlines read model (itself from `DeadlineScheduled`) and the configuration,
 * so they can be derived again at any time and give the same rows (ADR 0024).
 *
 * One timer per (deadline, N), with a deterministic id, due at 08:00 in Vietnam on the reminder's working day. The
 * scheduler re-derives every pending timer from the open deadlines at start and periodically: a restart or a lost
 * Redis loses no reminder, and a timer scheduled twice is one. When a timer fires, the reminder is written only if
 * the deadline is still open and not yet overdue; its rows are keyed by deadline and N, so a timer that fires twice
 * writes them once. The rows' time is the reminder's instant, never the moment the timer happened to fire.
 */
import { createHash } from 'node:crypto';
import {
  addCalendarDays,
  isWorkingDay,
  nationalCalendar,
  vietnamDate,
  type HolidayCalendar,
} from '@ntm/domain';
import { insertNotifications, q, reminderRows, type DossierView } from '@ntm/projections';
import type { SqlClient } from '@ntm/sql';

/** What a reminder timer carries. */
export interface ReminderData {
  streamId: string;
  deadlineId: string;
  /** the due day (ISO date) the reminder was derived for */
  dueOn: string;
  /** working days before it */
  days: number;
}

/** A timer as the scheduler's timer port takes it (`@ntm/scheduler`'s `Timer`). */
export interface ReminderTimer {
  id: string;
  dueAt: string;
  data: ReminderData;
}

/** Where reminders are scheduled: BullMQ delayed jobs or process timers (an id already pending is kept). */
export interface ReminderTimerQueue {
  schedule(timers: readonly ReminderTimer[]): Promise<void>;
}

/** One timer id per deadline and N, whatever its due day; Redis-safe (BullMQ refuses ':' in ids). */
export const reminderTimerId = (data: Pick<ReminderData, 'streamId' | 'deadlineId' | 'days'>): string =>
  `reminder-${createHash('sha256').update(`${data.streamId}\n${data.deadlineId}\n${data.days}`).digest('hex').slice(0, 40)}`;

/** The working day with exactly `days` working days after it up to and including `dueOn`. */
export function reminderDay(dueOn: string, days: number, holidays: HolidayCalendar): string {
  let day = dueOn;
  for (let left = days; left > 0;) {
    day = addCalendarDays(day, -1);
    if (isWorkingDay(day, holidays)) left -= 1;
  }
  return day;
}

/** 08:00 in Vietnam (UTC+7) on the reminder's day: the start of office hours. */
export const reminderInstant = (dueOn: string, days: number, holidays: HolidayCalendar): string =>
  `${reminderDay(dueOn, days, holidays)}T01:00:00.000Z`;

/**
 * The reminder timers of open deadlines, for each configured N. A deadline whose due day has passed gets none (the
 * overdue notice follows its `DeadlineElapsed`); one whose reminder instant has passed fires at once. The calendar
 * is the one deadlines are computed with (`nationalCalendar`); a year it refuses is reported through
 * `onMissingYear` and that reminder skipped.
 */
export function reminderTimers(
  deadlines: readonly { stream_id: string; deadline_id: string; due_at: string }[],
  days: readonly number[],
  now: Date,
  holidays: HolidayCalendar = nationalCalendar(),
  onMissingYear: (error: unknown) => void = () => undefined,
): ReminderTimer[] {
  const today = vietnamDate(now);
  const timers: ReminderTimer[] = [];
  for (const d of deadlines) {
    if (d.due_at < today) continue;
    for (const n of days) {
      try {
        const data = { streamId: d.stream_id, deadlineId: d.deadline_id, dueOn: d.due_at, days: n };
        timers.push({ id: reminderTimerId(data), dueAt: reminderInstant(d.due_at, n, holidays), data });
      } catch (error) {
        onMissingYear(error);
      }
    }
  }
  return timers;
}

export interface FireReminderOptions {
  sql: SqlClient;
  schema: string;
  now: Date;
  holidays?: HolidayCalendar;
}

/**
 * Fires one reminder: early → `{ retryAt }`; a deadline no longer open, due on another day, or already overdue →
 * nothing; otherwise the reminder rows to the inboxes holding the dossier (ids already written are left alone).
 * Returns the ids of the rows it wrote (to kick the relay).
 */
export async function fireReminder(
  options: FireReminderOptions,
  data: ReminderData,
): Promise<{ written: string[] } | { retryAt: string }> {
  const instant = reminderInstant(data.dueOn, data.days, options.holidays ?? nationalCalendar());
  if (options.now.getTime() < Date.parse(instant)) return { retryAt: instant };
  if (vietnamDate(options.now) > data.dueOn) return { written: [] };
  const s = q(options.schema);
  const { rows } = await options.sql.query<{ view: DossierView }>(
    `SELECT c.view FROM ${s}.deadlines d JOIN ${s}.checkpoints c ON c.stream_id = d.stream_id
      WHERE d.stream_id = $1 AND d.deadline_id = $2 AND d.state = 'open' AND d.due_at = $3 LIMIT 1`,
    [data.streamId, data.deadlineId, data.dueOn],
  );
  const view = rows[0]?.view;
  if (!view) return { written: [] };
  const reminders = reminderRows(
    view,
    { deadlineId: data.deadlineId, dueOn: data.dueOn },
    data.days,
    instant,
  );
  return { written: await insertNotifications(options.sql, reminders, options.schema) };
}

export interface ReminderSchedulerOptions {
  sql: SqlClient;
  schema: string;
  timers: ReminderTimerQueue;
  /** working days before the due day (`NOTIFY_REMINDER_DAYS`); empty: no reminders */
  days: readonly number[];
  now: () => Date;
  holidays?: HolidayCalendar;
  /** open deadlines per page; default 5000 */
  pageSize?: number;
  /** re-derive every this many ms (new deadlines get their timers then); default 5 min, 0: only when asked */
  reconcileIntervalMs?: number;
  onError?: (error: unknown) => void;
}

export interface ReminderScheduler {
  /** Schedules the reminder timers of every open deadline; returns how many were handed to the timers. */
  reconcile(): Promise<number>;
  close(): Promise<void>;
}

/** Keeps a pending timer for every reminder of every open deadline (see the module comment). */
export function createReminderScheduler(options: ReminderSchedulerOptions): ReminderScheduler {
  const s = q(options.schema);
  const pageSize = options.pageSize ?? 5000;
  let running: Promise<number> | undefined;
  const reconcileOnce = async (): Promise<number> => {
    if (options.days.length === 0) return 0;
    let scheduled = 0;
    let after: [string, string] = ['', ''];
    for (;;) {
      const { rows } = await options.sql.query<{ stream_id: string; deadline_id: string; due_at: string }>(
        `SELECT DISTINCT stream_id, deadline_id, due_at FROM ${s}.deadlines
          WHERE state = 'open' AND (stream_id, deadline_id) > ($1, $2)
          ORDER BY stream_id, deadline_id LIMIT ${Math.floor(pageSize)}`,
        after,
      );
      if (rows.length === 0) return scheduled;
      const timers = reminderTimers(rows, options.days, options.now(), options.holidays, options.onError);
      await options.timers.schedule(timers);
      scheduled += timers.length;
      const last = rows.at(-1)!;
      after = [last.stream_id, last.deadline_id];
    }
  };
  const reconcile = (): Promise<number> =>
    (running ??= reconcileOnce().finally(() => {
      running = undefined;
    }));
  const interval = options.reconcileIntervalMs ?? 300_000;
  const timer =
    interval > 0
      ? setInterval(() => void reconcile().catch((error: unknown) => options.onError?.(error)), interval)
      : undefined;
  timer?.unref();
  return {
    reconcile,
    async close() {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

export interface ReminderHandlerOptions {
  sql: SqlClient;
  schema: string;
  /** the injected clock */
  now: () => Date;
  holidays?: HolidayCalendar;
  /** called with the ids of the reminders a timer wrote (the relay mails them) */
  onWritten?: (ids: string[]) => void;
}

/**
 * A reminder timer's handler, in the shape of `@ntm/scheduler`'s `FireTimer`: early → fire again at the instant;
 * otherwise `fireReminder`, which writes each reminder once whatever the number of times its timer fires. The same
 * handler runs on BullMQ jobs (`REDIS_URL`: the projector's workers) and on process timers (the embedded API).
 */
export function reminderTimerHandler(
  options: ReminderHandlerOptions,
): (timer: { data: ReminderData }) => Promise<undefined | { retryAt: string }> {
  return async (timer) => {
    const outcome = await fireReminder(
      {
        sql: options.sql,
        schema: options.schema,
        now: options.now(),
        ...(options.holidays ? { holidays: options.holidays } : {}),
      },
      timer.data,
    );
    if ('retryAt' in outcome) return outcome;
    if (outcome.written.length > 0) options.onWritten?.(outcome.written);
    return undefined;
  };
}

/** The BullMQ queue of the reminder timers (`REDIS_URL` mode): the notification queue's name with `-reminders`. */
export const reminderQueueName = (notifyQueue: string): string => `${notifyQueue}-reminders`;
