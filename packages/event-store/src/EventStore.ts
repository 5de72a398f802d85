/**
 * The event-store port. Every adapter (PostgreSQL, embedded PGlite, EventStoreDB/KurrentDB) implements it and
 * passes the one contract suite in `contract.ts`. Nothing outside the adapters imports a database driver.
 */

/** Expected revision of a stream for a conditional append. Revisions are 0-based: the first event is 0. */
export type ExpectedRevision =
  | 'any'
  /** the stream must not exist yet */
  | 'no_stream'
  /** the stream must hold at least one event */
  | 'stream_exists'
  /** the revision of the last event in the stream */
  | bigint;

/** Who did something, under which role and in which administrative unit (official code). */
export interface Actor {
  id: string;
  role: string;
  /** Official code of the unit the actor acts for, e.g. a commune code "01849" or province "06". */
  unit: string;
}

export interface EventMetadata {
  actor: Actor;
  /** The actor acts on behalf of this one (delegation), if any. */
  onBehalfOf?: Actor | undefined;
  correlationId: string;
  causationId?: string | undefined;
  /** ISO-8601 instant the business fact happened, as given by the injected clock. */
  occurredAt: string;
  workflow?: { id: string; version: number } | undefined;
  fromState?: string | undefined;
  toState?: string | undefined;
}

/** JSON-safe value: what an event's data may hold. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An event as the caller proposes it. The store adds revision, position, prevHash and hash. */
export interface NewEvent {
  /** uuid; appending an id already in the stream is a no-op (retries are safe) */
  eventId: string;
  type: string;
  schemaVersion: number;
  data: { [key: string]: Json };
  metadata: EventMetadata;
}

/** An event as stored: the envelope with its place in the stream and in the global log, and its hash link. */
export interface RecordedEvent extends NewEvent {
  streamId: string;
  revision: bigint;
  /** Position in the global log: strictly increasing in commit order as seen by readers. */
  position: bigint;
  /** ISO-8601 instant the store committed the event. */
  recordedAt: string;
  /** Hash of the previous event in this stream, or the genesis hash for revision 0. */
  prevHash: string;
  /** SHA-256 (hex) over the canonical encoding of this event and prevHash; see hashChain.ts. */
  hash: string;
}

/**
 * An event as its writer knows it once the append succeeded, without reading it back: its stream and revision, not
 * the store's position, commit time or hash link. What the projections fold needs no more than this (ADR 0041), so
 * the writer can hand its own events to an in-process projection.
 */
export type AppendedEvent = Omit<RecordedEvent, 'position' | 'recordedAt' | 'prevHash' | 'hash'>;

export interface AppendResult {
  /** Revision of the last event in the stream after the append. */
  nextExpectedRevision: bigint;
  /** Global position of the last event written (or already present, for an idempotent retry). */
  position: bigint;
  /** Events actually written; 0 when the whole batch was an idempotent retry. */
  written: number;
  /**
   * The hash the store gave the stream's last event, when it wrote the batch and says so (optional: a caller that
   * needs it without this computes it with `chainEvents`, as the store did).
   */
  hash?: string | undefined;
}

export interface ReadStreamOptions {
  /** default 0n */
  fromRevision?: bigint;
  /** default unbounded */
  maxCount?: number;
}

/** One stream of a `readStreams` call and the revision to read it from. */
export interface StreamRead {
  streamId: string;
  fromRevision: bigint;
}

export interface ReadAllOptions {
  /** Read events with position strictly greater than this. default 0n (i.e. from the start; positions start at 1) */
  after?: bigint;
  /** page size, default 1000 */
  limit?: number;
}

export interface AllPage {
  events: RecordedEvent[];
  /** Position to pass as `after` for the next page (the last event's position, or `after` if empty). */
  nextAfter: bigint;
  /** true when this page reached the current end of the readable log */
  isEnd: boolean;
}

/** An event of the global log as a fold reads it: the envelope and its position, not its hash link or commit time. */
export type PayloadEvent = AppendedEvent & { position: bigint };

export interface PayloadPage {
  events: PayloadEvent[];
  nextAfter: bigint;
  isEnd: boolean;
}

/** What a checkpoint's Merkle leaf commits to: an event's place in the log and its stored hash, nothing else. */
export interface LogLeaf {
  position: bigint;
  streamId: string;
  revision: bigint;
  hash: string;
}

export interface LeafPage {
  leaves: LogLeaf[];
  nextAfter: bigint;
  isEnd: boolean;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface SubscribeOptions {
  after?: bigint;
  /** Called for each event in global order; the next event is not delivered before the promise settles. */
  onEvent: (event: RecordedEvent) => Promise<void> | void;
  onError?: (error: unknown) => void;
}

export interface EventStore {
  append(
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Several streams, each from its own revision, in one call: what a projector batch needs (one round trip
   * instead of one per stream). Every requested stream is in the result, with [] when it has nothing there.
   * A stream may be requested once per call.
   */
  readStreams(reads: readonly StreamRead[]): Promise<Map<string, RecordedEvent[]>>;
  /** Revision of the last event, or undefined when the stream does not exist. */
  streamRevision(streamId: string): Promise<bigint | undefined>;
  readAll(options?: ReadAllOptions): Promise<AllPage>;
  /**
   * `readAll`'s pages with only each event's position, stream, revision and hash (optional): what signed
   * checkpoints need, without reading and parsing the events' data. Same order, bounds and `nextAfter`.
   */
  readAllLeaves?(options?: ReadAllOptions): Promise<LeafPage>;
  /**
   * `readAll`'s pages without each event's hashes and commit time (optional): what a fold of the whole log needs,
   * without reading and decoding what it never looks at (ADR 0056). Same order, bounds and `nextAfter`.
   */
  readAllPayloads?(options?: ReadAllOptions): Promise<PayloadPage>;
  /** Position of the last readable event in the global log (0n when empty). */
  headPosition(): Promise<bigint>;
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Readiness probe: resolves when the store answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
