/**
 * Reads of many streams gathered into one `readStreams` round trip, for the deadline worker: every deadline of a
 * day turns overdue at 00:00 in Vietnam, so a burst of timers fires at once and each firing reads its dossier. The
 * reads asked while one round trip is in flight go out together in the next (`shareRoundTrips`, ADR 0064), so a
 * lone read waits for nothing and a burst costs a few queries instead of one per deadline. A stream asked twice in
 * one round trip is read once, from the lower of the two revisions.
 */
import { shareRoundTrips } from '@ntm/application';
import type { EventStore, ReadStreamOptions, RecordedEvent, StreamRead } from '@ntm/event-store';

/** Most reads in one round trip. */
const MAX_BATCH = 256;

/** One `readStreams` call for `reads`, each stream once; each read answered from its own revision. */
async function readTogether(store: EventStore, reads: StreamRead[]): Promise<RecordedEvent[][]> {
  const from = new Map<string, bigint>();
  for (const { streamId, fromRevision } of reads) {
    const known = from.get(streamId);
    if (known === undefined || fromRevision < known) from.set(streamId, fromRevision);
  }
  const read = await store.readStreams(
    [...from].map(([streamId, fromRevision]) => ({ streamId, fromRevision })),
  );
  // Each read gets an array of its own, as a call of its own would give it.
  return reads.map(({ streamId, fromRevision }) =>
    (read.get(streamId) ?? []).filter((e) => e.revision >= fromRevision),
  );
}

/** `store` with `readStream` batched (reads with `maxCount` go alone); every other method is the store's own. */
export function withBatchedReads(store: EventStore): EventStore {
  const readShared = shareRoundTrips((reads: StreamRead[]) => readTogether(store, reads), MAX_BATCH);

  const readStream = (streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> => {
    if (options.maxCount !== undefined) return store.readStream(streamId, options);
    return readShared({ streamId, fromRevision: options.fromRevision ?? 0n });
  };

  return new Proxy(store, {
    get(target, property) {
      if (property === 'readStream') return readStream;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
