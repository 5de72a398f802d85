/**
 * Reads of many streams gathered into one `readStreams` round trip, for the deadline worker: every deadline of a
 * day turns overdue at 00:00 in Vietnam, so a burst of timers fires at once and each firing reads its dossier. The
 * reads asked while one round trip is in flight go out together in the next (group commit, as the store does for
 * appends: ADR 0008), so a lone read waits for nothing and a burst costs a few queries instead of one per deadline.
 * A stream asked twice waits for the next round trip (`readStreams` takes each stream once per call).
 */
import type { EventStore, ReadStreamOptions, RecordedEvent } from '@ntm/event-store';

interface PendingRead {
  streamId: string;
  fromRevision: bigint;
  resolve: (events: RecordedEvent[]) => void;
  reject: (error: unknown) => void;
}

/** Most streams in one round trip. */
const MAX_BATCH = 256;

/** `store` with `readStream` batched (reads with `maxCount` go alone); every other method is the store's own. */
export function withBatchedReads(store: EventStore): EventStore {
  let pending: PendingRead[] = [];
  let inFlight = false;

  const flush = async (): Promise<void> => {
    inFlight = true;
    const batch: PendingRead[] = [];
    const rest: PendingRead[] = [];
    const streams = new Set<string>();
    for (const read of pending) {
      if (batch.length < MAX_BATCH && !streams.has(read.streamId)) {
        streams.add(read.streamId);
        batch.push(read);
      } else rest.push(read);
    }
    pending = rest;
    try {
      const read = await store.readStreams(
        batch.map((r) => ({ streamId: r.streamId, fromRevision: r.fromRevision })),
      );
      for (const r of batch) r.resolve(read.get(r.streamId) ?? []);
    } catch (error) {
      for (const r of batch) r.reject(error);
    } finally {
      inFlight = false;
      if (pending.length > 0) void flush();
    }
  };

  const readStream = (streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> => {
    if (options.maxCount !== undefined) return store.readStream(streamId, options);
    return new Promise((resolve, reject) => {
      pending.push({ streamId, fromRevision: options.fromRevision ?? 0n, resolve, reject });
      if (!inFlight) void flush();
    });
  };

  return new Proxy(store, {
    get(target, property) {
      if (property === 'readStream') return readStream;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
