/**
 * The service's side of the tamper-evident log: the checkpoint table, the automatic checkpointer (it looks every
 * AUDIT_CHECKPOINT_SECONDS and, as the one lease holder among the replicas, signs a checkpoint every
 * AUDIT_CHECKPOINT_EVERY_EVENTS events or AUDIT_CHECKPOINT_EVERY_MINUTES minutes) and the continuous verifier (every
 * AUDIT_VERIFY_SECONDS), each one run at a time. A mismatch is logged at error level and turns `/ready` to 503 AUDIT_LOG_MISMATCH and the
 * metric `ntm_audit_log_ok` to 0.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import {
  AuditLogWatcher,
  AutoCheckpointer,
  type TickResult,
  CheckpointStore,
  makeCheckpoint,
  type AuditSigner,
  type SignedCheckpoint,
} from '@ntm/audit';
import type { EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import type { Clock } from './clock.js';

export interface AuditLog {
  checkpoints: CheckpointStore;
  watcher: AuditLogWatcher;
  /** signs and stores the next checkpoint now (nothing when the log has not moved) */
  checkpoint(): Promise<SignedCheckpoint | undefined>;
  /** the automatic checkpointer's look: takes a checkpoint when one is due and this process holds the lease */
  tick(): Promise<TickResult>;
}

/** When the automatic checkpoints are due, and how often the service looks. */
export interface CheckpointSchedule {
  everyEvents: number;
  everyMinutes: number;
  /** the look interval */
  lookMs: number;
  /** how long the checkpointer's lease lasts without a renewal (renewed a third of the way through) */
  leaseMs: number;
}

/** AUDIT_CHECKPOINT_EVERY_EVENTS, _EVERY_MINUTES and _SECONDS's defaults. */
export const DEFAULT_CHECKPOINT_SCHEDULE: CheckpointSchedule = {
  everyEvents: 10_000,
  everyMinutes: 5,
  // Each look reads and hashes what was appended since the last one: a second's worth is a few milliseconds of
  // work between requests, where 15 s of it under load held commands up 100 ms and more (ADR 0067).
  lookMs: 1_000,
  // A standby takes over within 45 s of a holder's death, as when the lease lasted three 15 s looks.
  leaseMs: 45_000,
};

export async function openAuditLog(options: {
  store: EventStore;
  sql: SqlClient;
  schema: string;
  signer: AuditSigner;
  clock: Clock;
  log: FastifyBaseLogger;
  schedule?: CheckpointSchedule | undefined;
}): Promise<AuditLog> {
  const schedule = options.schedule ?? DEFAULT_CHECKPOINT_SCHEDULE;
  const checkpoints = new CheckpointStore(options.sql, options.schema);
  await checkpoints.migrate();
  const watcher = new AuditLogWatcher({
    store: options.store,
    checkpoints,
    keys: () => options.signer.published.keys,
    now: () => options.clock.now(),
    onMismatch: (report) =>
      options.log.error(
        { failures: report.failures.slice(0, 10) },
        'AUDIT_LOG_MISMATCH: the event log no longer matches its signed checkpoints',
      ),
  });
  const auto = new AutoCheckpointer({
    store: options.store,
    checkpoints,
    signer: options.signer,
    now: () => options.clock.now(),
    everyEvents: schedule.everyEvents,
    everyMinutes: schedule.everyMinutes,
    // Unique per process: a restarted replica is a new holder and waits for its old lease to run out.
    holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    leaseMs: schedule.leaseMs,
  });
  return {
    checkpoints,
    watcher,
    async tick() {
      const result = await auto.tick();
      if ('reason' in result) {
        watcher.witnessed(result.taken);
        options.log.info(
          { seq: result.taken.body.seq, count: result.taken.body.count, reason: result.reason },
          'audit checkpoint signed',
        );
      }
      return result;
    },
    async checkpoint() {
      const made = await makeCheckpoint({
        store: options.store,
        checkpoints,
        signer: options.signer,
        now: options.clock.now(),
      });
      if (made) watcher.witnessed(made);
      return made;
    },
  };
}

/** Runs `task` now and every `intervalMs`, one run at a time; returns the function that stops it. */
export function every(
  intervalMs: number,
  task: () => Promise<unknown>,
  log: FastifyBaseLogger,
  name: string,
) {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = task().catch((error: unknown) => log.error({ err: error }, `${name} failed`));
  };
  run();
  const timer = setInterval(() => void running.then(run), intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
