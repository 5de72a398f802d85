/**
 * Tailing the global log: `subscribeToAll` loops, woken at once by this store's own appends and, from other
 * processes, by a NOTIFY on the store's channel (LISTEN on a connection of its own), with polling as a fallback.
 * NOTIFYs are coalesced to one per `notifyIntervalMs`, never dropped: an append during the pause is owed one more
 * when it ends. Where it can, the group INSERT about to go out carries the NOTIFY in its own statement (ADR 0043),
 * instead of a statement of its own: a round trip fewer per interval. That includes a lone writer's next append,
 * issued as its previous one returns: an owed NOTIFY waits for the INSERT in flight to settle and then one turn of
 * the event loop before it goes out on its own (ADR 0050). Reads of the tail are throttled to the same interval;
 * catching up a backlog is not.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { AllPage, ReadAllOptions, SubscribeOptions, Subscription } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import type { NotifyCarrier } from './groupCommit.js';

/**
 * The wake-up for other processes. pg_notify gives its transaction an id, so its commit would wait for a WAL flush
 * of its own (100 a second under steady appends, each delaying the appends' own flushes); committed asynchronously
 * (`set_config(..., true)` lasts until the commit) it does not. Nothing is lost by that: a notification carries no
 * data, it only tells listeners to read events whose own commits were flushed, and a crash loses the notification
 * at worst, which polling covers.
 */
const NOTIFY = `SELECT pg_notify($1, $2), set_config('synchronous_commit', 'off', true)`;

export interface LogSubscriptionsOptions {
  /** The store's client: LISTEN goes through it (and the INSERTs that carry a NOTIFY). */
  sql: SqlClient;
  /** Client for the subscriptions' reads and the NOTIFYs. */
  tailSql: SqlClient;
  channel: string;
  pollIntervalMs: number;
  notifyIntervalMs: number;
  readPage: (sql: SqlClient, options: ReadAllOptions) => Promise<AllPage>;
  /**
   * an INSERT of appends is in flight or queued: it or the next one can claim the NOTIFY (`claimNotify`), and
   * `insertSettled` is called once it has settled
   */
  insertPending?: () => boolean;
}

export class LogSubscriptions implements NotifyCarrier {
  private readonly wakers = new Set<() => void>();
  private readonly running = new Set<Promise<void>>();
  private stopListening: Promise<(() => Promise<void>) | undefined> | undefined;
  /** a NOTIFY sent on its own, or the pause after one (sent or carried) */
  private notifying: Promise<void> | undefined;
  /** an INSERT that claimed the NOTIFY is in flight */
  private carrying = false;
  /** appends committed that no NOTIFY sent or carried after their commit covers yet */
  private owed = false;
  private owedAtClaim = false;
  private notifyPause: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  /** the turn after which an owed NOTIFY that no INSERT has claimed goes out on its own (`sendUnlessCarried`) */
  private lastChance: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(private readonly options: LogSubscriptionsOptions) {}

  get channel(): string {
    return this.options.channel;
  }

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

  /**
   * Wake our own subscribers now, and other processes through a NOTIFY throttled to one per interval. `carried`:
   * the append's own INSERT carried the NOTIFY (`claimNotify`), committed with it, so only the pause starts.
   */
  appended(carried = false): void {
    this.wakeAll();
    if (!this.options.sql.listen) return;
    if (carried) {
      this.carrying = false;
      if (!this.notifying) this.notifying = this.pauseThenSendOwed();
      return;
    }
    this.owed = true;
    if (this.notifying || this.carrying) return;
    this.sendUnlessCarried();
  }

  /**
   * The NOTIFY is owed and due. An INSERT in flight or queued, or one issued within the turn after it settles (a
   * lone writer's next append: its caller issues it as the previous append returns), carries it: a round trip
   * fewer than a statement of its own, which at one writer was up to a third of the statements under load. Only
   * when none claims it by then does it go out on its own, at most one INSERT's round trip and one turn later than
   * before.
   */
  private sendUnlessCarried(): void {
    // Closed, no INSERT will follow (an append that was in flight when the store closed ends here).
    if (this.closed) return this.sendIfStillOwed();
    if (this.options.insertPending?.() === true || this.lastChance) return;
    this.lastChance = setImmediate(() => {
      this.lastChance = undefined;
      // Appends queued meanwhile (several writers woken by the same answer): their group's flush, due later in
      // this same phase, claims it.
      if (this.options.insertPending?.() === true) return;
      this.sendIfStillOwed();
    });
  }

  private sendIfStillOwed(): void {
    if (this.owed && !this.notifying && !this.carrying) this.notifying = this.sendOwed();
  }

  /** An INSERT has settled: a NOTIFY left to it that it did not carry gets its last chance (see above). */
  insertSettled(): void {
    if (this.owed && !this.notifying && !this.carrying) this.sendUnlessCarried();
  }

  /**
   * Called as an INSERT of appends is built: true when it should carry the NOTIFY (none sent or carried within the
   * interval). Committed with the appends, it wakes listeners exactly when they can read them; a group that fails
   * gives the claim back (`releaseNotify`).
   */
  claimNotify(): boolean {
    if (!this.options.sql.listen || this.closed || this.notifying || this.carrying) return false;
    // What committed before this INSERT is covered by its NOTIFY, delivered at its commit (owed again if it fails).
    this.owedAtClaim = this.owed;
    this.owed = false;
    this.carrying = true;
    return true;
  }

  /** The INSERT that carried the NOTIFY failed: nothing of it committed, but earlier appends may still be owed one. */
  releaseNotify(): void {
    this.carrying = false;
    if (this.owedAtClaim) this.owed = true;
    if (this.owed && !this.notifying) this.notifying = this.sendOwed();
  }

  /** NOTIFY on its own (async commit, see NOTIFY), then the pause, as long as appends keep owing one. */
  private async sendOwed(): Promise<void> {
    const { tailSql, channel } = this.options;
    this.owed = false;
    await tailSql.query(NOTIFY, [channel, ''], { prepare: true }).catch(() => undefined);
    await this.pauseThenSendOwed();
  }

  /**
   * The interval's pause; appends that committed meanwhile are owed a NOTIFY at its end, carried by the next INSERT
   * when one goes out soon enough, else sent on its own (`sendUnlessCarried`).
   */
  private async pauseThenSendOwed(): Promise<void> {
    if (!this.closed) {
      await new Promise<void>((resolve) => {
        this.notifyPause = { timer: setTimeout(resolve, this.options.notifyIntervalMs), resolve };
      });
      this.notifyPause = undefined;
    }
    this.notifying = undefined;
    if (!this.owed || this.closed) return;
    this.sendUnlessCarried();
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
    // A NOTIFY still waiting for an INSERT to carry it will not get one now: send it before closing.
    if (this.lastChance) {
      clearImmediate(this.lastChance);
      this.lastChance = undefined;
      this.sendIfStillOwed();
    }
    await this.notifying;
    const stop = await this.stopListening;
    await stop?.();
  }
}
