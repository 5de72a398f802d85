/**
 * Checkpoints at intervals, taken by one process among the replicas: every `everyEvents` events or every
 * `everyMinutes` minutes since the last checkpoint (whichever comes first, and only when the log has moved). Each
 * `tick()` (the service calls it every AUDIT_CHECKPOINT_SECONDS) takes a lease in SQL, renewed a third of the way
 * through; only its holder looks at the log and signs, the others stand by and take over once the holder's lease
 * runs out. Even two takers at once (clocks apart) store a checkpoint once: its `seq` is the table's key. Time is
 * the injected clock's.
 *
 * The holder keeps the Merkle tree from the latest checkpoint on between ticks, so each tick reads and hashes only
 * the events appended since the one before (in pages that give way to the event loop, checkpoints.ts), and a due
 * checkpoint signs that tree without reading the log again. Before, every tick read up to N events to count them
 * and a due one read them all again: in the dossier service that held commands up 100-150 ms every 15 s under load.
 */
import type { EventStore } from '@ntm/event-store';
import {
  extendTree,
  storeCheckpoint,
  treeAfter,
  type CheckpointStore,
  type LogTree,
  type SignedCheckpoint,
} from './checkpoints.js';
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
  /** how long a lease lasts without a renewal */
  leaseMs: number;
  /**
   * The holder renews its lease once this long has passed since it last did (default a third of `leaseMs`), not at
   * every look: looks come every second and read only, so an idle deployment does not write the lease row each one.
   */
  renewMs?: number;
  /** leaves per read of the log (checkpoints.ts's LEAF_PAGE by default) */
  pageSize?: number;
}

export type TickResult =
  | { role: 'standby' }
  | { role: 'taker'; taken: SignedCheckpoint; reason: 'events' | 'minutes' }
  | { role: 'taker'; taken?: undefined; pending: number };

export class AutoCheckpointer {
  /** when this process first held the lease: the clock of "every M minutes" before any checkpoint exists */
  #since: Date | undefined;
  /** while this process holds the lease: when (epoch ms) to renew it next */
  #renewAt: number | undefined;
  /** while this process holds the lease: the tree from checkpoint `base` (its seq, 0 for none) to the log's end */
  #log: (LogTree & { base: number }) | undefined;

  constructor(private readonly options: AutoCheckpointerOptions) {}

  async tick(): Promise<TickResult> {
    const o = this.options;
    const now = o.now();
    if (this.#renewAt === undefined || now.getTime() >= this.#renewAt) {
      if (!(await o.checkpoints.takeLease(o.holder, now, new Date(now.getTime() + o.leaseMs)))) {
        this.#since = undefined;
        this.#renewAt = undefined;
        this.#log = undefined;
        return { role: 'standby' };
      }
      this.#renewAt = now.getTime() + (o.renewMs ?? o.leaseMs / 3);
    }
    this.#since ??= now;
    const latest = await o.checkpoints.latest();
    // A checkpoint stored since the last tick (by hand, or by a holder before this one) is where the tree restarts.
    const base = latest?.body.seq ?? 0;
    if (this.#log?.base !== base) this.#log = { base, ...treeAfter(latest) };
    const log = this.#log;
    await extendTree(o.store, log, o.pageSize);
    // By count, not by position, since positions are byte offsets in EventStoreDB.
    const pending = log.tree.count - (latest?.body.count ?? 0);
    const age = now.getTime() - (latest ? Date.parse(latest.body.createdAt) : this.#since.getTime());
    const reason =
      o.everyEvents > 0 && pending >= o.everyEvents
        ? 'events'
        : o.everyMinutes > 0 && pending > 0 && age >= o.everyMinutes * 60_000
          ? 'minutes'
          : undefined;
    if (reason === undefined) return { role: 'taker', pending };
    const taken = await storeCheckpoint({
      checkpoints: o.checkpoints,
      signer: o.signer,
      now,
      previous: latest,
      log,
    });
    if (!taken) {
      // Another process stored this seq first: the next tick starts again from the stored one.
      this.#log = undefined;
      return { role: 'taker', pending };
    }
    log.base = taken.body.seq;
    return { role: 'taker', taken, reason };
  }
}
