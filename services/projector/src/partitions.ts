/**
 * Wake-ups are partitioned by a hash of the stream id across N queues: every wake-up of one stream lands in the
 * same queue, so per-stream order holds without BullMQ Pro groups (and the per-stream lock makes any reordering
 * harmless anyway).
 */

/**
 * The payload of a wake-up job: never the events, only the stream to catch up. The worker catches up to the
 * stream's head as read when the job starts, so `upToRevision` (the revision that caused the wake-up) is only a
 * record for operators and for parking after exhausted retries.
 */
export interface WakeUp {
  streamId: string;
  /** decimal string: BullMQ stores job data as JSON, which has no bigint */
  upToRevision: string;
}

/**
 * Deduplication of wake-ups per stream. While a wake-up of a stream waits, another is dropped: the waiting one
 * will read the head when it starts. While one is ACTIVE, BullMQ keeps the last one that arrives and queues it
 * when the active job finishes (`keepLastIfActive`), so an event committed after the active job read the head is
 * never left unprojected. At most one active and one waiting wake-up per stream.
 */
export function wakeUpDeduplication(streamId: string): { id: string; keepLastIfActive: true } {
  return { id: streamId, keepLastIfActive: true };
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
