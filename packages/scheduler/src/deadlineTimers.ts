/**
 * Deadlines as timers, and what a deadline timer does when it fires. Pure mapping plus one decision, over the
 * application's command handler (ADR 0012), so the BullMQ worker, the in-process timers and the operator's
 * "elapse what is overdue now" all decide the same way.
 *
 * A timer is only a reminder to look: when it fires, the dossier is read (hash chain checked) and `DeadlineElapsed`
 * is appended through the domain's `ElapseDeadline` only if that deadline is still open and overdue by the injected
 * clock. A duplicate or late timer finds it elapsed or met and does nothing; an early one answers the instant it is
 * really due; the idempotency key and event ids are derived from the deadline, so even two timers deciding at the
 * same moment append it once (the second loses the conditional append or is answered from the stream).
 */
import {
  ApplicationError,
  ChainBrokenError,
  CommandRefusedError,
  DossierCache,
  handleCommand,
  RevisionMismatchError,
  uuidV5,
  type CommandPorts,
  type SystemPrincipal,
} from '@ntm/application';
import { DomainError, isOverdue, nationalUnits, overdueFrom } from '@ntm/domain';
import type { EventStore, RecordedEvent } from '@ntm/event-store';
import { withBatchedReads } from './batchedReads.js';
import type { Clock, FireOutcome, Timer } from './timers.js';

/** What a deadline timer carries: which deadline of which dossier stream. */
export interface DeadlineTimerData {
  streamId: string;
  deadlineId: string;
}

export type DeadlineTimer = Timer<DeadlineTimerData>;

/** One timer id per deadline, whatever its due day: BullMQ refuses ':' in ids, hence the encoding. */
export const deadlineTimerId = (streamId: string, deadlineId: string): string =>
  `deadline.${encodeURIComponent(streamId)}.${encodeURIComponent(deadlineId)}`;

/** The timer of a deadline due on `dueOn`: it fires when the deadline turns overdue (`overdueFrom`). */
export const deadlineTimer = (streamId: string, deadlineId: string, dueOn: string): DeadlineTimer => ({
  id: deadlineTimerId(streamId, deadlineId),
  dueAt: overdueFrom(dueOn),
  data: { streamId, deadlineId },
});

/**
 * The timers an event sets: every event that gives a deadline a (new) due day. A scheduled deadline; a clock
 * restarted after a supplement request (`DeadlineResumed`: its timer was done when it found the deadline stopped);
 * an extension (its running timer would find it early and wait again, but setting it costs nothing); the new
 * return date of an apology, a deadline of its own. A timer for a due day that later moves is harmless: it fires,
 * finds the deadline not yet due and is set again for the new instant.
 */
export function deadlineTimersOf(event: RecordedEvent): DeadlineTimer[] {
  const data = event.data as {
    deadlineId?: unknown;
    dueOn?: unknown;
    newDeadlineId?: unknown;
    newReturnOn?: unknown;
  };
  const timer = (deadlineId: unknown, dueOn: unknown): DeadlineTimer[] =>
    typeof deadlineId === 'string' && typeof dueOn === 'string'
      ? [deadlineTimer(event.streamId, deadlineId, dueOn)]
      : [];
  switch (event.type) {
    case 'DeadlineScheduled':
    case 'DeadlineResumed':
    case 'DeadlineExtended':
      return timer(data.deadlineId, data.dueOn);
    case 'ApologyIssued':
      return timer(data.newDeadlineId, data.newReturnOn);
    default:
      return [];
  }
}

/** What firing a deadline timer did. */
export type DeadlineFired =
  | { outcome: 'elapsed' }
  /** already elapsed (by another timer, a retry or an operator) or no longer open: nothing to do */
  | { outcome: 'not-open' }
  /** fired before the deadline is overdue: fire again at `retryAt` */
  | { outcome: 'early'; retryAt: string }
  /** refused by the domain or the chain check (logged): nothing appended, the timer is done */
  | { outcome: 'refused'; code: string };

const WORKER: SystemPrincipal = { system: 'deadline-worker' };

export interface FireLog {
  warn(details: object, message: string): void;
}

/** Decides one deadline timer on the dossier as it is now; throws only for transient failures (to be retried). */
export async function fireDeadline(
  ports: CommandPorts,
  { streamId, deadlineId }: DeadlineTimerData,
  log: FireLog,
): Promise<DeadlineFired> {
  const dossierId = streamId.replace(/^dossier-/, '');
  try {
    const { state, revision } = await ports.dossiers.current(ports.store, dossierId);
    const open = state?.deadlines.find((d) => d.deadlineId === deadlineId && d.elapsedOn === undefined);
    if (!open) return { outcome: 'not-open' };
    if (!isOverdue(open.dueOn, ports.clock.now()))
      return { outcome: 'early', retryAt: overdueFrom(open.dueOn) };
    // One name per deadline: every timer of it derives the same idempotency key, event ids and correlation id.
    const name = `deadline\n${streamId}\n${deadlineId}`;
    const command = {
      type: 'ElapseDeadline' as const,
      dossierId,
      body: { deadlineId },
      idempotencyKey: name,
      correlationId: uuidV5(name),
      causationId: uuidV5(name),
    };
    // The revision just read: the handler decides on the state this read cached instead of reading the stream a
    // second time (a burst of 1,000 deadlines due at 00:00 is one read fewer each), and the append is conditional
    // on it. Another writer in between: decide again on the stream as it is then, without a revision.
    let result;
    try {
      result = await handleCommand(ports, WORKER, { ...command, expectedRevision: revision });
    } catch (error) {
      if (!(error instanceof RevisionMismatchError)) throw error;
      result = await handleCommand(ports, WORKER, command);
    }
    // Answered from the stream: a twin timer appended the very same event first.
    return result.replayed ? { outcome: 'not-open' } : { outcome: 'elapsed' };
  } catch (error) {
    // Refused by the domain (elapsed or met meanwhile), another writer won the append, or a broken chain (logged
    // at error level by the handler): deciding again later cannot do better than the next timer or reconcile.
    if (!(error instanceof ApplicationError) && !(error instanceof DomainError)) throw error;
    const code = error instanceof CommandRefusedError ? error.refusal.code : error.code;
    if (!(error instanceof ChainBrokenError))
      log.warn({ streamId, deadlineId, code }, 'deadline not elapsed');
    return { outcome: 'refused', code };
  }
}

/** `fireDeadline` as a timer handler: an early timer is fired again at the due instant. */
export const deadlineTimerHandler =
  (ports: CommandPorts, log: FireLog) =>
  async (timer: DeadlineTimer): Promise<FireOutcome> => {
    const fired = await fireDeadline(ports, timer.data, log);
    return fired.outcome === 'early' ? { retryAt: fired.retryAt } : undefined;
  };

/**
 * The command handler's ports for a process that only runs the deadline worker (the projector's): its own cache,
 * the national unit registry, and no jurisdiction check to make (a system principal is checked by the handler).
 * `notifyAppended` defaults to nothing: with a projector service the dispatcher follows the log.
 */
export function deadlineWorkerPorts(options: {
  store: EventStore;
  clock: Clock;
  log: { error(details: object, message: string): void };
  notifyAppended?: CommandPorts['notifyAppended'];
}): CommandPorts {
  return {
    // A burst of timers reads many dossiers at once: gathered into few round trips (batchedReads.ts).
    store: withBatchedReads(options.store),
    dossiers: new DossierCache(),
    clock: options.clock,
    domainContext: { units: nationalUnits() },
    // Asked only when a dossier is opened, which the deadline worker never does.
    unitRecognition: () => Promise.resolve(null),
    // Asked only for people; the handler checks a system principal against its own command list.
    authorize: () => false,
    notifyAppended: options.notifyAppended ?? (() => Promise.resolve()),
    log: options.log,
  };
}
