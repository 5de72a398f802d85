/**
 * Wake-ups are partitioned by a hash of the stream id across N queues: every wake-up of one stream lands in the
 * same queue, so per-stream order holds without BullMQ Pro groups (and the conditional checkpoint write makes any
 * reordering harmless anyway).
 */
import type { Queue } from 'bullmq';
import type { EventStore } from '@ntm/event-store';

/**
 * A wake-up: never the events, only a stream to catch up. The worker catches up to the stream's head as read when
 * it runs, so `upToRevision` (the revision that caused the wake-up) is only a record for operators and for parking
 * after exhausted retries.
 */
export interface WakeUp {
  streamId: string;
  /** decimal string: BullMQ stores job data as JSON, which has no bigint */
  upToRevision: string;
}

/**
 * The data of one job: the wake-ups of one partition from one page of the log. One job per stream cost a Redis
 * script to add, one to take and one to finish per event, which at 500 events/s was a fifth of the machine; a page
 * read every 10 ms carries a few streams per partition, so a job per partition and page costs a fraction of that.
 * Streams are not deduplicated across jobs: a wake-up of a stream already caught up finds nothing to do.
 */
export interface WakeUpJob {
  wakeUps: WakeUp[];
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

/** Wakes one stream up in its partition at its current head (after an operator released it); no-op when absent. */
export async function wakeStream(
  queues: readonly Queue<WakeUpJob>[],
  queuePrefix: string,
  partitions: number,
  store: EventStore,
  streamId: string,
): Promise<void> {
  const revision = await store.streamRevision(streamId);
  if (revision === undefined) return;
  const queue = queues.find((q) => q.name === queueNameFor(queuePrefix, streamId, partitions))!;
  await queue.add('wake-up', { wakeUps: [{ streamId, upToRevision: String(revision) }] });
}
