/**
 * A projection worker: consumes the wake-ups of every partition and runs `catchUpStream`. Any number of workers,
 * in any number of processes, may run side by side: the per-stream lock and checkpoint keep the read models
 * exactly-once. A poison event is deterministic: the stream is parked and the job fails without retry
 * (`UnrecoverableError`); a job that exhausts its retries on a transient error parks its stream too.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { catchUpStream, parkStream, ProjectionError } from '@ntm/projections';
import { partitionQueueName, type WakeUp } from './partitions.js';

export interface ProjectionWorkerOptions {
  store: EventStore;
  sql: SqlClient;
  redisUrl: string;
  /** default "read_models" */
  schema?: string;
  /** default "ntm-projections" */
  queuePrefix?: string;
  /** must match the dispatcher's; default 4 */
  partitions?: number;
  /** default "bull" */
  redisPrefix?: string;
  /** jobs in flight per queue; default 2 (a catch-up mostly waits on PostgreSQL, so one per queue idles a core) */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal; a worker that died (SIGKILL) gives its job back after this.
   * default 30000 ms (BullMQ's); the stall check runs every half of it.
   */
  lockDurationMs?: number;
  now?: () => Date;
  onError?: (error: unknown) => void;
}

export interface ProjectionWorker {
  /** Stops taking jobs, lets the jobs in flight finish, then closes the Redis connections. */
  close(): Promise<void>;
  /** Resolves when every queue's worker is connected and taking jobs. */
  ready(): Promise<void>;
}

export type WakeUpResult = { applied: number; checkpoint: string } | { parked: true };

export function createProjectionWorker(options: ProjectionWorkerOptions): ProjectionWorker {
  const { store, sql } = options;
  const schema = options.schema ?? 'read_models';
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  const onError = options.onError ?? (() => undefined);

  const process = async (job: Job<WakeUp>): Promise<WakeUpResult> => {
    const { streamId } = job.data;
    try {
      const result = await catchUpStream(store, sql, streamId, { schema });
      return { applied: result.applied, checkpoint: String(result.checkpoint) };
    } catch (error) {
      if (error instanceof ProjectionError && error.code === 'STREAM_PARKED') return { parked: true };
      if (error instanceof ProjectionError && error.deterministic) {
        const revision = error.details.revision === undefined ? undefined : BigInt(error.details.revision);
        await parkStream(
          sql,
          streamId,
          { code: error.code, message: error.message, revision },
          { schema, now },
        );
        throw new UnrecoverableError(error.message);
      }
      throw error;
    }
  };

  // Workers block on Redis: their connection must wait for reconnects instead of failing commands.
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const workers = Array.from(
    { length: options.partitions ?? 4 },
    (_, i) =>
      new Worker<WakeUp, WakeUpResult>(
        partitionQueueName(options.queuePrefix ?? 'ntm-projections', i),
        process,
        {
          connection,
          prefix: options.redisPrefix ?? 'bull',
          concurrency: options.concurrency ?? 2,
          lockDuration: options.lockDurationMs ?? 30_000,
          stalledInterval: Math.max(100, Math.floor((options.lockDurationMs ?? 30_000) / 2)),
        },
      ),
  );
  for (const worker of workers) {
    worker.on('error', onError);
    worker.on('failed', (job, error) => {
      if (job === undefined || error instanceof UnrecoverableError) return;
      if (job.attemptsMade < (job.opts.attempts ?? 1)) return;
      // Retries exhausted on a transient error: park, so the operator sees it and the stream stops failing.
      parkStream(
        sql,
        job.data.streamId,
        { code: 'RETRIES_EXHAUSTED', message: error.message, revision: BigInt(job.data.upToRevision) },
        { schema, now },
      ).catch(onError);
    });
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
