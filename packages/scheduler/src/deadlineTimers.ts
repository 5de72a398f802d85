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
 *
 * Two timers per due day (ADR 0034): every deadline of a day turns overdue at the same instant (00:00 in Vietnam),
 * so one **due-day timer** fires them all at that instant, from the deadlines read model, in one process, its reads
 * batched and its appends group-committed; each deadline's **own timer** fires a minute later
 * (`DEADLINE_BACKSTOP_MS`) and finds it elapsed, unless the day's timer missed it (the read model behind, the timer
 * failed): then it elapses it itself. A burst of 1,000 deadlines costs one job on the hot path, not 1,000.
 */
import {
  ApplicationError,
  ChainBrokenError,
  CommandRefusedError,
  DossierCache,
  handleCommand,
  prepareCommand,
  type CurrentDossier,
  type PreparedCommand,
  RevisionMismatchError,
  uuidV5,
  type CommandPorts,
  type SystemPrincipal,
} from '@ntm/application';
import { DomainError, isOverdue, nationalUnits, overdueFrom } from '@ntm/domain';
import type { EventStore, RecordedEvent } from '@ntm/event-store';
import { q } from '@ntm/projections';
import type { SqlClient } from '@ntm/sql';
import { withBatchedReads } from './batchedReads.js';
import type { Clock, FireOutcome, Timer } from './timers.js';

/** Which deadline of which dossier stream: what a deadline's own timer carries. */
export interface DeadlineRef {
  streamId: string;
  deadlineId: string;
}

/**
 * What a due-day timer carries: the day whose open deadlines it fires; with `shards` > 1, only those of the streams
 * in shard `shard` (a hash of the stream id), so that the day's burst spreads over the worker processes (ADR 0039).
 */
export interface DueDayRef {
  dueOn: string;
  shard?: number;
  shards?: number;
}

/** What a timer of the deadline queue carries: one deadline, or every deadline due on one day. */
export type DeadlineTimerData = DeadlineRef | DueDayRef;

export type DeadlineTimer = Timer<DeadlineTimerData>;

/**
 * How long after the instant a deadline turns overdue its own timer fires: its day's timer fires it at the instant,
 * this one is the safety net (and the only cost it adds is a read that finds it elapsed).
 */
export const DEADLINE_BACKSTOP_MS = 60_000;

/** One timer id per deadline, whatever its due day: BullMQ refuses ':' in ids, hence the encoding. */
export const deadlineTimerId = (streamId: string, deadlineId: string): string =>
  `deadline.${encodeURIComponent(streamId)}.${encodeURIComponent(deadlineId)}`;

/** One timer id per due day (an ISO date), or per shard of it (`deadlines-due.<day>.<k>`) when it has shards. */
export const dueDayTimerId = (dueOn: string, shard = 0, shards = 1): string =>
  shards > 1 ? `deadlines-due.${dueOn}.${shard}` : `deadlines-due.${dueOn}`;

const backstopOf = (overdueAt: string): string =>
  new Date(Date.parse(overdueAt) + DEADLINE_BACKSTOP_MS).toISOString();

/** A deadline's own timer: it fires `DEADLINE_BACKSTOP_MS` after the deadline turns overdue (`overdueFrom`). */
export const deadlineTimer = (streamId: string, deadlineId: string, dueOn: string): DeadlineTimer => ({
  id: deadlineTimerId(streamId, deadlineId),
  dueAt: backstopOf(overdueFrom(dueOn)),
  data: { streamId, deadlineId },
});

/** When a due day's timer fires: `prepareMs` before its deadlines turn overdue, to read them ahead (ADR 0040). */
const dueDayAt = (dueOn: string, prepareMs: number): string =>
  new Date(Date.parse(overdueFrom(dueOn)) - prepareMs).toISOString();

/** The timer of a due day: it fires when that day's deadlines turn overdue (or `prepareMs` before), all at once. */
export const dueDayTimer = (dueOn: string, prepareMs = 0): DeadlineTimer => ({
  id: dueDayTimerId(dueOn),
  dueAt: dueDayAt(dueOn, prepareMs),
  data: { dueOn },
});

/**
 * The timers of a due day: one (`dueDayTimer`) or, with `shards` > 1, one per shard, each firing the day's
 * deadlines of its share of the streams, all at the same instant (ADR 0039). With `prepareMs`, that instant is so
 * long before the deadlines turn overdue: the process that takes it reads the dossiers ahead (ADR 0040).
 */
export const dueDayTimers = (dueOn: string, shards = 1, prepareMs = 0): DeadlineTimer[] =>
  shards > 1
    ? Array.from({ length: shards }, (_, shard) => ({
        id: dueDayTimerId(dueOn, shard, shards),
        dueAt: dueDayAt(dueOn, prepareMs),
        data: { dueOn, shard, shards },
      }))
    : [dueDayTimer(dueOn, prepareMs)];

/** The timers of a deadline due on `dueOn`: its day's and its own (the day's collapse on their id). */
export const deadlineTimersFor = (
  streamId: string,
  deadlineId: string,
  dueOn: string,
  shards = 1,
  prepareMs = 0,
): DeadlineTimer[] => [...dueDayTimers(dueOn, shards, prepareMs), deadlineTimer(streamId, deadlineId, dueOn)];

/**
 * The timers an event sets: every event that gives a deadline a (new) due day. A scheduled deadline; a clock
 * restarted after a supplement request (`DeadlineResumed`: its timer was done when it found the deadline stopped);
 * an extension (its running timer would find it early and wait again, but setting it costs nothing); the new
 * return date of an apology, a deadline of its own. A timer for a due day that later moves is harmless: it fires,
 * finds the deadline not yet due and is set again for the new instant.
 */
export function deadlineTimersOf(event: RecordedEvent, shards = 1, prepareMs = 0): DeadlineTimer[] {
  const data = event.data as {
    deadlineId?: unknown;
    dueOn?: unknown;
    newDeadlineId?: unknown;
    newReturnOn?: unknown;
  };
  const timer = (deadlineId: unknown, dueOn: unknown): DeadlineTimer[] =>
    typeof deadlineId === 'string' && typeof dueOn === 'string'
      ? deadlineTimersFor(event.streamId, deadlineId, dueOn, shards, prepareMs)
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

const openIn = (dossier: CurrentDossier, deadlineId: string) =>
  dossier.state?.deadlines.find((d) => d.deadlineId === deadlineId && d.elapsedOn === undefined);

/** The command that elapses a deadline: one name per deadline, so every timer of it derives the same ids. */
function elapseCommand({ streamId, deadlineId }: DeadlineRef) {
  const name = `deadline\n${streamId}\n${deadlineId}`;
  return {
    type: 'ElapseDeadline' as const,
    dossierId: streamId.replace(/^dossier-/, ''),
    body: { deadlineId },
    idempotencyKey: name,
    correlationId: uuidV5(name),
    causationId: uuidV5(name),
  };
}

/** A deadline's dossier read ahead of its instant and, when it was open and due then, its decision (ADR 0040). */
export interface PreparedFiring {
  dossier: CurrentDossier;
  decision?: PreparedCommand | undefined;
}

/**
 * Decides one deadline timer on the dossier as it is now; throws only for transient failures (to be retried).
 * `prepared`: the dossier read and the deadline decided ahead of the instant (`prepareDueDay`), used only with the
 * deadline open in it and the clock at or past the instant: the append is conditional on the revision read, and a
 * dossier written since is read and decided again, as without it.
 */
export async function fireDeadline(
  ports: CommandPorts,
  ref: DeadlineRef,
  log: FireLog,
  prepared?: PreparedFiring,
): Promise<DeadlineFired> {
  const { streamId, deadlineId } = ref;
  const ahead = prepared && openIn(prepared.dossier, deadlineId) ? prepared : undefined;
  const command = elapseCommand(ref);
  try {
    let result;
    if (ahead?.decision && ports.clock.now() >= ahead.decision.at) {
      try {
        result = await ahead.decision.commit();
      } catch (error) {
        // Written since it was read ahead: read it now and decide again, from the start.
        if (error instanceof RevisionMismatchError) return await fireDeadline(ports, ref, log);
        throw error;
      }
    } else {
      // Read ahead: handed back to the cache (never over a newer state), where the handler finds it at its revision.
      const read = ahead?.dossier;
      if (read) ports.dossiers.remember(streamId, read.revision!, read.state!, read.hash!);
      const current = read ?? (await ports.dossiers.current(ports.store, command.dossierId));
      const open = openIn(current, deadlineId);
      if (!open) return { outcome: 'not-open' };
      if (!isOverdue(open.dueOn, ports.clock.now()))
        return { outcome: 'early', retryAt: overdueFrom(open.dueOn) };
      // The revision just read: the handler decides on the state this read cached instead of reading the stream a
      // second time (a burst of 1,000 deadlines due at 00:00 is one read fewer each), and the append is conditional
      // on it. Another writer in between: decide again on the stream as it is then, without a revision.
      try {
        result = await handleCommand(ports, WORKER, { ...command, expectedRevision: current.revision });
      } catch (error) {
        if (!(error instanceof RevisionMismatchError)) throw error;
        if (read) return await fireDeadline(ports, ref, log);
        result = await handleCommand(ports, WORKER, command);
      }
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

/** What firing a due day did. */
export interface DueDayFired {
  /** open deadlines of the day found in the read model */
  found: number;
  elapsed: number;
}

/** Open deadlines read per page when a day fires. */
const DUE_DAY_PAGE = 1000;

/** Most dossiers of one due day (or shard) read ahead and held until the instant; the rest are read then. */
const PREPARE_MAX = 20_000;

/** A shard of a due day (ADR 0039); `{ shard: 0, shards: 1 }` is the whole day. */
type DayPart = { shard: number; shards: number };

type DueRow = { stream_id: string; deadline_id: string };

/**
 * The read model's open deadlines due on `dueOn` in `part`, a page at a time (keyset; DISTINCT: a deadline may be
 * listed once per acting unit, successors). A shard takes the streams whose hash falls in it: every stream in
 * exactly one shard, whatever the number of shards.
 */
async function* dueDayPages(
  read: { sql: SqlClient; schema: string },
  dueOn: string,
  part: DayPart,
): AsyncGenerator<DueRow[]> {
  let after: [string, string] = ['', ''];
  for (;;) {
    const { rows } = await read.sql.query<DueRow>(
      `SELECT DISTINCT stream_id, deadline_id FROM ${q(read.schema)}.deadlines
        WHERE state = 'open' AND due_at = $1 AND (stream_id, deadline_id) > ($2, $3)
          AND ($5::int <= 1 OR mod(hashtext(stream_id)::bigint + 2147483648, $5::int) = $6::int)
        ORDER BY stream_id, deadline_id LIMIT $4`,
      [dueOn, after[0], after[1], DUE_DAY_PAGE, part.shards, part.shard],
    );
    if (rows.length === 0) return;
    yield rows;
    const last = rows.at(-1)!;
    after = [last.stream_id, last.deadline_id];
  }
}

/** Runs `work` on every row, `concurrency` at a time. */
async function inLanes(rows: DueRow[], concurrency: number, work: (row: DueRow) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < rows.length; i = next++) await work(rows[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane));
}

/** Deadlines read and decided ahead of their due day's instant, by stream and deadline (`prepareDueDay`). */
export type PreparedDay = ReadonlyMap<string, PreparedFiring>;

const firingKey = (streamId: string, deadlineId: string) => `${streamId}\n${deadlineId}`;

/**
 * Reads and decides ahead, before the day's instant, the deadlines the read model lists as open and due on `dueOn`
 * (ADR 0040): each dossier read with its hash chain checked and replayed, as a firing would, and `ElapseDeadline`
 * decided as the clock will read at the instant (`prepareCommand`), so that at the instant a firing only appends.
 * Nothing is appended here. A dossier that cannot be read or decided now (a transient failure, a broken chain, a
 * refusal) is left out: its firing reads and decides it then, as without this.
 */
export async function prepareDueDay(
  ports: CommandPorts,
  read: { sql: SqlClient; schema: string },
  dueOn: string,
  concurrency = 128,
  part: DayPart = { shard: 0, shards: 1 },
): Promise<PreparedDay> {
  const instant = new Date(overdueFrom(dueOn));
  const prepared = new Map<string, PreparedFiring>();
  for await (const rows of dueDayPages(read, dueOn, part)) {
    await inLanes(rows, concurrency, async (row) => {
      const ref = { streamId: row.stream_id, deadlineId: row.deadline_id };
      const command = elapseCommand(ref);
      const dossier = await ports.dossiers.current(ports.store, command.dossierId).catch(() => undefined);
      const open = dossier && openIn(dossier, ref.deadlineId);
      if (!open) return;
      const decision = isOverdue(open.dueOn, instant)
        ? await prepareCommand(
            ports,
            WORKER,
            { ...command, expectedRevision: dossier.revision },
            instant,
          ).catch(() => undefined)
        : undefined;
      prepared.set(firingKey(ref.streamId, ref.deadlineId), { dossier, decision });
    });
    if (prepared.size >= PREPARE_MAX) break;
  }
  return prepared;
}

/**
 * Fires every deadline the read model lists as open and due on `dueOn`, `concurrency` at a time (their reads are
 * gathered into few round trips by the ports' batched store, their appends into few INSERTs by the store's group
 * commit). Every deadline is decided by `fireDeadline`, so one already elapsed (by its own timer, a retry, another
 * process) appends nothing. Throws, after the others are done, the first transient failure: the timer is retried.
 * `prepared`: the dossiers read ahead (`prepareDueDay`); the list of deadlines is still the read model's now.
 */
export async function fireDueDay(
  ports: CommandPorts,
  read: { sql: SqlClient; schema: string },
  dueOn: string,
  log: FireLog,
  concurrency = 128,
  /** only the streams of this shard of the day (ADR 0039) */
  part: DayPart = { shard: 0, shards: 1 },
  prepared: PreparedDay = new Map(),
): Promise<DueDayFired> {
  const result: DueDayFired = { found: 0, elapsed: 0 };
  let failure: { error: unknown } | undefined;
  const fire = async (row: DueRow) => {
    try {
      const ref = { streamId: row.stream_id, deadlineId: row.deadline_id };
      const fired = await fireDeadline(
        ports,
        ref,
        log,
        prepared.get(firingKey(ref.streamId, ref.deadlineId)),
      );
      if (fired.outcome === 'elapsed') result.elapsed += 1;
    } catch (error) {
      failure ??= { error };
    }
  };
  for await (const rows of dueDayPages(read, dueOn, part)) {
    result.found += rows.length;
    // Those decided ahead are only appends, waiting on the store: all of the page at once, so that the store's
    // group commit writes them in few INSERTs (in lanes they would go `concurrency` at a time, a round trip each).
    const ahead = rows.filter((row) => prepared.has(firingKey(row.stream_id, row.deadline_id)));
    const rest = rows.filter((row) => !prepared.has(firingKey(row.stream_id, row.deadline_id)));
    await Promise.all([inLanes(ahead, ahead.length, fire), inLanes(rest, concurrency, fire)]);
  }
  if (failure) throw failure.error;
  return result;
}

/** Resolves once `clock` reads `instant` or later (a timer of the process, checked again against the clock). */
export const untilInstant =
  (clock: Clock) =>
  async (instant: string): Promise<void> => {
    for (let ms = Date.parse(instant) - clock.now().getTime(); ms > 0;) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 60_000)));
      ms = Date.parse(instant) - clock.now().getTime();
    }
  };

export interface DeadlineHandlerOptions {
  /** deadlines of a due day fired (and read ahead) at once; default 128 */
  concurrency?: number;
  /**
   * How long before a due day's instant its timer may read and decide the day's deadlines ahead and then wait for
   * the instant to append them (ADR 0040); fired earlier, it waits again for that. Default 0: nothing ahead.
   */
  prepareMs?: number;
  /** waits until the injected clock reads the instant; default `untilInstant(ports.clock)` */
  waitUntil?: (instant: string) => Promise<void>;
}

/**
 * The deadline queue's handler: a due day fires its day's deadlines (`fireDueDay`, from the read model), a
 * deadline's own timer fires that deadline; either, fired early, is fired again when it is due. A due day's timer
 * fired up to `prepareMs` early reads the day's dossiers ahead (`prepareDueDay`), waits for the instant in the
 * process, then fires them: what was decided ahead (for the instant) is appended then, never before.
 */
export const deadlineTimerHandler =
  (
    ports: CommandPorts,
    read: { sql: SqlClient; schema: string },
    log: FireLog,
    options: DeadlineHandlerOptions = {},
  ) =>
  async (timer: DeadlineTimer): Promise<FireOutcome> => {
    const data = timer.data;
    if ('dueOn' in data) {
      const overdueAt = overdueFrom(data.dueOn);
      const part = { shard: data.shard ?? 0, shards: data.shards ?? 1 };
      let prepared: PreparedDay | undefined;
      if (!isOverdue(data.dueOn, ports.clock.now())) {
        const prepareAt = dueDayAt(data.dueOn, options.prepareMs ?? 0);
        if (ports.clock.now() < new Date(prepareAt)) return { retryAt: prepareAt };
        prepared = await prepareDueDay(ports, read, data.dueOn, options.concurrency, part);
        await (options.waitUntil ?? untilInstant(ports.clock))(overdueAt);
        // Never before the instant, whatever the wait did: fire again then (read ahead again, cheaply, from the cache).
        if (!isOverdue(data.dueOn, ports.clock.now())) return { retryAt: overdueAt };
      }
      await fireDueDay(ports, read, data.dueOn, log, options.concurrency, part, prepared);
      return undefined;
    }
    const fired = await fireDeadline(ports, data, log);
    // Early: wait again for the backstop instant of the deadline's (new) due day, not for its day's timer.
    return fired.outcome === 'early' ? { retryAt: backstopOf(fired.retryAt) } : undefined;
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
