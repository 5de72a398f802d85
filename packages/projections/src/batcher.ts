/**
 * Group commit for catch-ups: wake-ups issued in one turn of the event loop, and those that arrive while a batch
 * is being written, go together in the next batch, which applies all of them in one transaction
 * (`catchUpStreams`). Under light load a batch holds one stream and costs
 * what `catchUpStream` costs; under heavy load the cost of a transaction is shared by every stream that arrived
 * meanwhile, so throughput rises with load instead of latency.
 */
import type { AppendedEvent, EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import {
  catchUpStreams,
  type CatchUpOptions,
  type CatchUpResult,
  type HeldStream,
  type Holding,
  type StreamOutcome,
} from './catchUpStream.js';
import type { DossierView } from './dossierView.js';

export interface CatchUpBatcherOptions extends CatchUpOptions {
  /** streams per transaction at most; default 200 */
  maxBatch?: number;
  /** streams whose last written checkpoint and view are kept to fold their writer's own events; default 1,000 */
  maxHeld?: number;
}

export interface CatchUpBatcher {
  /**
   * Catches `streamId` up in the next batch; rejects with that stream's own error. `appended`: the stream's events
   * the caller has in hand (its own appends, or a wake-up's), in order; when they follow the checkpoint this batcher
   * last wrote for the stream, they are folded without reading (ADR 0041); otherwise only the stored checkpoint is
   * read, and the stream too only when they do not follow it (ADR 0042). Without them the stream is read.
   */
  catchUp(streamId: string, appended?: readonly AppendedEvent[]): Promise<CatchUpResult>;
}

interface Waiter {
  resolve: (result: CatchUpResult) => void;
  reject: (error: unknown) => void;
}

interface Waiting {
  waiters: Waiter[];
  /** the events the wake-ups brought; undefined once one came without them (then the stream is read) */
  appended: AppendedEvent[] | undefined;
}

/**
 * One batch at a time per process, so a stream is never caught up twice at once here (two would make one of them
 * write for nothing and read again). A second batch in flight was measured slower on the 2-core machine: it is
 * short of CPU, not of concurrency.
 */
export function createCatchUpBatcher(
  store: EventStore,
  sql: SqlClient,
  options: CatchUpBatcherOptions = {},
): CatchUpBatcher {
  const maxBatch = options.maxBatch ?? 200;
  const maxHeld = options.maxHeld ?? 1000;
  const waiting = new Map<string, Waiting>();
  let draining = false;
  /**
   * The checkpoint and view this batcher last wrote, for streams whose wake-ups bring their events (least recently
   * written first, for eviction). The view is a JSON copy, as a read would give it back.
   */
  const held = new Map<string, { checkpoint: bigint; view: DossierView }>();

  /** One batch; when the batch as a whole fails, each stream runs alone so that one bad stream fails alone. */
  const run = async (ids: string[], holding: Holding): Promise<Map<string, StreamOutcome>> => {
    try {
      return await catchUpStreams(store, sql, ids, options, holding);
    } catch (error) {
      if (ids.length === 1) return new Map([[ids[0]!, { ok: false, error }]]);
      const alone = await Promise.all(ids.map((id) => run([id], holding)));
      return new Map(alone.flatMap((outcomes) => [...outcomes]));
    }
  };

  /**
   * A batch's holding: the held streams whose brought events follow the held checkpoint exactly; and what it
   * writes of streams whose wake-ups brought their events is held next (all others are forgotten).
   */
  const holdingOf = (batch: string[], entries: Waiting[]): Holding => {
    const holding = new Map<string, HeldStream>();
    const brought = new Map<string, AppendedEvent[]>();
    batch.forEach((id, i) => {
      const events = entries[i]!.appended?.sort((a, b) => (a.revision < b.revision ? -1 : 1));
      const hold = held.get(id);
      held.delete(id);
      if (!events?.length) return;
      if (hold && events.every((e, k) => e.revision === hold.checkpoint + 1n + BigInt(k))) {
        holding.set(id, { ...hold, events });
      } else {
        // Not held, or held at another revision (another worker wrote it meanwhile): read the checkpoint only.
        brought.set(id, events);
      }
    });
    const bringing = new Set(batch.filter((_, i) => entries[i]!.appended !== undefined));
    return {
      held: holding,
      brought,
      wrote(id, checkpoint, view) {
        if (!bringing.has(id)) return;
        held.set(id, { checkpoint, view: JSON.parse(JSON.stringify(view)) as DossierView });
        if (held.size > maxHeld) held.delete(held.keys().next().value!);
      },
    };
  };

  const drain = async (): Promise<void> => {
    while (waiting.size > 0) {
      const batch = [...waiting.keys()].slice(0, maxBatch);
      const entries = batch.map((id) => {
        const entry = waiting.get(id)!;
        waiting.delete(id);
        return entry;
      });
      const outcomes = await run(batch, holdingOf(batch, entries));
      batch.forEach((id, i) => {
        const outcome = outcomes.get(id)!;
        for (const waiter of entries[i]!.waiters) {
          if (outcome.ok) waiter.resolve(outcome.value);
          else waiter.reject(outcome.error);
        }
      });
    }
    draining = false;
  };

  return {
    catchUp(streamId, appended) {
      return new Promise<CatchUpResult>((resolve, reject) => {
        const entry = waiting.get(streamId) ?? { waiters: [], appended: appended && [] };
        entry.waiters.push({ resolve, reject });
        entry.appended = appended && entry.appended && [...entry.appended, ...appended];
        waiting.set(streamId, entry);
        if (draining) return;
        draining = true;
        // The first batch starts once the current turn of the event loop is over, so that the wake-ups issued in
        // one turn (the appends of one group commit are answered together) go in one batch, as in ADR 0008.
        setImmediate(() => void drain());
      });
    },
  };
}
