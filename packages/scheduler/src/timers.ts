/**
 * The timer port: "call me back at this instant", with two adapters behind it: BullMQ delayed jobs (the projector
 * side, `REDIS_URL` mode: timers survive every process) and process timers (the embedded default: timers live as
 * long as the process, and are derived again from the read models when it starts).
 *
 * The contract every adapter keeps, and what the deadline scheduler relies on:
 * - A timer is named by a deterministic `id`: scheduling an id already pending changes nothing (duplicates collapse).
 * - A timer may fire more than once, late, or (clock skew, a changed due instant) early: the handler decides on
 *   the current state and is idempotent. It answers `{ retryAt }` to be fired again at that instant.
 * - A handler that throws is retried (the adapter's backoff); a timer is removed once its handler returned.
 * - Nothing is promised across a lost timer store (Redis wiped, process restarted): whoever schedules re-derives
 *   its pending timers from its own source of truth (the deadline scheduler: the deadlines read model).
 */

/** One timer; `data` is plain JSON (BullMQ stores it as such). */
export interface Timer<T = unknown> {
  id: string;
  /** ISO instant at which it is due */
  dueAt: string;
  data: T;
}

/** What a handler answers: done, or fire again at `retryAt` (an ISO instant). */
export type FireOutcome = undefined | { retryAt: string };

export type FireTimer<T> = (timer: Timer<T>) => Promise<FireOutcome>;

/** The scheduling side. */
export interface TimerQueue<T> {
  /** Schedules timers; an id already pending keeps its timer. */
  schedule(timers: readonly Timer<T>[]): Promise<void>;
  close(): Promise<void>;
}

/** The firing side: calls the handler for every timer that is due. */
export interface TimerWorker {
  close(): Promise<void>;
}

/** The injected clock (never `Date.now()` in decisions). */
export interface Clock {
  now(): Date;
}

/** Milliseconds from `now` until `dueAt`; 0 when already due. */
export const delayUntil = (dueAt: string, now: Date): number =>
  Math.max(0, Date.parse(dueAt) - now.getTime());
