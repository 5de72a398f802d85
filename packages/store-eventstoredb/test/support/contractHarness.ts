/**
 * The shared contract suite's harness for EventStoreDB/KurrentDB. Each harness writes under its own stream-name
 * namespace `ntm-<uuid>-`, so runs can share one server, and soft-deletes what it wrote when disposed.
 *
 * ESDB events are immutable, so `tamper` cannot edit a stored event. Instead it takes the stream as the port
 * presents it, applies the change to that list, and writes the result with the raw client, with no hash
 * computation, to a forged copy `forged-<uuid>-<n>-<streamId>` that keeps each event's original revision,
 * position and recording time in its metadata. From then on the harness store's `readStream` of that stream id
 * reads the forged copy: `verifyChain` sees what an attacker with write access would have left. Forged copies
 * lie outside the run's namespace, so its `$all` reads never see them. See docs/adr/0002-eventstoredb-adapter.md.
 */
import { randomUUID } from 'node:crypto';
import { FORWARDS, NO_STREAM } from '@eventstore/db-client';
import type { ResolvedEvent } from '@eventstore/db-client';
import { EventStoreError, validateStreamReads } from '@ntm/event-store';
import type { ContractHarness } from '@ntm/testing';
import type { EventStore, Json, ReadStreamOptions, RecordedEvent } from '@ntm/event-store';
import { openEventStoreDb } from '../../src/EventStoreDbEventStore.js';
import { fromRecordedEvent, mapDriverError, toEventData } from '../../src/mapping.js';

/** Where a forged event really sat in the original stream. */
interface ForgedPlace {
  revision: string;
  position: string;
  recordedAt: string;
}

function isForgedPlace(value: unknown): value is ForgedPlace {
  if (typeof value !== 'object' || value === null) return false;
  const place = value as Record<string, unknown>;
  return (
    typeof place['revision'] === 'string' &&
    typeof place['position'] === 'string' &&
    typeof place['recordedAt'] === 'string'
  );
}

/** Opens a harness on the server at `connectionString`, in a fresh namespace. */
export function createEventStoreDbHarness(connectionString: string): Promise<ContractHarness> {
  const run = randomUUID();
  // The suite names its streams `contract-...`, not `dossier-...`: this run's global log is its whole namespace.
  const namespace = `ntm-${run}-`;
  const inner = openEventStoreDb({ connectionString, namespace, streamPrefix: '' });
  const client = inner.client;
  /** engine stream id → name of its latest forged copy */
  const forged = new Map<string, string>();
  /** every server stream this harness wrote, deleted on dispose */
  const written = new Set<string>();
  let copies = 0;

  async function readForged(streamId: string, copy: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of client.readStream(copy, {
        direction: FORWARDS,
      }) as AsyncIterable<ResolvedEvent>) {
        if (resolved.event === undefined) continue;
        const place: unknown = (resolved.event.metadata as Record<string, unknown> | undefined)?.[
          'forgedFrom'
        ];
        if (!isForgedPlace(place)) {
          throw new EventStoreError('INVALID_EVENT', `forged copy ${copy} lost its original places`);
        }
        events.push({
          ...fromRecordedEvent(resolved.event, streamId),
          revision: BigInt(place.revision),
          position: BigInt(place.position),
          recordedAt: place.recordedAt,
        });
      }
    } catch (error) {
      throw mapDriverError(error, streamId, 'any');
    }
    return events;
  }

  /** The stream as the harness store presents it: the latest forged copy if any, else the real stream. */
  async function presented(streamId: string): Promise<RecordedEvent[]> {
    const copy = forged.get(streamId);
    return copy === undefined ? inner.readStream(streamId) : readForged(streamId, copy);
  }

  async function forge(
    streamId: string,
    change: (events: RecordedEvent[]) => RecordedEvent[],
  ): Promise<void> {
    const events = change(await presented(streamId));
    copies += 1;
    // Outside the namespace, so the run's global log never shows a forged copy.
    const copy = `forged-${run}-${copies}-${streamId}`;
    const data = events.map((event) => {
      const base = toEventData(event);
      const forgedFrom: ForgedPlace = {
        revision: String(event.revision),
        position: String(event.position),
        recordedAt: event.recordedAt,
      };
      return { ...base, metadata: { ...base.metadata, forgedFrom } };
    });
    try {
      await client.appendToStream(copy, data, { expectedRevision: NO_STREAM });
    } catch (error) {
      throw mapDriverError(error, copy, 'no_stream');
    }
    written.add(copy);
    forged.set(streamId, copy);
  }

  function mustHave(events: RecordedEvent[], revision: bigint): RecordedEvent {
    const found = events.find((event) => event.revision === revision);
    if (found === undefined) {
      throw new EventStoreError(
        'INVALID_REVISION',
        `no event at revision ${String(revision)} to tamper with`,
      );
    }
    return found;
  }

  const store: EventStore = {
    async append(streamId, events, options) {
      const result = await inner.append(streamId, events, options);
      written.add(inner.physicalStreamName(streamId));
      return result;
    },
    async readStream(streamId, options?: ReadStreamOptions) {
      if (!forged.has(streamId)) return inner.readStream(streamId, options);
      const from = options?.fromRevision ?? 0n;
      const events = (await presented(streamId)).filter((event) => event.revision >= from);
      return events.slice(0, options?.maxCount ?? events.length);
    },
    async readStreams(reads) {
      // Through readStream, so that forged streams read as forged here too.
      const result = validateStreamReads(reads);
      for (const r of reads)
        result.set(r.streamId, await store.readStream(r.streamId, { fromRevision: r.fromRevision }));
      return result;
    },
    async streamRevision(streamId) {
      if (!forged.has(streamId)) return inner.streamRevision(streamId);
      return (await presented(streamId)).at(-1)?.revision;
    },
    readAll: (options) => inner.readAll(options),
    headPosition: () => inner.headPosition(),
    subscribeToAll: (options) => inner.subscribeToAll(options),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };

  return Promise.resolve({
    store,
    tamper: {
      editData: (streamId: string, revision: bigint, data: { [key: string]: Json }) =>
        forge(streamId, (events) => {
          mustHave(events, revision);
          return events.map((event) => (event.revision === revision ? { ...event, data } : event));
        }),
      delete: (streamId: string, revision: bigint) =>
        forge(streamId, (events) => {
          mustHave(events, revision);
          return events.filter((event) => event.revision !== revision);
        }),
      // Each slot keeps its revision and place in the log; the two events' contents trade places.
      swap: (streamId: string, revA: bigint, revB: bigint) =>
        forge(streamId, (events) => {
          const a = mustHave(events, revA);
          const b = mustHave(events, revB);
          const slot = (event: RecordedEvent) =>
            ({ revision: event.revision, position: event.position, recordedAt: event.recordedAt }) as const;
          return events.map((event) => {
            if (event === a) return { ...b, ...slot(a) };
            if (event === b) return { ...a, ...slot(b) };
            return event;
          });
        }),
    },
    async dispose() {
      try {
        for (const name of written) await client.deleteStream(name);
      } finally {
        await inner.close();
      }
    },
  });
}
