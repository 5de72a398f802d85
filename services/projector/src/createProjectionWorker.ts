/**
 * A projection worker: consumes the wake-up jobs of every partition and catches their streams up, in batches
 * (`createCatchUpBatcher`). Any number of workers, in any number of processes, may run side by side: the
 * conditional checkpoint write keeps the read models exactly-once. A poison event is deterministic: its stream is
 * parked at once and the job's other streams go on. A transient error fails the job, which BullMQ retries (streams
 * already caught up find nothing to do); on the last attempt the streams still failing are parked.
 */
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { createCatchUpBatcher, parkStream, ProjectionError } from '@ntm/projections';
import {
  DEFAULT_PARTITIONS,
  fromWakeUpEvent,
  partitionQueueName,
  type WakeUp,
  type WakeUpJob,
} from '@ntm/runtime';
import { inSpan, type ActiveSpan } from '@ntm/telemetry';

export interface ProjectionWorkerOptions {
  store: EventStore;
  sql: SqlClient;
  redisUrl: string;
  /** default "read_models" */
  schema?: string;
  /** default "ntm-projections" */
  queuePrefix?: string;
  /** must match the dispatcher's; default `DEFAULT_PARTITIONS` (1) */
  partitions?: number;
  /** default "bull" */
  redisPrefix?: string;
  /**
   * jobs in flight per queue; default 16. The jobs in flight are what a batch is gathered from: every wake-up
   * that arrives while one transaction is written goes into the next one (see `createCatchUpBatcher`).
   */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal; a worker that died (SIGKILL) gives its job back after this.
   * default 30000 ms (BullMQ's); the stall check runs every half of it.
   */
  lockDurationMs?: number;
  now?: () => Date;
  onError?: (error: unknown) => void;
  /** called after a job that applied events (the notification relay looks at the outbox then) */
  onApplied?: () => void;
  /** told of each job found stalled (its lock ran out: a worker died or blocked) and handed back to the queue */
  onStalled?: (queue: string, jobId: string) => void;
}

export interface ProjectionWorker {
  /** Stops taking jobs, lets the jobs in flight finish, then closes the Redis connections. */
  close(): Promise<void>;
  /** Resolves when every queue's worker is connected and taking jobs. */
  ready(): Promise<void>;
}

/** What a job did: events applied, and streams parked (now, or found parked). */
export interface WakeUpResult {
  applied: number;
  parked: number;
}

export function createProjectionWorker(options: ProjectionWorkerOptions): ProjectionWorker {
  const { store, sql } = options;
  const schema = options.schema ?? 'read_models';
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  const onError = options.onError ?? (() => undefined);
  // The read models' writes commit without waiting for their WAL flush (ADR 0048): the flush was a large part of a
  // batch's time, and so of the lag. A crash of PostgreSQL may lose the last of them, each whole; the dispatcher
  // wakes the streams so left behind up again (`stalledRepairMs`), and a stream's next wake-up catches it up too.
  const batcher = createCatchUpBatcher(store, sql, { schema, asynchronousCommit: true });

  const park = (streamId: string, code: string, message: string, revision: string | undefined) =>
    parkStream(
      sql,
      streamId,
      { code, message, revision: revision === undefined ? undefined : BigInt(revision) },
      { schema, now },
    );

  /**
   * One stream caught up, in a span that continues the trace of the command behind the wake-up when the job
   * carries one (ADR 0032), linked to the job's span; without tracing, only the catch-up.
   */
  const catchUp = (wakeUp: WakeUp, job: Job<WakeUpJob>, jobSpan: ActiveSpan) =>
    inSpan(
      'ntm.projection.catch-up',
      {
        ...(wakeUp.trace ? { parent: wakeUp.trace, links: [jobSpan.carrier()] } : {}),
        attributes: {
          'ntm.stream.id': wakeUp.streamId,
          'ntm.stream.revision': wakeUp.upToRevision,
          'messaging.message.id': job.id,
        },
      },
      async (span) => {
        // The events the dispatcher read spare this worker reading them again (ADR 0042).
        const caught = await batcher.catchUp(wakeUp.streamId, wakeUp.events?.map(fromWakeUpEvent));
        span.setAttributes({ 'ntm.projection.applied': caught.applied });
        return caught;
      },
    );

  const process = (job: Job<WakeUpJob>): Promise<WakeUpResult> =>
    inSpan(
      `${job.queueName} process`,
      {
        kind: 'consumer',
        parent: job.data.trace ?? null,
        links: job.data.wakeUps.map((w) => w.trace),
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': job.queueName,
          'messaging.message.id': job.id,
          'messaging.batch.message_count': job.data.wakeUps.length,
        },
      },
      (span) => processJob(job, span),
    );

  const processJob = async (job: Job<WakeUpJob>, jobSpan: ActiveSpan): Promise<WakeUpResult> => {
    const { wakeUps } = job.data;
    const settled = await Promise.allSettled(wakeUps.map((w) => catchUp(w, job, jobSpan)));
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const result: WakeUpResult = { applied: 0, parked: 0 };
    let transient: Error | undefined;
    for (const [i, outcome] of settled.entries()) {
      const { streamId, upToRevision } = wakeUps[i]!;
      if (outcome.status === 'fulfilled') {
        result.applied += outcome.value.applied;
        continue;
      }
      const error: unknown = outcome.reason;
      if (error instanceof ProjectionError && error.code === 'STREAM_PARKED') {
        result.parked += 1;
      } else if (error instanceof ProjectionError && error.deterministic) {
        // Retrying cannot help: park now, so that the operator sees it and the stream stops failing.
        await park(streamId, error.code, error.message, error.details.revision);
        result.parked += 1;
      } else if (lastAttempt) {
        await park(
          streamId,
          'RETRIES_EXHAUSTED',
          error instanceof Error ? error.message : String(error),
          upToRevision,
        );
        result.parked += 1;
      } else {
        transient ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    if (result.applied > 0) options.onApplied?.();
    // BullMQ retries the job; the streams of it that were caught up find nothing left to do.
    if (transient !== undefined) throw transient;
    return result;
  };

  // Workers block on Redis: their connection must wait for reconnects instead of failing commands.
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const workers = Array.from(
    { length: options.partitions ?? DEFAULT_PARTITIONS },
    (_, i) =>
      new Worker<WakeUpJob, WakeUpResult>(
        partitionQueueName(options.queuePrefix ?? 'ntm-projections', i),
        process,
        {
          connection,
          prefix: options.redisPrefix ?? 'bull',
          concurrency: options.concurrency ?? 16,
          lockDuration: options.lockDurationMs ?? 30_000,
          stalledInterval: Math.max(100, Math.floor((options.lockDurationMs ?? 30_000) / 2)),
        },
      ),
  );
  for (const worker of workers) {
    worker.on('error', onError);
    const { onStalled } = options;
    if (onStalled) worker.on('stalled', (jobId) => onStalled(worker.name, jobId));
  }

  return {
    async ready() {
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      connection.disconnect();
    },
  };
}
