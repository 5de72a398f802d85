/**
 * The deadline worker. Timers are events (the machines have no `after`): a step that starts a deadline records
 * `DeadlineScheduled`, and this sweep records `DeadlineElapsed` once the due day has passed, by deciding the
 * domain's `ElapseDeadline` as the system's administrator, on the dossier's stream, with the injected clock.
 *
 * The read model only nominates candidates (open deadlines due before today); the decision is made on the stream
 * and appended with the revision it was made on. Sweeps are safe to run in every API process at once and to
 * repeat: a concurrent sweep loses the conditional append, a repeated one is refused by the domain
 * (`DEADLINE_NOT_OPEN`), and the event ids are derived from the deadline, so a retried append writes nothing.
 */
import type { FastifyInstance } from 'fastify';
import { decide, DomainError, vietnamDate, type DomainActor } from '@ntm/domain';
import { WrongExpectedRevisionError } from '@ntm/event-store';
import { q } from '@ntm/projections';
import { loadDossier, toNewEvents } from './dossier.js';
import { uuidV5 } from './idempotency.js';

export interface SweepResult {
  /** deadlines recorded as elapsed by this sweep */
  elapsed: number;
  /** candidates left for the next sweep: refused by the domain, or written by someone else meanwhile */
  skipped: number;
}

/** Records every open deadline due before today (Vietnam date of the service's clock) as elapsed. */
export async function sweepDeadlines(fastify: FastifyInstance): Promise<SweepResult> {
  const now = fastify.clock.now();
  const today = vietnamDate(now.toISOString());
  const { sql, schema } = fastify.readModels;
  const { rows } = await sql.query<{ stream_id: string; deadline_id: string }>(
    `SELECT stream_id, deadline_id FROM ${q(schema)}.deadlines
      WHERE state = 'open' AND due_at < $1 ORDER BY due_at, stream_id, deadline_id`,
    [today],
  );
  const result: SweepResult = { elapsed: 0, skipped: 0 };
  for (const { stream_id: streamId, deadline_id: deadlineId } of rows) {
    const dossierId = streamId.replace(/^dossier-/, '');
    const loaded = await loadDossier(fastify.store, dossierId).catch((error: unknown) => {
      // A history the fold cannot read (EVENT_DATA_INVALID) must not stop the sweep of every other dossier.
      if (!(error instanceof DomainError)) throw error;
      fastify.log.warn(
        { streamId, deadlineId, code: error.code, params: error.params },
        'deadline not elapsed',
      );
      return undefined;
    });
    if (loaded?.state === undefined || loaded.revision === undefined) {
      result.skipped += 1;
      continue;
    }
    const actor: DomainActor = {
      id: 'system:deadline-worker',
      role: 'administrator',
      unit: loaded.state.scope.provinceCode,
    };
    const decision = decide(
      loaded.state,
      { type: 'ElapseDeadline', dossierId, deadlineId },
      { now, actor, ...fastify.domainContext },
    );
    if (!decision.ok) {
      fastify.log.warn({ streamId, deadlineId, code: decision.error.code }, 'deadline not elapsed');
      result.skipped += 1;
      continue;
    }
    const events = toNewEvents(decision.value, {
      actor,
      correlationId: uuidV5(`deadline\n${streamId}\n${deadlineId}`),
      causationId: uuidV5(`deadline\n${streamId}\n${deadlineId}`),
      occurredAt: now.toISOString(),
      workflow: loaded.state.workflow,
      eventId: (index) => uuidV5(`deadline\n${streamId}\n${deadlineId}\n${index}`),
    });
    try {
      const appended = await fastify.store.append(loaded.streamId, events, {
        expectedRevision: loaded.revision,
      });
      result.elapsed += 1;
      await fastify.notifyAppended({
        streamId: loaded.streamId,
        revision: appended.nextExpectedRevision,
        position: appended.position,
      });
    } catch (error) {
      // Someone wrote to the dossier since it was read: the next sweep decides again on the new state.
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      result.skipped += 1;
    }
  }
  return result;
}

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
