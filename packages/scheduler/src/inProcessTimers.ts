/**
 * Timers as process timers (the embedded default and any deployment without Redis): the same port and handler as
 * the BullMQ adapter, for a process that both schedules and fires. Timers live as long as the process; a restart
 * loses them and the deadline scheduler's start-up reconcile sets them again from the read model.
 *
 * Node's `setTimeout` holds at most 2^31-1 ms (24.8 days) and deadlines run for weeks: a longer wait is cut into
 * such steps (the handler is only called once the clock says the instant has come). A handler that throws is
 * tried again after a growing pause (1 s, doubling, at most 5 minutes).
 */
import {
  delayUntil,
  type Clock,
  type FireTimer,
  type Timer,
  type TimerQueue,
  type TimerWorker,
} from './timers.js';

const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const MAX_BACKOFF_MS = 5 * 60_000;

export interface InProcessTimers<T> extends TimerQueue<T>, TimerWorker {
  /** ids of the timers pending (for operators and tests) */
  pending(): string[];
}

export function inProcessTimers<T>(
  clock: Clock,
  fire: FireTimer<T>,
  onError: (error: unknown, timer: Timer<T>) => void = () => undefined,
): InProcessTimers<T> {
  const armed = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let closed = false;

  const arm = (timer: Timer<T>, waitMs: number, failures: number): void => {
    const handle = setTimeout(() => {
      // Cut into steps: fire only once the clock has reached the instant.
      if (delayUntil(timer.dueAt, clock.now()) > 0 && waitMs >= MAX_TIMEOUT_MS) {
        arm(timer, Math.min(delayUntil(timer.dueAt, clock.now()), MAX_TIMEOUT_MS), failures);
        return;
      }
      const run = fire(timer)
        .then(
          (outcome) => {
            armed.delete(timer.id);
            if (outcome && !closed) schedule({ ...timer, dueAt: outcome.retryAt });
          },
          (error: unknown) => {
            onError(error, timer);
            if (!closed) arm(timer, Math.min(1000 * 2 ** failures, MAX_BACKOFF_MS), failures + 1);
          },
        )
        .finally(() => running.delete(run));
      running.add(run);
    }, waitMs);
    handle.unref();
    armed.set(timer.id, handle);
  };

  const schedule = (timer: Timer<T>): void => {
    if (closed || armed.has(timer.id)) return;
    arm(timer, Math.min(delayUntil(timer.dueAt, clock.now()), MAX_TIMEOUT_MS), 0);
  };

  return {
    schedule(timers) {
      for (const timer of timers) schedule(timer);
      return Promise.resolve();
    },
    pending: () => [...armed.keys()],
    async close() {
      closed = true;
      for (const handle of armed.values()) clearTimeout(handle);
      armed.clear();
      await Promise.all(running);
    },
  };
}
