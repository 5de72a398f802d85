/**
 * Checkpoints at intervals, taken by one process among the replicas: every `everyEvents` events or every
 * `everyMinutes` minutes since the last checkpoint (whichever comes first, and only when the log has moved). Each
 * `tick()` (the service calls it every AUDIT_CHECKPOINT_SECONDS) takes or renews a lease in SQL; only its holder
 * looks at the log and signs, the others stand by and take over once the holder's lease runs out. Even two takers
 * at once (clocks apart) store a checkpoint once: its `seq` is the table's key. Time is the injected clock's.
 */
import type { EventStore } from '@ntm/event-store';
import { makeCheckpoint, readLeaves, type CheckpointStore, type SignedCheckpoint } from './checkpoints.js';
import type { AuditSigner } from './keys.js';

export interface AutoCheckpointerOptions {
  store: EventStore;
  checkpoints: CheckpointStore;
  signer: AuditSigner;
  now: () => Date;
  /** a checkpoint once this many events are past the last one; 0: never by count */
  everyEvents: number;
  /** a checkpoint once the last one is this old and the log has moved; 0: never by time */
  everyMinutes: number;
  /** this process, as the lease names it (host and pid, say) */
  holder: string;
  /** how long a lease lasts without a renewal: a few ticks */
  leaseMs: number;
}

export type TickResult =
  | { role: 'standby' }
  | { role: 'taker'; taken: SignedCheckpoint; reason: 'events' | 'minutes' }
  | { role: 'taker'; taken?: undefined; pending: number };

export class AutoCheckpointer {
  /** when this process first held the lease: the clock of "every M minutes" before any checkpoint exists */
  #since: Date | undefined;

  constructor(private readonly options: AutoCheckpointerOptions) {}

  async tick(): Promise<TickResult> {
    const o = this.options;
    const now = o.now();
    if (!(await o.checkpoints.takeLease(o.holder, now, new Date(now.getTime() + o.leaseMs)))) {
      this.#since = undefined;
      return { role: 'standby' };
    }
    this.#since ??= now;
    const latest = await o.checkpoints.latest();
    // How many events are past the last checkpoint, counted up to the threshold only (the checkpoint reads them
    // anyway): by count, not by position, since positions are byte offsets in EventStoreDB.
    const probe = await readLeaves(o.store, {
      after: latest ? BigInt(latest.body.position) : 0n,
      limit: Math.max(o.everyEvents, 1),
    });
    const pending = probe.leaves.length;
    const age = now.getTime() - (latest ? Date.parse(latest.body.createdAt) : this.#since.getTime());
    const reason =
      o.everyEvents > 0 && pending >= o.everyEvents
        ? 'events'
        : o.everyMinutes > 0 && pending > 0 && age >= o.everyMinutes * 60_000
          ? 'minutes'
          : undefined;
    if (reason === undefined) return { role: 'taker', pending };
    const taken = await makeCheckpoint({ store: o.store, checkpoints: o.checkpoints, signer: o.signer, now });
    return taken ? { role: 'taker', taken, reason } : { role: 'taker', pending };
  }
}
