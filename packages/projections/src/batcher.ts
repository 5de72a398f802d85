/**
 * Group commit for catch-ups: wake-ups that arrive while a batch is being written wait for the next batch, which
 * applies all of them in one transaction (`catchUpStreams`). Under light load a batch holds one stream and costs
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
  /**
   * batches written at once; default 1. With 2, while one batch waits on PostgreSQL the next is already on its way: on a
   * busy machine most of a batch's time is waiting, not work. A stream is never in two batches at once.
   */
  maxInFlight?: number;
}

export interface CatchUpBatcher {
  /** Catches `streamId` up in the next batch; rejects with that stream's own error. */
  catchUp(streamId: string): Promise<CatchUpResult>;
}

interface Waiter {
  resolve: (result: CatchUpResult) => void;
  reject: (error: unknown) => void;
}

export function createCatchUpBatcher(
  store: EventStore,
  sql: SqlClient,
  options: CatchUpBatcherOptions = {},
): CatchUpBatcher {
  const maxBatch = options.maxBatch ?? 200;
  const maxInFlight = options.maxInFlight ?? 1;
  const waiting = new Map<string, Waiter[]>();
  const inFlight = new Set<string>();
  let batches = 0;

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

  const startBatches = (): void => {
    while (batches < maxInFlight) {
      const batch = [...waiting.keys()].filter((id) => !inFlight.has(id)).slice(0, maxBatch);
      if (batch.length === 0) return;
      const waiters = batch.map((id) => {
        const list = waiting.get(id)!;
        waiting.delete(id);
        inFlight.add(id);
        return list;
      });
      batches += 1;
      void run(batch).then((outcomes) => {
        batches -= 1;
        batch.forEach((id, i) => {
          inFlight.delete(id);
          const outcome = outcomes.get(id)!;
          for (const waiter of waiters[i]!) {
            if (outcome.ok) waiter.resolve(outcome.value);
            else waiter.reject(outcome.error);
          }
        });
        startBatches();
      });
    }
  };

  return {
    catchUp(streamId) {
      return new Promise<CatchUpResult>((resolve, reject) => {
        const list = waiting.get(streamId) ?? [];
        list.push({ resolve, reject });
        waiting.set(streamId, list);
        startBatches();
      });
    },
  };
}
