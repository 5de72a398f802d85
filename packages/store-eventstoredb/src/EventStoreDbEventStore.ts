/**
 * The event-store port on EventStoreDB/KurrentDB (gRPC client `@eventstore/db-client`). The server gives
 * streams, optimistic concurrency and a global log (`$all`); this adapter adds what the engine needs on top:
 * the hash chain (computed from the stream's tail before each append), idempotency by event id, the port's
 * errors and positions, and subscriptions that only ever resume from an event they actually delivered.
 * Design notes: docs/adr/0002-eventstoredb-adapter.md.
 */
import {
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  isCommandError,
} from '@eventstore/db-client';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  ReadPosition,
  ResolvedEvent,
} from '@eventstore/db-client';
import {
  EventStoreError,
  GENESIS_HASH,
  WrongExpectedRevisionError,
  chainEvents,
  validateNewEvents,
  validatePositiveInt,
  validateRevision,
  validateStreamId,
  validateStreamReads,
} from '@ntm/event-store';
import type {
  AllPage,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  StreamRead,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '@ntm/event-store';
import {
  ENGINE_STREAM_PREFIX,
  describeExpected,
  engineStreamFilter,
  findRetriedBatch,
  fromRecordedEvent,
  mapDriverError,
  satisfiesExpected,
  toEventData,
  toReadPosition,
  wireExpectedRevision,
} from './mapping.js';

export interface EventStoreDbOptions {
  /**
   * Put before every stream name on the server, so several engines (or test runs) can share one server
   * without seeing each other's streams in `$all`. Default '' (stream names as given).
   */
  namespace?: string;
  /**
   * Only streams whose name (after the namespace) starts with this are part of the global log that `readAll`,
   * `headPosition` and `subscribeToAll` show. Default 'dossier-', the engine's streams.
   */
  streamPrefix?: string;
  /** How many of a stream's last events an append checks for already-written event ids. Default 1000. */
  idempotencyWindow?: number;
  /** Attempts for an 'any'/'stream_exists' append that keeps losing races to other writers. Default 10. */
  maxAppendAttempts?: number;
  /** Pause before a subscription reconnects after the server became unreachable, in ms. Default 1000. */
  resubscribeDelayMs?: number;
}

/** Raw `$all` events scanned per request when paging the engine's events out of it. */
const ALL_SCAN_PAGE = 1000;

/** Opens a client from an `esdb://` or `esdb+discover://` connection string; nothing is sent until first use. */
export function openEventStoreDb(
  options: { connectionString: string } & EventStoreDbOptions,
): EventStoreDbEventStore {
  const { connectionString, ...rest } = options;
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EventStoreError('INVALID_ARGUMENT', `invalid EventStoreDB connection string: ${reason}`, {
      cause: error,
    });
  }
  return new EventStoreDbEventStore(client, rest);
}

/** `EventStore` on EventStoreDB/KurrentDB. Owns its client: `close()` disposes it. */
export class EventStoreDbEventStore implements EventStore {
  readonly #namespace: string;
  /** namespace + streamPrefix: where the global log's streams start */
  readonly #logPrefix: string;
  readonly #idempotencyWindow: number;
  readonly #maxAppendAttempts: number;
  readonly #resubscribeDelayMs: number;
  readonly #subscriptions = new Set<Subscription>();

  constructor(
    readonly client: EventStoreDBClient,
    options: EventStoreDbOptions = {},
  ) {
    this.#namespace = options.namespace ?? '';
    this.#logPrefix = this.#namespace + (options.streamPrefix ?? ENGINE_STREAM_PREFIX);
    this.#idempotencyWindow = options.idempotencyWindow ?? 1000;
    this.#maxAppendAttempts = options.maxAppendAttempts ?? 10;
    this.#resubscribeDelayMs = options.resubscribeDelayMs ?? 1000;
  }

  /** The stream's name on the server. */
  physicalStreamName(streamId: string): string {
    return this.#namespace + streamId;
  }

  async append(
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    // Validation's walk also gives each event's canonical JSON, which the chain hashes (ADR 0062).
    const canonical = validateNewEvents(streamId, events, options.expectedRevision);
    const { expectedRevision } = options;
    const physical = this.physicalStreamName(streamId);
    const loose = expectedRevision === 'any' || expectedRevision === 'stream_exists';
    let conflict: WrongExpectedRevisionError | undefined;
    for (let attempt = 1; ; attempt++) {
      const tail = await this.#readTail(streamId);
      const last = tail.at(-1);
      const actual = last?.revision;

      const retried = findRetriedBatch(streamId, events, tail);
      const lastOfBatch = retried?.at(-1);
      if (last !== undefined && lastOfBatch !== undefined) {
        return { nextExpectedRevision: last.revision, position: lastOfBatch.position, written: 0 };
      }
      // A race was lost and the winner was not a retry of this batch: the conflict stands.
      if (conflict !== undefined) throw conflict;

      if (!satisfiesExpected(expectedRevision, actual)) {
        throw new WrongExpectedRevisionError(streamId, describeExpected(expectedRevision), actual);
      }
      const chained = chainEvents(
        streamId,
        actual === undefined ? 0n : actual + 1n,
        last?.hash ?? GENESIS_HASH,
        events,
        canonical,
      );
      try {
        const result = await this.client.appendToStream(physical, chained.map(toEventData), {
          expectedRevision: wireExpectedRevision(actual),
        });
        // No position: the server found these event ids already committed at this expected revision (its own
        // dedup; a concurrent retry of the same batch won). Read again: the tail now shows the retried batch.
        if (result.position === undefined) continue;
        return {
          nextExpectedRevision: result.nextExpectedRevision,
          position: result.position.commit,
          written: events.length,
        };
      } catch (error) {
        const mapped = mapDriverError(error, streamId, expectedRevision);
        if (!(mapped instanceof WrongExpectedRevisionError)) throw mapped;
        // Someone appended between our read and our write. Read again either way: the winner may have been a
        // concurrent retry of this very batch. For 'any' and 'stream_exists' the caller's condition still
        // holds, so the next round chains onto the new tail and writes; otherwise the conflict stands.
        if (!loose || attempt >= this.#maxAppendAttempts) conflict = mapped;
      }
    }
  }

  /** The last `idempotencyWindow` events of a stream, in stream order ([] when it does not exist). */
  async #readTail(streamId: string): Promise<RecordedEvent[]> {
    const newestFirst = await this.#read(streamId, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: this.#idempotencyWindow,
    });
    return newestFirst.reverse();
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const { fromRevision = 0n, maxCount = Number.MAX_SAFE_INTEGER } = options;
    validateRevision(fromRevision, 'fromRevision');
    validatePositiveInt(maxCount, 'maxCount');
    return this.#read(streamId, { direction: FORWARDS, fromRevision, maxCount });
  }

  async readStreams(reads: readonly StreamRead[]): Promise<Map<string, RecordedEvent[]>> {
    const result = validateStreamReads(reads);
    // EventStoreDB reads one stream per call; the calls share the client's gRPC connection.
    const read = await Promise.all(
      reads.map((r) => this.readStream(r.streamId, { fromRevision: r.fromRevision })),
    );
    reads.forEach((r, i) => result.set(r.streamId, read[i]!));
    return result;
  }

  async streamRevision(streamId: string): Promise<bigint | undefined> {
    validateStreamId(streamId);
    const [last] = await this.#read(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last?.revision;
  }

  /** Reads a stream by its engine id; a missing stream is an empty one. */
  async #read(
    streamId: string,
    options: {
      direction: typeof FORWARDS | typeof BACKWARDS;
      fromRevision: bigint | typeof END;
      maxCount: number;
    },
  ): Promise<RecordedEvent[]> {
    return readPhysicalStream(this.client, this.physicalStreamName(streamId), streamId, options);
  }

  async readAll(options: ReadAllOptions = {}): Promise<AllPage> {
    const { after = 0n, limit = 1000 } = options;
    if (typeof after !== 'bigint' || after < 0n) {
      throw new EventStoreError('INVALID_ARGUMENT', 'after must be a bigint >= 0');
    }
    validatePositiveInt(limit, 'limit');
    const events: RecordedEvent[] = [];
    // `$all` holds system events and other namespaces too, and this client version cannot filter a read on the
    // server, so scan it in pages and keep the engine's events.
    let scannedUpTo = after;
    for (;;) {
      const page = await this.#scanAll(toReadPosition(scannedUpTo), FORWARDS, ALL_SCAN_PAGE);
      for (const resolved of page) {
        const position = resolved.event?.position.commit;
        // A read from a position includes the event at it; the port's `after` is exclusive.
        if (position === undefined || position <= scannedUpTo) continue;
        scannedUpTo = position;
        const event = this.#engineEvent(resolved);
        if (event === undefined) continue;
        events.push(event);
        if (events.length === limit) return { events, nextAfter: position, isEnd: false };
      }
      if (page.length < ALL_SCAN_PAGE) {
        return { events, nextAfter: events.at(-1)?.position ?? after, isEnd: true };
      }
    }
  }

  async headPosition(): Promise<bigint> {
    let from: ReadPosition = END;
    for (;;) {
      const page = await this.#scanAll(from, BACKWARDS, ALL_SCAN_PAGE);
      for (const resolved of page) {
        const event = this.#engineEvent(resolved);
        if (event !== undefined) return event.position;
      }
      const oldest = page.at(-1)?.event?.position;
      if (page.length < ALL_SCAN_PAGE || oldest === undefined) return 0n;
      // Should the next read include the event at `oldest`, it is not an engine event: looking again is harmless.
      from = oldest;
    }
  }

  /** The engine's event in a `$all` entry, under its engine stream id, or undefined for anything else. */
  #engineEvent(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
    const record = resolved.event;
    if (record === undefined || !record.streamId.startsWith(this.#logPrefix)) {
      return undefined;
    }
    return fromRecordedEvent(record, record.streamId.slice(this.#namespace.length));
  }

  async #scanAll(
    fromPosition: ReadPosition,
    direction: typeof FORWARDS | typeof BACKWARDS,
    maxCount: number,
  ): Promise<AllStreamResolvedEvent[]> {
    const page: AllStreamResolvedEvent[] = [];
    try {
      for await (const resolved of this.client.readAll({ fromPosition, direction, maxCount })) {
        page.push(resolved);
      }
    } catch (error) {
      throw mapDriverError(error, '$all', 'any');
    }
    return page;
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const subscription: AllSubscription = new AllSubscription({
      ...options,
      client: this.client,
      filterPrefix: this.#logPrefix,
      decode: (resolved) => this.#engineEvent(resolved),
      resubscribeDelayMs: this.#resubscribeDelayMs,
      onClosed: () => this.#subscriptions.delete(subscription),
    });
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    await this.#scanAll(END, BACKWARDS, 1);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }
}

/** Reads a server stream and presents its events under `streamId`; a missing stream is an empty one. */
async function readPhysicalStream(
  client: EventStoreDBClient,
  physicalName: string,
  streamId: string,
  options: {
    direction: typeof FORWARDS | typeof BACKWARDS;
    fromRevision: bigint | typeof END;
    maxCount: number;
  },
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  try {
    for await (const resolved of client.readStream(physicalName, options) as AsyncIterable<ResolvedEvent>) {
      if (resolved.event !== undefined) events.push(fromRecordedEvent(resolved.event, streamId));
    }
  } catch (error) {
    const notFound =
      error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND;
    if (notFound) return [];
    throw mapDriverError(error, streamId, 'any');
  }
  return events;
}

/**
 * A catch-up subscription to the engine's part of `$all`. Its position moves only when `onEvent` has settled
 * for an event; when the connection drops it resubscribes from that position, never from a checkpoint the
 * server reported (KurrentDB issue 4970). A failing `onEvent`, or an event the engine cannot read, ends the
 * subscription (reported to `onError`).
 */
class AllSubscription implements Subscription {
  #lastDelivered: bigint;
  #closed = false;
  #current: AllStreamSubscription | undefined;
  #wake: (() => void) | undefined;
  readonly #running: Promise<void>;

  constructor(
    private readonly options: SubscribeOptions & {
      client: EventStoreDBClient;
      filterPrefix: string;
      decode: (resolved: AllStreamResolvedEvent) => RecordedEvent | undefined;
      resubscribeDelayMs: number;
      onClosed: () => void;
    },
  ) {
    this.#lastDelivered = options.after ?? 0n;
    this.#running = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      const sub = this.options.client.subscribeToAll({
        fromPosition: toReadPosition(this.#lastDelivered),
        filter: engineStreamFilter(this.options.filterPrefix),
      });
      this.#current = sub;
      try {
        for await (const resolved of sub as AsyncIterable<AllStreamResolvedEvent>) {
          if (this.#closed) return;
          const event = this.options.decode(resolved);
          // Skip what was already delivered, should a resubscription repeat the event at its start position.
          if (event === undefined || event.position <= this.#lastDelivered) continue;
          try {
            await this.options.onEvent(event);
          } catch (handlerError) {
            this.options.onError?.(handlerError);
            await this.#shutdown();
            return;
          }
          this.#lastDelivered = event.position;
        }
      } catch (error) {
        if (this.#closed) return;
        const mapped = mapDriverError(error, '$all', 'any');
        this.options.onError?.(mapped);
        // Only a lost connection is worth another try; an event the engine cannot read would fail again.
        if (mapped.code !== 'STORE_UNAVAILABLE') return this.#shutdown();
        await sub.unsubscribe();
      }
      // The stream broke, or the server ended it: wait a little before subscribing again.
      await this.#pause();
    }
  }

  /** Waits before reconnecting; `close()` cuts the wait short. */
  async #pause(): Promise<void> {
    if (this.#closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.resubscribeDelayMs);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  async #shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake?.();
    const current = this.#current;
    if (current !== undefined) {
      await current.unsubscribe();
      current.destroy();
    }
    this.options.onClosed();
  }

  async close(): Promise<void> {
    await this.#shutdown();
    await this.#running;
  }
}
