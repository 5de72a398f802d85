/**
 * Wake-ups are partitioned by a hash of the stream id across N queues: every wake-up of one stream lands in the
 * same queue, so per-stream order holds without BullMQ Pro groups (and the per-stream lock makes any reordering
 * harmless anyway).
 */

/** The payload of a wake-up job: never the events, only where the stream has got to. */
export interface WakeUp {
  streamId: string;
  /** decimal string: BullMQ stores job data as JSON, which has no bigint */
  upToRevision: string;
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

/** One job id per stream and revision: BullMQ drops a second add of the same id while the first exists. */
export function wakeUpJobId(streamId: string, revision: bigint): string {
  // BullMQ refuses ":" in custom ids.
  return `${streamId.replaceAll(':', '_')}@${revision}`;
}
