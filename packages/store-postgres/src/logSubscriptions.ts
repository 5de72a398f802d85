/**
 * Tailing the global log: `subscribeToAll` loops, woken at once by this store's own appends and, from other
 * processes, by a NOTIFY on the store's channel (LISTEN on a connection of its own), with polling as a fallback.
 * NOTIFYs are coalesced to one per `notifyIntervalMs`, never dropped: an append during the pause sends one more
 * when it ends. Reads of the tail are throttled to the same interval; catching up a backlog is not.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { AllPage, ReadAllOptions, SubscribeOptions, Subscription } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';

/**
 * The wake-up for other processes. pg_notify gives its transaction an id, so its commit would wait for a WAL flush
 * of its own (100 a second under steady appends, each delaying the appends' own flushes); committed asynchronously
 * (`set_config(..., true)` lasts until the commit) it does not. Nothing is lost by that: a notification carries no
 * data, it only tells listeners to read events whose own commits were flushed, and a crash loses the notification
 * at worst, which polling covers.
 */
const NOTIFY = `SELECT pg_notify($1, $2), set_config('synchronous_commit', 'off', true)`;

export interface LogSubscriptionsOptions {
  /** The store's client: LISTEN goes through it. */
  sql: SqlClient;
  /** Client for the subscriptions' reads and the NOTIFYs. */
  tailSql: SqlClient;
  channel: string;
  pollIntervalMs: number;
  notifyIntervalMs: number;
  readPage: (sql: SqlClient, options: ReadAllOptions) => Promise<AllPage>;
}

export class LogSubscriptions {
  private readonly wakers = new Set<() => void>();
  private readonly running = new Set<Promise<void>>();
  private stopListening: Promise<(() => Promise<void>) | undefined> | undefined;
  private notifying: Promise<void> | undefined;
  private notifyAgain = false;
  private notifyPause: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private closed = false;

  constructor(private readonly options: LogSubscriptionsOptions) {}

  /**
   * Deliver the global log in order from `after`, then tail it. A failing read is reported to onError and
   * retried; a failing onEvent is reported and ends the subscription (the event is never skipped silently).
   */
  subscribe(options: SubscribeOptions): Subscription {
    const { tailSql, pollIntervalMs, notifyIntervalMs, readPage } = this.options;
    let checkpoint = options.after ?? 0n;
    let stopped = false;
    let pending = false;
    let resolveWait: (() => void) | undefined;
    const wake = () => {
      pending = true;
      resolveWait?.();
    };
    const waitForWake = async () => {
      if (pending || stopped || this.closed) {
        pending = false;
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollIntervalMs);
        function done() {
          clearTimeout(timer);
          resolveWait = undefined;
          pending = false;
          resolve();
        }
        resolveWait = done;
      });
    };
    this.wakers.add(wake);
    this.ensureListening();
    /** when the last read of the tail started (catching up a backlog is not throttled) */
    let tailReadAt = Number.NEGATIVE_INFINITY;
    const loop = async () => {
      // Closing the store ends its subscriptions too.
      while (!stopped && !this.closed) {
        const sinceTailRead = performance.now() - tailReadAt;
        if (sinceTailRead < notifyIntervalMs) await delay(notifyIntervalMs - sinceTailRead);
        const startedAt = performance.now();
        let page: AllPage;
        try {
          page = await readPage(tailSql, { after: checkpoint, limit: 500 });
        } catch (error) {
          if (stopped || this.closed) return;
          options.onError?.(error);
          await waitForWake();
          continue;
        }
        for (const event of page.events) {
          if (stopped || this.closed) return;
          try {
            await options.onEvent(event);
          } catch (error) {
            options.onError?.(error);
            stopped = true;
            return;
          }
          checkpoint = event.position;
        }
        if (page.isEnd) {
          tailReadAt = startedAt;
          await waitForWake();
        }
      }
    };
    const done = loop().finally(() => {
      this.wakers.delete(wake);
      this.running.delete(done);
    });
    this.running.add(done);
    return {
      close: async () => {
        stopped = true;
        wake();
        await done;
      },
    };
  }

  private wakeAll(): void {
    for (const wake of this.wakers) wake();
  }

  private ensureListening(): void {
    const { sql, channel } = this.options;
    if (this.stopListening || !sql.listen) return;
    // Commits between a subscriber's first read and LISTEN taking effect sent their NOTIFY to nobody: read again
    // once it is in place.
    this.stopListening = sql
      .listen(channel, () => this.wakeAll())
      .then(
        (stop) => {
          this.wakeAll();
          return stop;
        },
        () => undefined, // polling still delivers; a wake-up channel is an optimisation
      );
  }

  /** Wake our own subscribers now, and other processes through a NOTIFY throttled to one per interval. */
  appended(): void {
    this.wakeAll();
    const { sql, tailSql, channel, notifyIntervalMs } = this.options;
    if (!sql.listen) return;
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = (async () => {
      do {
        this.notifyAgain = false;
        await tailSql.query(NOTIFY, [channel, ''], { prepare: true }).catch(() => undefined);
        if (this.closed) break;
        await new Promise<void>((resolve) => {
          this.notifyPause = { timer: setTimeout(resolve, notifyIntervalMs), resolve };
        });
        this.notifyPause = undefined;
      } while (this.notifyAgain && !this.closed);
      this.notifying = undefined;
    })();
  }

  /** Ends every subscription, the NOTIFY pause and LISTEN. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    await Promise.all([...this.running]);
    if (this.notifyPause) {
      clearTimeout(this.notifyPause.timer);
      this.notifyPause.resolve();
    }
    await this.notifying;
    const stop = await this.stopListening;
    await stop?.();
  }
}
