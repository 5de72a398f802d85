/**
 * Holding a lease while alive: one process of a pair leads (the dispatcher), the other stands by and takes over
 * within a lease's time when the leader dies, and at once when it shuts down cleanly (ADR 0030). `tick()` takes or
 * renews the lease; `lead` calls it every `renewMs` on a timer, and tests call it directly.
 */
import type { Lease } from './lease.js';

export interface LeadershipOptions {
  lease: Lease;
  /** this process, as the lease names it (host, pid and a random part) */
  holder: string;
  /** how long the lease lasts without a renewal: a dead leader is replaced after at most this */
  ttlMs: number;
  /** how often to renew (well under `ttlMs`); 0: no timer, the caller ticks */
  renewMs: number;
  /** became the leader, with its fencing token; what leading means starts here */
  onLead(token: bigint): Promise<void>;
  /** no longer the leader (lease lost, taken over, database unreachable, or closing): stop at once */
  onLose(): Promise<void>;
  onError?: (error: unknown) => void;
}

export interface Leadership {
  /** one round: take or renew the lease, and start or stop leading accordingly */
  tick(): Promise<void>;
  /** the token while leading, else null */
  token(): bigint | null;
  /** step down now (the leader found itself fenced off); the next tick may lead again with a new token */
  stepDown(): Promise<void>;
  /** stop ticking, step down and release the lease so a standby takes over at once */
  close(): Promise<void>;
}

export function lead(o: LeadershipOptions): Leadership {
  let token: bigint | null = null;
  let running: Promise<void> | undefined;
  let closed = false;
  const lose = async () => {
    if (token === null) return;
    token = null;
    await o.onLose();
  };
  const round = async () => {
    if (closed) return;
    let got: bigint | null;
    try {
      got = await o.lease.acquire(o.holder, o.ttlMs);
    } catch (error) {
      // Unable to renew: the lease may run out any moment, so stop leading rather than risk two leaders.
      o.onError?.(error);
      got = null;
    }
    if (got !== token) await lose();
    if (got !== null && token === null && !closed) {
      token = got;
      await o.onLead(got);
    }
  };
  // Rounds never overlap: a caller arriving meanwhile waits for the one in progress.
  const tick = () => (running ??= round().finally(() => (running = undefined)));
  const timer =
    o.renewMs > 0
      ? setInterval(() => void tick().catch((e: unknown) => o.onError?.(e)), o.renewMs)
      : undefined;
  timer?.unref();
  return {
    tick,
    token: () => token,
    stepDown: async () => {
      await running;
      await lose();
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await running;
      await lose();
      await o.lease.release(o.holder).catch((e: unknown) => o.onError?.(e));
    },
  };
}
