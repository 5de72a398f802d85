/**
 * The wake-up contract between whoever appends or releases a stream and the projector's workers: queue names,
 * partitions, job options and the job's data. Wake-ups are partitioned by a hash of the stream id across N queues
 * (one by default): every wake-up of one stream lands in the same queue, so per-stream order holds without BullMQ
 * Pro groups (and the conditional checkpoint write makes any reordering harmless anyway). The dispatcher, the
 * workers and the API (dashboard, queue depths, waking a released stream) all take names and options from here.
 * Opening the queues is `@ntm/runtime/wakeUpQueues`: this module is in the barrel that every process loads, and
 * the embedded default (no Redis) never loads BullMQ or ioredis (ADR 0029).
 */
import type { DefaultJobOptions, Queue } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { AppendedEvent, EventStore } from '@ntm/event-store';
import type { AppendRelay, TraceCarrier } from '@ntm/telemetry';
import type { Config } from './config.js';

/**
 * A wake-up: a stream to catch up. Without `events` the worker catches up to the stream's head as read when it runs,
 * so `upToRevision` (the revision that caused the wake-up) is only a record for operators and for parking after
 * exhausted retries. With `events` (the dispatcher's, ADR 0042) the worker folds them instead of reading the stream
 * when they follow the checkpoint; they are the events as the store gave them to the dispatcher, so what is folded
 * is the same either way, and the checkpoint-conditional write still decides.
 */
export interface WakeUp {
  streamId: string;
  /** decimal string: BullMQ stores job data as JSON, which has no bigint */
  upToRevision: string;
  /** the stream's events of the dispatcher's page, in revision order, up to `upToRevision` */
  events?: WakeUpEvent[];
  /** with tracing on: the context of the hand-on span, child of the command's append (ADR 0032) */
  trace?: TraceCarrier;
}

/** An event in a wake-up: what the fold needs (`AppendedEvent`), its revision a decimal string (JSON has no bigint). */
export type WakeUpEvent = Omit<AppendedEvent, 'revision'> & { revision: string };

/** The part of a read event that a wake-up carries. */
export function toWakeUpEvent(event: AppendedEvent): WakeUpEvent {
  const { eventId, type, schemaVersion, data, metadata, streamId } = event;
  return { eventId, type, schemaVersion, data, metadata, streamId, revision: String(event.revision) };
}

export function fromWakeUpEvent(event: WakeUpEvent): AppendedEvent {
  return { ...event, revision: BigInt(event.revision) };
}

/**
 * The data of one job: the wake-ups of one partition from one page of the log. One job per stream cost a Redis
 * script to add, one to take and one to finish per event, which at 500 events/s was a fifth of the machine; a page
 * read every 10 ms carries a few streams per partition, so a job per partition and page costs a fraction of that.
 * Streams are not deduplicated across jobs: a wake-up of a stream already caught up finds nothing to do.
 */
export interface WakeUpJob {
  wakeUps: WakeUp[];
  /** with tracing on: the context of the span that enqueued the job (ADR 0032) */
  trace?: TraceCarrier;
}

/** 32-bit FNV-1a: stable across processes and Node versions, unlike anything seeded. */
export function hashStreamId(streamId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i += 1)
    hash = Math.imul(hash ^ streamId.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** Name of the queue that carries the wake-ups of `streamId`. */
export function queueNameFor(queuePrefix: string, streamId: string, partitions: number): string {
  return partitionQueueName(queuePrefix, hashStreamId(streamId) % partitions);
}

export function partitionQueueName(queuePrefix: string, partition: number): string {
  return `${queuePrefix}-${partition}`;
}

/**
 * Queues by default: one. A page of the log is handed on as one job per partition it touches, and each job costs
 * BullMQ three scripts and a worker's wake-up whatever it carries, so more partitions cost more per event (ADR 0070:
 * one queue against four cut the projection's CPU per event by a fifth and Redis's by half). Every worker process
 * takes from every partition, so more queues buy no parallelism; `PARTITIONS` stays for spreading the queues'
 * keys apart.
 */
export const DEFAULT_PARTITIONS = 1;

/** Attempts per wake-up before its streams are parked (`RETRIES_EXHAUSTED`). */
export const WAKE_UP_ATTEMPTS = 5;

/** Options of every wake-up job, whoever adds it: a released stream that fails again is retried, then parked. */
export const wakeUpJobOptions = (attempts = WAKE_UP_ATTEMPTS): DefaultJobOptions => ({
  attempts,
  backoff: { type: 'exponential', delay: 200 },
  // A completed wake-up tells an operator nothing; keeping 1,000 of them cost Redis work on every job.
  removeOnComplete: true,
  removeOnFail: { count: 10_000 },
});

/** Where the wake-up queues are; the defaults are the configuration's. */
export interface WakeUpQueuesOptions {
  /** the whole URL is used, password and TLS (`rediss:`) included */
  redisUrl: string;
  /** default "ntm-projections" */
  queuePrefix?: string;
  /** default `DEFAULT_PARTITIONS` (1) */
  partitions?: number;
  /** BullMQ's Redis key prefix; default "bull" */
  redisPrefix?: string;
  /** attempts per job; default `WAKE_UP_ATTEMPTS` */
  attempts?: number;
  /** more ioredis options (`maxRetriesPerRequest` is always null: commands wait for a reconnect) */
  redisOptions?: RedisOptions;
}

/** The queues as configured (`REDIS_URL`, `QUEUE_PREFIX`, `PARTITIONS`, `BULLMQ_PREFIX`): the same in every process. */
export function wakeUpQueuesOptions(config: Config & { REDIS_URL: string }): WakeUpQueuesOptions & {
  queuePrefix: string;
  partitions: number;
  redisPrefix: string;
} {
  return {
    redisUrl: config.REDIS_URL,
    queuePrefix: config.QUEUE_PREFIX,
    partitions: config.PARTITIONS,
    redisPrefix: config.BULLMQ_PREFIX,
  };
}

export interface WakeUpQueues {
  queues: Queue<WakeUpJob>[];
  /** the one Redis connection the queues share */
  connection: Redis;
  queuePrefix: string;
  partitions: number;
  redisPrefix: string;
  /** The queue carrying `streamId`'s wake-ups. */
  queueFor(streamId: string): Queue<WakeUpJob>;
  /** Wakes one stream up at its current head (after an operator released it); no-op when it has no events. */
  wake(store: EventStore, streamId: string): Promise<void>;
  close(): Promise<void>;
}

/** Wakes one stream up in `queue` (its partition's) at its current head; no-op when the stream has no events. */
export async function wakeStream(
  queue: Queue<WakeUpJob>,
  store: EventStore,
  streamId: string,
): Promise<void> {
  const revision = await store.streamRevision(streamId);
  if (revision === undefined) return;
  await queue.add('wake-up', { wakeUps: [{ streamId, upToRevision: String(revision) }] });
}

/**
 * Where an append's trace context waits for the dispatcher (ADR 0032): the log carries no trace ids (its events
 * are hash-chained and kept for ever), so the API leaves the context of each append in Redis under the append's
 * first event id, and the dispatcher looks the ids of the events it hands on up. Written only with tracing on.
 */
export function appendTraceKey(
  queues: Pick<WakeUpQueues, 'redisPrefix' | 'queuePrefix'>,
  eventId: string,
): string {
  return `${queues.redisPrefix}:${queues.queuePrefix}:trace:${eventId}`;
}

/** How long a context waits: the dispatcher reads it within moments; a dispatcher that was down loses the link. */
export const APPEND_TRACE_TTL_MS = 10 * 60 * 1000;

/** The relay the API installs (`setAppendRelay`) in REDIS_URL mode with tracing on. */
export function appendTraceRelay(queues: WakeUpQueues): AppendRelay {
  return async (carrier, firstEventId) => {
    await queues.connection.set(
      appendTraceKey(queues, firstEventId),
      JSON.stringify(carrier),
      'PX',
      APPEND_TRACE_TTL_MS,
    );
  };
}

/** The trace contexts the API left for these events (only first events of appends have one), by event id. */
export async function recallAppendTraces(
  queues: Pick<WakeUpQueues, 'redisPrefix' | 'queuePrefix' | 'connection'>,
  eventIds: readonly string[],
): Promise<Map<string, TraceCarrier>> {
  const found = new Map<string, TraceCarrier>();
  if (eventIds.length === 0) return found;
  const values = await queues.connection.mget(eventIds.map((id) => appendTraceKey(queues, id)));
  values.forEach((value, i) => {
    if (value !== null) found.set(eventIds[i]!, JSON.parse(value) as TraceCarrier);
  });
  return found;
}
