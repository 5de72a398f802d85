/**
 * The one write path, free of HTTP: load the dossier (chain checked) → jurisdiction → decide with the injected
 * clock → envelope → conditional append (read and judge again when the cache was stale) → notify. The service's
 * routes, the deadline worker, the benchmarks and any other front end call it with their ports and a principal;
 * it answers or throws the typed errors of `errors.ts`. Shaped after emmett's `CommandHandler` (read, decide,
 * append with the read revision), with what a public register needs on top (ADR 0012):
 *
 * - Jurisdiction before anything about the dossier is revealed: a principal who may not read it is told it does
 *   not exist; one who may read it but not do this gets `OutOfJurisdictionError`; only then the revision check.
 * - `expectedRevision` (HTTP's `If-Match`) equal to the cached revision skips the read: the conditional append
 *   proves the state was current, and when another process wrote first the stream is read and the command judged
 *   again (a revision mismatch, or this request's own events).
 * - An opening without an idempotency key reads nothing: its id is fresh and random, and its `no_stream` append is
 *   the check (ADR 0060).
 * - Under an idempotency key the dossier id of a creation and every event id are derived from the key and the whole
 *   principal, so a retry after a crash finds its own events and answers from them instead of appending twice.
 * - System workers act with a `SystemPrincipal`: no token can be one, and only they issue the system's commands.
 */
import { randomUUID } from 'node:crypto';
import { COMMAND_SPECS } from '@ntm/contracts';
import {
  decide,
  evolve,
  mergerOf,
  numbersNeeded,
  replay,
  vietnamDate,
  type DecisionContext,
  type DrawnNumbers,
  type NumberRequest,
  type DomainActor,
  type DossierScope,
  type DossierState,
  type RecognitionOf,
  type Tier,
  type UnitRegistry,
} from '@ntm/domain';
import {
  chainEvents,
  dossierStreamId,
  GENESIS_HASH,
  WrongExpectedRevisionError,
  type AppendedEvent,
  type AppendResult,
  type EventStore,
  type RecordedEvent,
} from '@ntm/event-store';
import type { Principal } from '@ntm/auth';
import { announceAppend, inSpan, inSpanSync } from '@ntm/telemetry';
import { countersOf, type Counters } from './counters.js';
import type { CurrentDossier, DossierCache } from './DossierCache.js';
import {
  ChainBrokenError,
  CommandRefusedError,
  DossierExistsError,
  DossierNotFoundError,
  OutOfJurisdictionError,
  RevisionMismatchError,
} from './errors.js';
import { eventIdFor, principalScope, uuidV5 } from './ids.js';
import { toNewEvents } from './toNewEvents.js';

/** The system's workers, who they are in the log, and the commands only they issue (never over HTTP). */
export const SYSTEM_WORKERS = {
  'deadline-worker': { id: 'system:deadline-worker', role: 'administrator', commands: ['ElapseDeadline'] },
} as const satisfies Record<string, { id: string; role: DomainActor['role']; commands: readonly string[] }>;

/** A system worker as a principal; it acts for the province of the dossier it acts on. */
export interface SystemPrincipal {
  system: keyof typeof SYSTEM_WORKERS;
}

export type CommandPrincipal = Principal | SystemPrincipal;

/** Commands no token may issue: only the system's workers, inside the service. */
export const SYSTEM_COMMANDS: ReadonlySet<string> = new Set(
  Object.values(SYSTEM_WORKERS).flatMap((w) => w.commands),
);

/** Jurisdiction: may this actor do `action` on a dossier in `scope` (pinned `ruleSet`)? */
export type Authorize = (
  actor: DomainActor,
  action: string,
  scope: DossierScope,
  ruleSet: DossierState['ruleSet'] | undefined,
) => boolean;

/** A unit's highest current recognition, as the decider takes it. */
export interface UnitRecognition {
  tier: Tier;
  decisionNo: string;
}

/** What was just appended; enough for a projection runner to catch up (it reads the events itself). */
export interface AppendedNotice {
  streamId: string;
  revision: bigint;
  position: bigint;
  /**
   * The events this append wrote, as the writer knows them (absent when it wrote none, a retry answered from the
   * stream): an in-process projection that holds the stream's checkpoint folds them without reading (ADR 0041).
   */
  events?: readonly AppendedEvent[] | undefined;
}

/** What the handler needs from the outside world. */
export interface CommandPorts {
  store: EventStore;
  dossiers: DossierCache;
  clock: { now(): Date };
  /** reference data the decider needs; one unit registry for the process */
  domainContext: Omit<DecisionContext, 'now' | 'actor' | 'onBehalfOf' | 'unitRecognition'> & {
    units: UnitRegistry;
  };
  /** the unit's highest current recognition (null when none); asked only when a dossier is opened */
  unitRecognition(unitCode: string): Promise<UnitRecognition | null>;
  /**
   * What each unit held on a day, by code (null: nothing; absent: no decision on the unit on record); asked when a
   * post-merger dossier is opened, for the merged communes' predecessors on the eve of the merger. Without it the
   * statuses the commune declares are taken as they are.
   */
  recognitionsOn?(unitCodes: readonly string[], onDate: string): Promise<Map<string, UnitRecognition | null>>;
  authorize: Authorize;
  /** told after each append; its failure must not fail the command (the events are committed) */
  notifyAppended(notice: AppendedNotice): Promise<void>;
  log: { error(details: object, message: string): void };
  /** where dossier codes and decision numbers are drawn; default: counter streams in `store` */
  counters?: Counters | undefined;
}

/** One command as the caller received it. */
export interface CommandInput {
  /** a command type of the contracts (`COMMAND_SPECS`) */
  type: string;
  /** the dossier; absent for the command that opens one */
  dossierId?: string | undefined;
  /** the command's fields, without `type` and `dossierId` */
  body: Record<string, unknown>;
  /** the revision the caller decided on (`If-Match`); absent: decide on the current one (system workers) */
  expectedRevision?: bigint | undefined;
  /** makes a retry safe: ids derived from it, a retry after a crash answered from the stream */
  idempotencyKey?: string | undefined;
  correlationId: string;
  causationId: string;
  /**
   * Runs once the command is accepted, just before its events are appended (again before a retried append): what
   * the events will refer to must exist first, e.g. an uploaded file's blob. The caller undoes it when the command
   * fails; it is not run when a retry is answered from events already in the stream.
   */
  beforeAppend?: (() => Promise<void>) | undefined;
}

/** The answer: where the dossier is now and what was appended. */
export interface CommandResult {
  dossierId: string;
  created: boolean;
  revision: bigint;
  events: { eventId: string; type: string; fromState?: string | undefined; toState?: string | undefined }[];
  /** true when the events were already in the stream (a retry of a request whose answer was lost) */
  replayed: boolean;
}

/** The command handler over `ports`. */
export function commandHandler(ports: CommandPorts) {
  return (principal: CommandPrincipal, input: CommandInput): Promise<CommandResult> =>
    handleCommand(ports, principal, input);
}

/** Handles one command; see the file comment for the guarantees. */
export async function handleCommand(
  ports: CommandPorts,
  principal: CommandPrincipal,
  input: CommandInput,
): Promise<CommandResult> {
  const ids = identify(principal, input);
  return inCommandSpan(input, ids, () => attempt(ports, principal, input, { ...ids, fresh: false }));
}

/** A command decided ahead for an instant (`prepareCommand`), its events appended only by `commit`. */
export interface PreparedCommand {
  /** the instant it was decided for: committing earlier would act before it */
  at: Date;
  /**
   * Appends what was decided, conditionally on the revision it was decided on; throws `RevisionMismatchError` when
   * the dossier was written since (decide it again, with `handleCommand`), and the handler's other errors.
   */
  commit(): Promise<CommandResult>;
}

/**
 * Decides `input` now as if the clock read `at` (a deadline's instant, known ahead: ADR 0040), without appending:
 * the work of reading and deciding is done before the instant and `commit`, called at or after it, only appends.
 * The append is conditional on the revision decided on, and a conflict is not retried on other state: the caller
 * decides again. A refusal (or any other answer) is thrown here, as by `handleCommand`. Not for commands that
 * draw numbers: a number drawn ahead would be lost with a decision never committed.
 */
export async function prepareCommand(
  ports: CommandPorts,
  principal: CommandPrincipal,
  input: CommandInput,
  at: Date,
): Promise<PreparedCommand> {
  const atInstant = { ...ports, clock: { now: () => at } };
  const step: Attempt = { ...identify(principal, input), fresh: false, prepared: true };
  const decided = await decideAttempt(atInstant, principal, input, step);
  return {
    at,
    commit: () =>
      'answer' in decided
        ? Promise.resolve(decided.answer)
        : inCommandSpan(input, step, () => appendDecided(atInstant, principal, input, step, decided)),
  };
}

/** A dossier not opened yet, as `load` finds one: no state, no revision. */
const unopened = (dossierId: string): CurrentDossier => ({
  streamId: dossierStreamId(dossierId),
  state: undefined,
  revision: undefined,
  hash: undefined,
});

/** The dossier a command is about (a creation's derived from its key) and the ids of its events. */
function identify(
  principal: CommandPrincipal,
  input: CommandInput,
): Pick<Attempt, 'creates' | 'dossierId' | 'eventId'> {
  const creates = COMMAND_SPECS.find((s) => s.type === input.type)?.creates === true;
  const key = input.idempotencyKey;
  const scopeKey = 'system' in principal ? SYSTEM_WORKERS[principal.system].id : principalScope(principal);
  const dossierId = creates
    ? key === undefined
      ? randomUUID()
      : uuidV5(`dossier\n${scopeKey}\n${key}`)
    : input.dossierId;
  if (dossierId === undefined) throw new DossierNotFoundError('');
  const eventId = (index: number) => (key === undefined ? randomUUID() : eventIdFor(key, scopeKey, index));
  return { creates, dossierId, eventId };
}

/** A span around what no instrumentation sees (ADR 0032); a refusal is an answer, not a failure of the span. */
const inCommandSpan = <T>(input: CommandInput, { dossierId }: { dossierId: string }, run: () => Promise<T>) =>
  inSpan(
    'ntm.command',
    {
      attributes: { 'ntm.command.type': input.type, 'ntm.dossier.id': dossierId },
      isError: (error) => !isAnswer(error),
    },
    run,
  );

/** The typed errors a command answers with (problem details), as opposed to failures. */
function isAnswer(error: unknown): boolean {
  return (
    error instanceof CommandRefusedError ||
    error instanceof DossierExistsError ||
    error instanceof DossierNotFoundError ||
    error instanceof OutOfJurisdictionError ||
    error instanceof RevisionMismatchError
  );
}

interface Attempt {
  creates: boolean;
  dossierId: string;
  eventId: (index: number) => string;
  /** true once the cache proved stale: read the stream */
  fresh: boolean;
  /** decided ahead (`prepareCommand`): no numbers drawn, a conflict not retried */
  prepared?: boolean;
}

/** What a command decided: an answer already (a retry found its own events), or events to append on `loaded`. */
type Decided =
  | { answer: CommandResult }
  | {
      loaded: CurrentDossier;
      /** the state read was the cache's, not the stream's: a conflict means read and judge again */
      cached: boolean;
      expectedRevision: bigint | 'no_stream';
      state: DossierState;
      events: ReturnType<typeof toNewEvents>;
    };

async function attempt(
  ports: CommandPorts,
  principal: CommandPrincipal,
  input: CommandInput,
  step: Attempt,
): Promise<CommandResult> {
  const decided = await decideAttempt(ports, principal, input, step);
  return 'answer' in decided ? decided.answer : appendDecided(ports, principal, input, step, decided);
}

async function decideAttempt(
  ports: CommandPorts,
  principal: CommandPrincipal,
  input: CommandInput,
  { creates, dossierId, eventId, fresh, prepared }: Attempt,
): Promise<Decided> {
  const expected = input.expectedRevision;
  const now = ports.clock.now();
  // The instant as the decider and the envelope write it: worked out once per command.
  const occurredAt = now.toISOString();
  // A caller that names the revision the cache holds is usually right: skip the read, let the append judge.
  // A creation without an idempotency key opens a fresh random id (`identify`): there is no stream to read, and
  // the append's `no_stream` proves it; were the id taken, the conflict reads and judges again (ADR 0060).
  const cached = creates
    ? fresh || input.idempotencyKey !== undefined
      ? undefined
      : unopened(dossierId)
    : fresh || expected === undefined
      ? undefined
      : ports.dossiers.at(dossierId, expected);
  const loaded =
    cached ??
    (await inSpan('ntm.command.load', { attributes: { 'ntm.dossier.id': dossierId } }, () =>
      load(ports, principal, input.type, dossierId),
    ));

  let expectedRevision: bigint | 'no_stream' = 'no_stream';
  if (loaded.state !== undefined) {
    checkJurisdiction(ports, principal, input.type, loaded.state, dossierId);
    if (creates) {
      // A creation retried after a crash finds its own first event: answer from the stream.
      const own = await ownEvents(ports, loaded.streamId, 0n, input, eventId);
      if (own) return { answer: answerFrom(dossierId, true, own) };
      throw new DossierExistsError(dossierId);
    }
    if (expected !== undefined && expected !== loaded.revision) {
      // The stream moved past the caller's revision: maybe by this very request, retried after a crash.
      const own = await ownEvents(ports, loaded.streamId, expected + 1n, input, eventId);
      if (own) return { answer: answerFrom(dossierId, false, own) };
      throw new RevisionMismatchError(String(expected), loaded.revision);
    }
    expectedRevision = loaded.revision!;
  } else if (!creates) {
    throw new DossierNotFoundError(dossierId);
  }

  const actor = actorOf(principal, loaded.state);
  const onBehalfOf = 'system' in principal ? undefined : principal.onBehalfOf;
  const today = vietnamDate(now);
  // Jurisdiction before the decider on opening: a stranger must not learn what the domain says about the unit.
  if (creates) {
    const scope = openingScope(input.body, today, ports.domainContext.units);
    if (scope) checkJurisdiction(ports, principal, input.type, { scope });
  }
  // Opening a dossier depends on the unit's current recognition (the tier ladder, revocation), from a read model.
  const unitCode = creates ? (input.body as { unitCode?: unknown }).unitCode : undefined;
  const unitRecognition = typeof unitCode === 'string' ? await ports.unitRecognition(unitCode) : undefined;
  const complaintTarget = creates ? await complaintTargetOf(ports, principal, input.body) : undefined;
  const command = { ...input.body, type: input.type, dossierId };
  const recognitionOf = creates ? await predecessorRecognitions(ports, input.body, today) : undefined;
  const context = {
    ...ports.domainContext,
    now: occurredAt,
    actor,
    onBehalfOf,
    unitRecognition,
    ...(recognitionOf ? { recognitionOf } : {}),
    ...(complaintTarget ? { complaintTarget } : {}),
  };
  // Judge the command first, with its numbers written as 0; only an accepted command draws (ADR 0016).
  const needed = numbersNeeded(loaded.state, command, today, onBehalfOf ?? actor);
  const judged = inSpanSync('ntm.command.decide', {}, () =>
    decide(loaded.state, command, { ...context, numbers: numbersFrom(needed, () => 0) }),
  );
  if (!judged.ok) throw new CommandRefusedError(judged.error);
  let decided = judged.value;
  if (needed.length > 0 && prepared)
    throw new Error(`${input.type} draws numbers: it cannot be decided ahead`);
  if (needed.length > 0) {
    const counters = ports.counters ?? countersOf(ports.store);
    const metadata = {
      actor,
      onBehalfOf,
      correlationId: input.correlationId,
      causationId: input.causationId,
      occurredAt,
    };
    const drawn = await Promise.all(needed.map((r) => counters.draw(r, { dossierId, metadata })));
    const numbered = decide(loaded.state, command, {
      ...context,
      numbers: numbersFrom(needed, (i) => drawn[i]!),
    });
    if (!numbered.ok) throw new CommandRefusedError(numbered.error);
    decided = numbered.value;
  }

  const state = loaded.state ?? replay(decided);
  // The scope the domain recorded is the one that counts; it agrees with `openingScope` for every known unit.
  if (creates) checkJurisdiction(ports, principal, input.type, state);
  const events = toNewEvents(decided, {
    actor,
    onBehalfOf,
    correlationId: input.correlationId,
    causationId: input.causationId,
    occurredAt,
    workflow: state.workflow,
    eventId,
  });
  return { loaded, cached: cached !== undefined && !prepared, expectedRevision, state, events };
}

async function appendDecided(
  ports: CommandPorts,
  principal: CommandPrincipal,
  input: CommandInput,
  step: Attempt,
  { loaded, cached, expectedRevision, state, events }: Exclude<Decided, { answer: CommandResult }>,
): Promise<CommandResult> {
  const { creates, dossierId } = step;
  await input.beforeAppend?.();
  let result: AppendResult;
  try {
    result = await inSpan(
      'ntm.command.append',
      {
        attributes: {
          'ntm.stream.id': loaded.streamId,
          'ntm.events.count': events.length,
          'ntm.stream.expected_revision': String(expectedRevision),
        },
        isError: (error) => !(error instanceof WrongExpectedRevisionError),
      },
      async (span) => {
        await announceAppend(events[0]!.eventId);
        const appended = await ports.store.append(loaded.streamId, events, { expectedRevision });
        span.setAttributes({
          'ntm.stream.revision': String(appended.nextExpectedRevision),
          'ntm.log.position': String(appended.position),
          'ntm.events.written': appended.written,
        });
        const first = loaded.revision === undefined ? 0n : loaded.revision + 1n;
        const written = appended.written === events.length;
        if (written) {
          // The hash the store gave the last event (computed as it does when it does not say): the next read checks
          // its head against it.
          const hash =
            appended.hash ??
            chainEvents(loaded.streamId, first, loaded.hash ?? GENESIS_HASH, events).at(-1)!.hash;
          const after = loaded.state ? events.reduce((folded, e) => evolve(folded, e), loaded.state) : state;
          ports.dossiers.remember(loaded.streamId, appended.nextExpectedRevision, after, hash);
        }
        // In the append's span: whatever the notice starts (the inline projections) belongs to its trace.
        await ports.notifyAppended({
          streamId: loaded.streamId,
          revision: appended.nextExpectedRevision,
          position: appended.position,
          ...(written
            ? {
                events: events.map((e, i) => ({
                  ...e,
                  streamId: loaded.streamId,
                  revision: first + BigInt(i),
                })),
              }
            : {}),
        });
        return appended;
      },
    );
  } catch (error) {
    // The cached state was not current (another process wrote): read the stream and judge the command again.
    if (cached && error instanceof WrongExpectedRevisionError)
      return attempt(ports, principal, input, { ...step, fresh: true });
    if (error instanceof WrongExpectedRevisionError)
      throw new RevisionMismatchError(String(expectedRevision), error.actual);
    throw error;
  }
  return {
    dossierId,
    created: creates,
    revision: result.nextExpectedRevision,
    events: events.map((e) => ({
      eventId: e.eventId,
      type: e.type,
      fromState: e.metadata.fromState,
      toState: e.metadata.toState,
    })),
    // Nothing written: a twin of this request (same key, same ids) appended the very same events first.
    replayed: result.written === 0,
  };
}

/**
 * Reads the dossier, its chain checked. A broken chain is logged at error level and refused; the principal learns
 * of it only if the trustworthy part of the stream shows they may read the dossier.
 */
async function load(
  ports: Pick<CommandPorts, 'store' | 'dossiers' | 'authorize' | 'log'>,
  principal: CommandPrincipal,
  action: string,
  dossierId: string,
): Promise<CurrentDossier> {
  try {
    return await ports.dossiers.current(ports.store, dossierId);
  } catch (error) {
    if (!(error instanceof ChainBrokenError)) throw error;
    ports.log.error(
      { streamId: error.streamId, revision: String(error.revision), reason: error.reason, action },
      'hash chain broken: dossier refused',
    );
    // With no trustworthy event (the opening itself altered) no one can be judged a reader: not found.
    if (error.trusted) checkJurisdiction(ports, principal, action, error.trusted, dossierId);
    else if (!('system' in principal)) throw new DossierNotFoundError(dossierId);
    throw error;
  }
}

/** The current dossier, its chain checked, for a principal who may do `action` (a read) on it; not found otherwise. */
export async function dossierFor(
  ports: Pick<CommandPorts, 'store' | 'dossiers' | 'authorize' | 'log'>,
  principal: Principal,
  action: string,
  dossierId: string,
): Promise<CurrentDossier & { state: DossierState; revision: bigint }> {
  const loaded = await load(ports, principal, action, dossierId);
  if (loaded.state === undefined || loaded.revision === undefined) throw new DossierNotFoundError(dossierId);
  checkJurisdiction(ports, principal, action, loaded.state, dossierId);
  return { ...loaded, state: loaded.state, revision: loaded.revision };
}

/**
 * Throws unless the principal may do `action` on the dossier: `DossierNotFoundError` when they may not even read
 * it (exactly as for a dossier that does not exist), `OutOfJurisdictionError` when they may read but not act, or
 * when there is nothing to hide (no `dossierId`: a dossier about to be opened).
 */
export function checkJurisdiction(
  ports: Pick<CommandPorts, 'authorize'>,
  principal: CommandPrincipal,
  action: string,
  state: Pick<DossierState, 'scope'> & Partial<Pick<DossierState, 'ruleSet'>>,
  dossierId?: string,
): void {
  if ('system' in principal) {
    if ((SYSTEM_WORKERS[principal.system].commands as readonly string[]).includes(action)) return;
    throw new OutOfJurisdictionError(actorOf(principal, state), action);
  }
  const { actor } = principal;
  if (!SYSTEM_COMMANDS.has(action) && ports.authorize(actor, action, state.scope, state.ruleSet)) return;
  if (
    dossierId === undefined ||
    (action !== 'read' && ports.authorize(actor, 'read', state.scope, state.ruleSet))
  )
    throw new OutOfJurisdictionError(actor, action);
  throw new DossierNotFoundError(dossierId, { actor, action });
}

function actorOf(principal: CommandPrincipal, state: Pick<DossierState, 'scope'> | undefined): DomainActor {
  if (!('system' in principal)) return principal.actor;
  const worker = SYSTEM_WORKERS[principal.system];
  return { id: worker.id, role: worker.role, unit: state?.scope.provinceCode ?? '' };
}

/** This request's own events at `from`, when a crash kept it from answering; undefined when they are not there. */
async function ownEvents(
  ports: CommandPorts,
  streamId: string,
  from: bigint,
  input: CommandInput,
  eventId: (index: number) => string,
): Promise<RecordedEvent[] | undefined> {
  if (input.idempotencyKey === undefined) return undefined;
  const events = await ports.store.readStream(streamId, { fromRevision: from });
  const mine: RecordedEvent[] = [];
  for (const event of events) {
    if (event.eventId !== eventId(mine.length)) break;
    mine.push(event);
  }
  return mine.length > 0 ? mine : undefined;
}

/** The answer to a request whose events are already in the stream (a retry after a crash). */
function answerFrom(dossierId: string, created: boolean, mine: RecordedEvent[]): CommandResult {
  return {
    dossierId,
    created,
    revision: mine.at(-1)!.revision,
    events: mine.map((e) => ({
      eventId: e.eventId,
      type: e.type,
      fromState: e.metadata.fromState,
      toState: e.metadata.toState,
    })),
    replayed: true,
  };
}

/**
 * The dossier a COMPLAINT is about, when the principal may read it; undefined otherwise, so the domain refuses the
 * complaint exactly as for a dossier that does not exist and a stranger learns nothing.
 */
async function complaintTargetOf(
  ports: CommandPorts,
  principal: CommandPrincipal,
  body: Record<string, unknown>,
): Promise<DossierState | undefined> {
  const targetId = (body.complaint as { targetDossierId?: unknown } | undefined)?.targetDossierId;
  if (body.kind !== 'COMPLAINT' || typeof targetId !== 'string' || 'system' in principal) return undefined;
  const { state } = await ports.dossiers.current(ports.store, targetId);
  if (!state || !ports.authorize(principal.actor, 'read', state.scope, state.ruleSet)) return undefined;
  return state;
}

/** The numbers of `needed`, written with `nth(i)` as the i-th; undefined when none is needed. */
function numbersFrom(needed: NumberRequest[], nth: (i: number) => number): DrawnNumbers | undefined {
  if (needed.length === 0) return undefined;
  return Object.fromEntries(needed.map((r, i) => [r.purpose, r.format(nth(i))]));
}

/** Where a dossier about to be opened will sit, from the unit registry; undefined for a unit it does not know. */
function openingScope(
  body: Record<string, unknown>,
  today: string,
  units: UnitRegistry,
): DossierScope | undefined {
  const { unitCode, communeCode: given } = body as { unitCode?: unknown; communeCode?: unknown };
  if (typeof unitCode !== 'string') return undefined;
  const communeCode = typeof given === 'string' ? given : unitCode.split('-')[0]!;
  try {
    if (!units.get(communeCode, today)) return undefined;
    return {
      unitCode,
      communeCode,
      districtCode: units.districtOf(communeCode, today)?.code,
      provinceCode: units.provinceOf(communeCode, today).code,
    };
  } catch {
    // An unknown unit: the decider refuses it with its own code.
    return undefined;
  }
}

/**
 * For a post-merger opening: the recognition record of the merged commune's predecessors (by code, from the lineage)
 * on the eve of the merger, as the decider's `recognitionOf`. The decider checks the declared statuses against it.
 */
async function predecessorRecognitions(
  ports: CommandPorts,
  body: Record<string, unknown>,
  today: string,
): Promise<RecognitionOf | undefined> {
  if (!ports.recognitionsOn || body['kind'] !== 'POST_MERGER_ACKNOWLEDGEMENT') return undefined;
  const unitCode = body['unitCode'];
  if (typeof unitCode !== 'string') return undefined;
  const merger = mergerOf(unitCode, today, ports.domainContext.units);
  if (!merger) return undefined;
  const held = await ports.recognitionsOn(
    merger.predecessors.map((p) => p.code),
    merger.statusOn,
  );
  return (code, onDate) => (onDate === merger.statusOn ? held.get(code) : undefined);
}
