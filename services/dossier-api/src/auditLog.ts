/**
 * The service's side of the tamper-evident log: the checkpoint table, the checkpointer (every
 * AUDIT_CHECKPOINT_SECONDS, when the log has moved) and the continuous verifier (every AUDIT_VERIFY_SECONDS), each
 * one run at a time. A mismatch is logged at error level and turns `/ready` to 503 AUDIT_LOG_MISMATCH and the
 * metric `ntm_audit_log_ok` to 0.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  AuditLogWatcher,
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
}

export async function openAuditLog(options: {
  store: EventStore;
  sql: SqlClient;
  schema: string;
  signer: AuditSigner;
  clock: Clock;
  log: FastifyBaseLogger;
}): Promise<AuditLog> {
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
  return {
    checkpoints,
    watcher,
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
