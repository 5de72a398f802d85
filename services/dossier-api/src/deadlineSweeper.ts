/**
 * The deadline worker. Timers are events (the machines have no `after`): a step that starts a deadline records
 * `DeadlineScheduled`, and this sweep records `DeadlineElapsed` once the due day has passed, by deciding the
 * domain's `ElapseDeadline` through the application's command handler, as the system worker
 * `system:deadline-worker` (role administrator, for the dossier's province), with the injected clock.
 *
 * The read model only nominates candidates (open deadlines due before today); the decision is made on the stream
 * and appended with the revision it was made on. Sweeps are safe to run in every API process at once and to
 * repeat: a concurrent sweep loses the conditional append, a repeated one is refused by the domain
 * (`DEADLINE_NOT_OPEN`), and the event ids are derived from the deadline, so a retried append writes nothing.
 */
import type { FastifyInstance } from 'fastify';
import { DomainError, overdueIfDueBefore } from '@ntm/domain';
import { q } from '@ntm/projections';
import {
  ApplicationError,
  CommandRefusedError,
  handleCommand,
  uuidV5,
  type SystemPrincipal,
} from '@ntm/application';
import { commandPortsOf } from './dossier.js';

export interface SweepResult {
  /** deadlines recorded as elapsed by this sweep */
  elapsed: number;
  /** candidates left for the next sweep: refused, or written by someone else meanwhile */
  skipped: number;
}

const WORKER: SystemPrincipal = { system: 'deadline-worker' };

/** Records every overdue open deadline (the domain's one rule: due before today in Vietnam) as elapsed. */
export async function sweepDeadlines(fastify: FastifyInstance): Promise<SweepResult> {
  const ports = commandPortsOf(fastify);
  const dueBefore = overdueIfDueBefore(ports.clock.now());
  const { sql, schema } = fastify.readModels;
  const { rows } = await sql.query<{ stream_id: string; deadline_id: string }>(
    `SELECT stream_id, deadline_id FROM ${q(schema)}.deadlines
      WHERE state = 'open' AND due_at < $1 ORDER BY due_at, stream_id, deadline_id`,
    [dueBefore],
  );
  const result: SweepResult = { elapsed: 0, skipped: 0 };
  for (const { stream_id: streamId, deadline_id: deadlineId } of rows) {
    // One name per deadline: a repeated or concurrent sweep derives the same event ids and correlation id.
    const name = `deadline\n${streamId}\n${deadlineId}`;
    try {
      // No expected revision: the worker decides on the stream as it is, and appends on that revision.
      const outcome = await handleCommand(ports, WORKER, {
        type: 'ElapseDeadline',
        dossierId: streamId.replace(/^dossier-/, ''),
        body: { deadlineId },
        idempotencyKey: name,
        correlationId: uuidV5(name),
        causationId: uuidV5(name),
      });
      // A replayed answer means another sweep (same key, same event ids) appended it: not this sweep's doing.
      if (outcome.replayed) result.skipped += 1;
      else result.elapsed += 1;
    } catch (error) {
      // Refused by the domain (already elapsed, not due), written by someone else meanwhile, or a broken chain
      // (already logged at error level by the handler): the next sweep decides again on the stream as it is then.
      // A history the fold cannot read (EVENT_DATA_INVALID) must not stop the sweep of every other dossier either.
      if (!(error instanceof ApplicationError) && !(error instanceof DomainError)) throw error;
      fastify.log.warn({ streamId, deadlineId, code: codeOf(error) }, 'deadline not elapsed');
      result.skipped += 1;
    }
  }
  return result;
}

const codeOf = (error: ApplicationError | DomainError): string =>
  error instanceof CommandRefusedError ? error.refusal.code : error.code;

/** Sweeps every `intervalMs` (and once at once); a failed sweep is logged and the next one tries again. */
export function scheduleDeadlineSweeps(fastify: FastifyInstance, intervalMs: number): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = sweepDeadlines(fastify).then(
      (result) => {
        if (result.elapsed > 0 || result.skipped > 0) fastify.log.info(result, 'deadline sweep');
      },
      (error: unknown) => fastify.log.error({ err: error }, 'deadline sweep failed'),
    );
  };
  sweep();
  const timer = setInterval(() => {
    // One sweep at a time in a process.
    void running.then(sweep);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
