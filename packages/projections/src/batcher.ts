/**
 * Group commit for catch-ups: wake-ups issued in one turn of the event loop, and those that arrive while a batch
 * is being written, go together in the next batch, which applies all of them in one transaction
 * (`catchUpStreams`). Under light load a batch holds one stream and costs
 * what `catchUpStream` costs; under heavy load the cost of a transaction is shared by every stream that arrived
 * meanwhile, so throughput rises with load instead of latency.
 */
import type { EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import {
  catchUpStreams,
  type CatchUpOptions,
  type CatchUpResult,
  type StreamOutcome,
} from './catchUpStream.js';

export interface CatchUpBatcherOptions extends CatchUpOptions {
  /** streams per transaction at most; default 200 */
  maxBatch?: number;
}

export interface CatchUpBatcher {
  /** Catches `streamId` up in the next batch; rejects with that stream's own error. */
  catchUp(streamId: string): Promise<CatchUpResult>;
}

interface Waiter {
  resolve: (result: CatchUpResult) => void;
  reject: (error: unknown) => void;
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
  const waiting = new Map<string, Waiter[]>();
  let draining = false;

  /** One batch; when the batch as a whole fails, each stream runs alone so that one bad stream fails alone. */
  const run = async (ids: string[]): Promise<Map<string, StreamOutcome>> => {
    try {
      return await catchUpStreams(store, sql, ids, options);
    } catch (error) {
      if (ids.length === 1) return new Map([[ids[0]!, { ok: false, error }]]);
      const alone = await Promise.all(ids.map((id) => run([id])));
      return new Map(alone.flatMap((outcomes) => [...outcomes]));
    }
  };

  const drain = async (): Promise<void> => {
    while (waiting.size > 0) {
      const batch = [...waiting.keys()].slice(0, maxBatch);
      const waiters = batch.map((id) => {
        const list = waiting.get(id)!;
        waiting.delete(id);
        return list;
      });
      const outcomes = await run(batch);
      batch.forEach((id, i) => {
        const outcome = outcomes.get(id)!;
        for (const waiter of waiters[i]!) {
          if (outcome.ok) waiter.resolve(outcome.value);
          else waiter.reject(outcome.error);
        }
      });
    }
    draining = false;
  };

  return {
    catchUp(streamId) {
      return new Promise<CatchUpResult>((resolve, reject) => {
        const list = waiting.get(streamId) ?? [];
        list.push({ resolve, reject });
        waiting.set(streamId, list);
        if (draining) return;
        draining = true;
        // The first batch starts once the current turn of the event loop is over, so that the wake-ups issued in
        // one turn (the appends of one group commit are answered together) go in one batch, as in ADR 0008.
        setImmediate(() => void drain());
      });
    },
  };
}
