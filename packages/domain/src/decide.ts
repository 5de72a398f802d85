/**
 * The decider: a command, the dossier's state and the context in, events or a refusal out. The pinned machine,
 * through XState's pure `transition`, says where the command leads and which deadline it opens; the named checks
 * say why a command is refused. Nothing here reads a clock or does I/O.
 */
import { COMMAND_SPECS, quickSafeParse, type CommandBody, type CommandType } from '@ntm/contracts';
import type { DomainActor, DomainEvent, DossierKind, Result, Role, Tier } from './model.js';
import { DomainError } from './errors.js';
import type { DossierState, OpenDeadline, SuspendedDeadline } from './state.js';
import {
  addWorkingDays,
  criteriaSetBasis,
  criteriaSetById,
  nationalCalendar,
  nationalUnits,
  procedureRulesFor,
  ReferenceDataError,
  ruleSetAt,
  ruleSetById,
  RulesRecorder,
  remainingWorkingDays,
  resumedDueOn,
  unconfirmedYearsBetween,
  type HolidayCalendar,
  type ProcedureRules,
  type ProvincialProcedureRules,
  type RuleSet,
  type UnitRegistry,
  isOverdue,
  vietnamDate,
} from './reference/index.js';
import { firstFailure } from './workflows/checks.js';
import { candidatesOf, INITIAL_STEP, tableTransition, type EdgeMeta } from './workflows/machine.js';
import { workflowByPin, workflowFor, type RegisteredWorkflow } from './workflows/registry.js';
import type { DeadlineStep, DecisionInput } from './workflows/types.js';
import type { RecognitionOf } from './workflows/merger.js';
import { complaintResolutionDays } from './workflows/complaint.js';
import { byOf, commandEvent, event, openedEvent, scopeOf, type CheckedCommand } from './emit.js';
import { assertTierInProgramme, openingCriteria } from './programme.js';
import { decisionProvenance, procedureUnconfirmed, recordCriteria, ruleSetName } from './provenance.js';
import {
  actingRole,
  mergedUnitSuccession,
  performerOf,
  pinnedVillageDecider,
  successionFor,
  successorUnits,
  type SuccessionInForce,
  type SuccessionRecord,
} from './workflows/succession.js';

/** What the decider needs besides the state: the injected clock, who acts, and facts about the unit. */
export interface DecisionContext {
  /** the current instant, ISO 8601 (a Date is accepted too) */
  now: string | Date;
  actor: DomainActor;
  onBehalfOf?: DomainActor | undefined;
  /** the unit's current recognition (NTM before advanced before model; revocation needs one) */
  unitRecognition?: { tier: Tier; decisionNo: string } | null | undefined;
  /** administrative units; defaults to the Bắc Kạn registry from the seed */
  units?: UnitRegistry | undefined;
  /** days off for working-day deadlines; defaults to the national calendar (`nationalCalendar`, with its fallback) */
  holidays?: HolidayCalendar | undefined;
  /** numbers drawn for this command from the counters (the application draws them once the command is judged) */
  numbers?: DrawnNumbers | undefined;
  /**
   * A unit's recognition on a day, by code, from the unitRecognition read model: the statuses of a merged
   * commune's predecessors on the eve of the merger. Without it the statuses the commune declares are used.
   */
  recognitionOf?: RecognitionOf | undefined;
  /** what provinces set for their own procedure (village council, announcers); defaults to the encoded ones */
  provincialRules?: readonly ProvincialProcedureRules[] | undefined;
  /**
   * Opening a COMPLAINT: the dossier whose decision is complained of, as its events fold (the application reads it
   * by the `complaint.targetDossierId` of the command); absent when there is no such dossier.
   */
  complaintTarget?: DossierState | undefined;
  /**
   * A rule set to judge by instead of the one the dossier pinned (or the one in force, for OpenDossier): only for
   * what-if replays of past dossiers under a proposed rule set, which write nothing. The service never sets it.
   */
  ruleSet?: RuleSet | undefined;
}

/**
 * What the counters gave a command: the dossier code on its first submission, the decision's number and symbol
 * when the command names none. The decider only records them; which numbers a command needs is `numbersNeeded`.
 */
export interface DrawnNumbers {
  dossierCode?: string | undefined;
  decisionNo?: string | undefined;
}

/** An event as decided, with the machine step before and after it. */
export type DecidedEvent = DomainEvent & { fromState: string; toState: string };

/**
 * A command: its type, the dossier id, and the body of its contract. One member per command of `COMMAND_SPECS`,
 * discriminated on `type`, its fields typed by the command's zod schema.
 */
export type Command = {
  [T in CommandType]: { type: T; dossierId?: string | undefined } & CommandBody<T>;
}[CommandType];

/** A command built from strings (tests, scripts, fixtures): its type and body are checked at run time only. */
export type DossierCommand = { type: string; dossierId?: string | undefined } & Record<string, unknown>;

/**
 * What `decide` accepts for a command of type `T`: the `Command` of that type when `T` is a literal (or a union of
 * them), so the compiler checks the type's name and its fields; a `DossierCommand` when `T` is only a string.
 */
export type Decidable<T extends string> = T extends CommandType
  ? Extract<Command, { type: T }>
  : string extends T
    ? DossierCommand
    : never;

let defaultUnits: UnitRegistry | undefined;

const refuse = (
  code: DomainError['code'],
  en: string,
  vi: string,
  params?: Record<string, unknown>,
): never => {
  throw new DomainError(code, en, vi, params);
};

/**
 * Decides a command against a dossier (undefined before it is opened). Refusals are returned, never thrown. Every
 * command is checked against its schema here (`UNKNOWN_COMMAND`, `VALIDATION_FAILED`), typed or not: a body that
 * reached the domain through a cast is refused, never recorded.
 */
export function decide<T extends string>(
  state: DossierState | undefined,
  command: Decidable<T> & { type: T },
  ctx: DecisionContext,
): Result<DecidedEvent[], DomainError> {
  try {
    return { ok: true, value: decideOrThrow(state, command, ctx) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    if (error instanceof ReferenceDataError) {
      const code = error.code === 'CALENDAR_MISSING_YEAR' ? 'CALENDAR_MISSING_YEAR' : 'VALIDATION_FAILED';
      return {
        ok: false,
        error: new DomainError(code, error.message, `dữ liệu tham chiếu không hợp lệ: ${error.message}`, {
          referenceCode: error.code,
          ...error.details,
        }),
      };
    }
    throw error;
  }
}

/** The command's type and its body as its schema outputs it; refuses an unknown type or a body that breaks it. */
function checked(command: DossierCommand): CheckedCommand {
  const { type, dossierId: _dossierId, ...rawBody } = command;
  const spec = COMMAND_SPECS.find((s) => s.type === type);
  if (!spec)
    return refuse('UNKNOWN_COMMAND', `unknown command ${type}`, `lệnh không hợp lệ ${type}`, { type });
  // The compiled check first (ADR 0047): a body zod would return unchanged is taken as it is (`rawBody` is a copy).
  const parsed = quickSafeParse(spec.schema, rawBody);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    return refuse(
      'VALIDATION_FAILED',
      `invalid ${type}: ${issues.join('; ')}`,
      `dữ liệu ${type} không hợp lệ: ${issues.join('; ')}`,
      { issues },
    );
  }
  // The schema was found by `type`, so its output is that command's body.
  return { type: spec.type, body: parsed.data } as CheckedCommand;
}

function decideOrThrow(
  state: DossierState | undefined,
  received: DossierCommand,
  ctx: DecisionContext,
): DecidedEvent[] {
  const { dossierId } = received;
  const command = checked(received);
  const { type, body } = command;
  const now = typeof ctx.now === 'string' ? ctx.now : ctx.now.toISOString();
  if (Number.isNaN(Date.parse(now)))
    refuse('VALIDATION_FAILED', `now is not an ISO instant: ${now}`, `thời điểm không hợp lệ: ${now}`);
  const today = vietnamDate(now);
  const units = ctx.units ?? (defaultUnits ??= nationalUnits());
  const holidays = ctx.holidays ?? nationalCalendar();
  const base = {
    today,
    now,
    actor: ctx.actor,
    onBehalfOf: ctx.onBehalfOf,
    unitRecognition: ctx.unitRecognition,
    units,
    holidays,
    numbers: ctx.numbers,
    ...(ctx.recognitionOf ? { recognitionOf: ctx.recognitionOf } : {}),
    ...(ctx.complaintTarget ? { complaintTarget: ctx.complaintTarget } : {}),
  };

  if (state === undefined) {
    if (command.type !== 'OpenDossier')
      return refuse('DOSSIER_NOT_OPENED', `${type} needs an opened dossier`, `${type} cần một hồ sơ đã mở`);
    if (!dossierId)
      return refuse('VALIDATION_FAILED', 'OpenDossier needs a dossierId', 'OpenDossier cần dossierId');
    const { kind } = command.body;
    const wf = workflowFor(kind, today);
    const ruleSet = wf ? (ctx.ruleSet ?? safely(() => ruleSetAt(today))) : undefined;
    if (!wf || !ruleSet) {
      return refuse(
        'NO_WORKFLOW_FOR_DATE',
        `no ${kind} workflow is in force on ${today}`,
        `không có quy trình ${kind} áp dụng ngày ${today}`,
        { kind, date: today },
      );
    }
    const rec = new RulesRecorder();
    assertTierInProgramme(kind, today, rec);
    // A complaint sits where the decision it is about sits, even if that unit has since been merged away.
    const target = kind === 'COMPLAINT' ? ctx.complaintTarget : undefined;
    const scopeNow = () => target?.scope ?? scopeOf(command.body, units, today);
    // The unit checks run on the machine below; a unit they refuse has no province, and the national rules apply.
    const province = safely(() => scopeNow().provinceCode);
    const procedure = procedureRulesFor(ruleSet.id, province, today, ctx.provincialRules);
    const input = {
      ...base,
      ruleSet: rec.wrap(ruleSet, ruleSetName(ruleSet)),
      procedure: rec.wrap(procedure, PROCEDURE),
    };
    const to = step(wf, INITIAL_STEP, null, type, body, input);
    const scope = scopeNow();
    const criteria = target
      ? {
          set: criteriaSetById(target.criteriaSetId),
          basis: criteriaSetBasis(criteriaSetById(target.criteriaSetId)),
        }
      : openingCriteria(command.body, today, scope, units);
    recordCriteria(rec, criteria);
    const opened = openedEvent(dossierId, command.body, input, scope, wf, criteria);
    const unconfirmed = procedureUnconfirmed(ruleSet, today, rec);
    return [
      {
        ...withLaw(opened, rec.take(), unconfirmed ? { procedureUnconfirmed: unconfirmed } : {}),
        fromState: 'draft',
        toState: to.to,
      },
    ];
  }

  if (type === 'OpenDossier')
    return refuse(
      'DOSSIER_ALREADY_OPEN',
      `dossier ${state.id} is already open`,
      `hồ sơ ${state.id} đã được mở`,
    );
  const wf = workflowByPin(state.workflow);
  if (!wf)
    return refuse(
      'NO_WORKFLOW_FOR_DATE',
      `unknown workflow ${state.workflow.id} v${state.workflow.version}`,
      `không có quy trình ${state.workflow.id} v${state.workflow.version}`,
    );
  const succession = successionFor(
    state,
    today,
    safely(() => ruleSetAt(today)),
  );
  const rec = new RulesRecorder();
  const pinned = ctx.ruleSet ?? ruleSetById(state.ruleSet.id, state.ruleSet.version);
  const procedure = pinnedProcedure(state, ctx.provincialRules);
  const input: DecisionInput = {
    ...base,
    ruleSet: rec.wrap(pinned, ruleSetName(pinned)),
    procedure: rec.wrap(procedure, PROCEDURE),
    ...(succession ? { succession } : {}),
  };
  if (command.type === 'SignDecision') return decideSignature(command.body, state, wf, input);
  const taken = step(wf, state.step, state, type, body, input);
  const decided = commandEvent(command, state, input, taken.to);
  // Which rule let a successor act is part of the record, beside who acted.
  const primary = taken.succession
    ? { ...decided, data: { ...decided.data, succession: taken.succession } }
    : decided;
  if (taken.succession) recordSuccession(rec, taken.succession);
  // A decision lists the law the whole dossier stood on, so whoever signs sees which figures are defaults.
  const law = DECISIONS.has(type)
    ? {
        provenance: decisionProvenance(state, rec, units, { [PROCEDURE]: procedure }),
        ...(state.procedureUnconfirmed ? { procedureUnconfirmed: state.procedureUnconfirmed } : {}),
      }
    : {};
  // A supplement request stops the running clocks (read before the primary event takes the rules it read).
  const suspended =
    command.type === 'ReturnDossier' && isSupplementRequest(command.body.reasons, input.procedure)
      ? state.deadlines.map((d) => suspendedEvent(d, today, holidays))
      : [];
  const recorded = withLaw(primary, rec.take(), law);
  // A deadline is an output of the transition, recorded once the dossier is in its new step; a clock stopped by a
  // supplement request restarts with what was left of it instead.
  const deadlines = taken.deadlines.map((d) => {
    const stopped = state.suspendedDeadlines?.find((x) => x.step === d);
    return withLaw(
      stopped
        ? resumedEvent(stopped, today, holidays)
        : deadlineEvent(d, today, input.ruleSet, holidays, body),
      rec.take(),
    );
  });
  return [
    { ...recorded, fromState: state.step, toState: taken.to },
    ...[...suspended, ...deadlines].map((e) => ({ ...e, fromState: taken.to, toState: taken.to })),
  ];
}

/**
 * Ký số quyết định: the signed decision is recorded beside the decision, not as a step of the procedure (ADR 0028):
 * the dossier stays where it is and no workflow version has an edge for it. Whoever the pinned workflow lets decide
 * the dossier (or their successor after a reform) may sign its decision, once per decision number.
 */
function decideSignature(
  body: CommandBody<'SignDecision'>,
  state: DossierState,
  wf: RegisteredWorkflow,
  input: DecisionInput,
): DecidedEvent[] {
  const decision = state.decision;
  if (decision === undefined)
    return refuse(
      'DECISION_NOT_TAKEN',
      `dossier ${state.id} has no decision to sign`,
      `hồ sơ ${state.id} chưa có quyết định để ký`,
    );
  if (decision.decisionNo !== body.decisionNo)
    return refuse(
      'DECISION_NOT_TAKEN',
      `the decision of dossier ${state.id} is ${decision.decisionNo}, not ${body.decisionNo}`,
      `quyết định của hồ sơ ${state.id} là số ${decision.decisionNo}, không phải ${body.decisionNo}`,
      { decisionNo: decision.decisionNo },
    );
  if (state.decisionSignature?.decisionNo === decision.decisionNo)
    return refuse(
      'DECISION_ALREADY_SIGNED',
      `decision ${decision.decisionNo} is already signed (${state.decisionSignature.sha256})`,
      `quyết định số ${decision.decisionNo} đã được ký số`,
      { decisionNo: decision.decisionNo, sha256: state.decisionSignature.sha256 },
    );
  const roles = signingRoles(wf, input.succession);
  if (!roles.includes(input.actor.role))
    return refuse(
      'ROLE_NOT_ALLOWED',
      `SignDecision is for ${roles.join(', ')}, not ${input.actor.role}`,
      `chỉ ${roles.join(', ')} được ký số quyết định`,
      { roles, role: input.actor.role },
    );
  const signed = event('DecisionSigned', { ...body, by: byOf(input) });
  return [{ ...signed, fromState: state.step, toState: state.step }];
}

/** Who may sign a dossier's decision: whoever the pinned workflow lets decide it, or their successor after a reform. */
function signingRoles(wf: RegisteredWorkflow, succession: SuccessionInForce | undefined): string[] {
  return [
    ...new Set(
      wf.definition.edges
        .filter((e) => DECISIONS.has(e.command))
        .flatMap((e) => e.roles.map((r) => actingRole(r, succession))),
    ),
  ];
}

/** Yêu cầu bổ sung: every reason of the return is one the procedure counts as a supplement request. */
function isSupplementRequest(
  reasons: readonly { code: string }[],
  procedure: DecisionInput['procedure'],
): boolean {
  const supplement = new Set(procedure.supplementRequest.value.reasons);
  return reasons.every((r) => supplement.has(r.code));
}

function suspendedEvent(d: OpenDeadline, today: string, holidays: HolidayCalendar): DomainEvent {
  return event('DeadlineSuspended', {
    deadlineId: d.deadlineId,
    step: d.step,
    startedOn: d.startedOn,
    dueOn: d.dueOn,
    suspendedOn: today,
    remainingWorkingDays: remainingWorkingDays(d.dueOn, today, holidays),
    reason: 'supplement_request',
  });
}

function resumedEvent(d: SuspendedDeadline, today: string, holidays: HolidayCalendar): DomainEvent {
  const dueOn = resumedDueOn(today, d.remainingWorkingDays, holidays);
  const unconfirmed = unconfirmedYearsBetween(holidays, today, dueOn);
  return event('DeadlineResumed', {
    deadlineId: d.deadlineId,
    step: d.step,
    startedOn: d.startedOn,
    suspendedOn: d.suspendedOn,
    resumedOn: today,
    remainingWorkingDays: d.remainingWorkingDays,
    dueOn,
    ...(unconfirmed.length > 0 ? { calendarUnconfirmedYears: unconfirmed } : {}),
  });
}

/** The name the procedure parameters of the dossier's province are recorded under. */
const PROCEDURE = 'procedure';

/** The commands that decide a dossier: their events carry the provenance of the whole dossier. */
const DECISIONS: ReadonlySet<string> = new Set(
  COMMAND_SPECS.map((c) => c.type).filter((t) => t.startsWith('Decide')),
);

/** Adds what the event read of the law to its data; nothing when it read none. */
function withLaw<E extends DomainEvent>(e: E, rulesRead: string[], extra: Record<string, unknown> = {}): E {
  if (rulesRead.length === 0 && Object.keys(extra).length === 0) return e;
  return { ...e, data: { ...e.data, ...(rulesRead.length > 0 ? { rulesRead } : {}), ...extra } };
}

/** The reform rule that let a successor act is law the event stood on too. */
function recordSuccession(rec: RulesRecorder, record: SuccessionRecord): void {
  const inForce = safely(() => ruleSetById(record.ruleSet.id, record.ruleSet.version));
  const s = inForce?.succession;
  if (!inForce || !s) return;
  const name = ruleSetName(inForce);
  rec.record(`${name}:succession.from`, s.from);
  if (record.replaces !== undefined) rec.record(`${name}:succession.roles`, s.roles);
  if (record.replacesUnit !== undefined) rec.record(`${name}:succession.mergedUnits`, s.mergedUnits);
}

/** The reference datum `find` returns, or undefined where the reference data has none. */
function safely<T = RuleSet>(find: () => T): T | undefined {
  try {
    return find();
  } catch (error) {
    if (error instanceof ReferenceDataError) return undefined;
    throw error;
  }
}

/**
 * The procedure parameters a dossier runs under: its province's rules on its opening day, with the village decider
 * it pinned at opening (a province that changes its rules later moves no dossier already open).
 */
function pinnedProcedure(
  state: DossierState,
  provincial: readonly ProvincialProcedureRules[] | undefined,
): ProcedureRules {
  const { villageDecider: _, ...rules } = procedureRulesFor(
    state.ruleSet.id,
    state.scope.provinceCode,
    state.openedOn,
    provincial,
  );
  const pinned = pinnedVillageDecider(state);
  return pinned ? { ...rules, villageDecider: pinned } : rules;
}

/**
 * Fires the command on the machine. The candidates' roles and checks are read from `meta` first, so a refusal
 * names its rule; then XState's pure `transition` gives the target and the deadline actions.
 */
function step(
  wf: RegisteredWorkflow,
  from: string,
  dossier: DossierState | null,
  type: CommandType,
  body: CommandBody<CommandType>,
  input: DecisionInput,
): { to: string; deadlines: DeadlineStep[]; succession?: SuccessionRecord } {
  const candidates = candidatesOf(wf.machine, from, type);
  if (candidates.length === 0) {
    const allowed = Object.keys(
      wf.definition.edges.filter((e) => e.from === from).reduce((m, e) => ({ ...m, [e.command]: 1 }), {}),
    );
    refuse(
      'COMMAND_NOT_ALLOWED_IN_STATE',
      `${type} is not allowed in step ${from}; allowed: ${allowed.join(', ') || 'none'}`,
      `không thể thực hiện ${type} ở bước ${from}`,
      {
        step: from,
        allowed,
      },
    );
  }
  const kind = dossier?.kind ?? (body as { kind?: DossierKind }).kind;
  const performers = (meta: EdgeMeta) =>
    meta.roles.map((r) =>
      kind ? performerOf(r as Role, kind, input) : actingRole(r as Role, input.succession),
    );
  const roles = [...new Set(candidates.flatMap((c) => performers(c.meta)))];
  if (!roles.includes(input.actor.role)) {
    const successor = input.succession?.roles[input.actor.role];
    if (input.succession && successor) {
      refuse(
        'ROLE_NOT_ALLOWED',
        `${input.actor.role} no longer exists from ${input.succession.from} (${input.succession.ruleSet.id}); ${type} in step ${from} is for ${roles.join(', ')}`,
        `từ ngày ${input.succession.from} không còn ${input.actor.role} (${input.succession.ruleSet.id}); ${type} ở bước ${from} do ${roles.join(', ')} thực hiện`,
        { roles, role: input.actor.role, succession: input.succession },
      );
    }
    refuse(
      'ROLE_NOT_ALLOWED',
      `${type} in step ${from} is for ${roles.join(', ')}, not ${input.actor.role}`,
      `${type} ở bước ${from} chỉ dành cho ${roles.join(', ')}`,
      {
        roles,
        role: input.actor.role,
      },
    );
  }
  const succession = successionRecord(candidates, dossier, input);
  const args = { dossier, body, input, definition: wf.definition, command: type };
  const chosen = candidates.find(
    (c) => performers(c.meta).includes(input.actor.role) && firstFailure(c.meta.checks, args) === null,
  );
  if (!chosen) {
    // The last candidate is the most permissive one: its refusal is the rule that really blocks the command; but
    // an edge for another outcome only says so, when the edge for the command's own outcome names what blocks it.
    const failures = candidates.map((c) => firstFailure(c.meta.checks, args));
    const own = failures.filter((f) => f !== null && f.code !== 'DECISION_CONTRADICTS_COUNCIL');
    throw (
      own.at(-1) ??
      failures.at(-1) ??
      new DomainError(
        'COMMAND_NOT_ALLOWED_IN_STATE',
        `${type} is not possible now`,
        `không thể thực hiện ${type} lúc này`,
      )
    );
  }
  // The machine's transition (its guards are the same checks, whoever acts) must lead where the decider chose;
  // it is found at the chosen candidate at the latest, whose checks just passed.
  const { to, deadlines } = tableTransition(
    wf.machine,
    from,
    type,
    (meta) => meta === chosen.meta || firstFailure(meta.checks, args) === null,
  )!;
  if (to !== chosen.to)
    throw new Error(
      `workflow ${wf.id} v${wf.version}: ${type} from ${from} led to ${to}, expected ${chosen.to}`,
    );
  return { to, deadlines, ...(succession ? { succession } : {}) };
}

/**
 * When the actor performs the step of an abolished role, checks that they act for the successor unit and says
 * which rule let them; undefined when the pinned workflow names the actor's role itself.
 */
function successionRecord(
  candidates: { meta: EdgeMeta }[],
  dossier: DossierState | null,
  input: DecisionInput,
): SuccessionRecord | undefined {
  const { actor, succession } = input;
  if (!succession || !dossier) return undefined;
  // The pinned workflow names the actor's own role: a successor only if their unit took over the dossier's.
  if (candidates.some((c) => c.meta.roles.includes(actor.role))) {
    return input.units && mergedUnitSuccession(dossier.scope, actor, input.today, succession, input.units);
  }
  const replaces = candidates
    .flatMap((c) => c.meta.roles as readonly Role[])
    .find((r) => actingRole(r, succession) === actor.role);
  const successor = replaces === undefined ? undefined : succession.roles[replaces];
  if (replaces === undefined || !successor || !input.units) return undefined;
  const allowed = successorUnits(dossier.scope, successor.level, input.today, input.units);
  if (!allowed.includes(actor.unit)) {
    refuse(
      'SUCCESSOR_JURISDICTION',
      `from ${succession.from} ${actor.role} performs the ${replaces} steps for ${allowed.join(' or ') || 'no unit'}, not ${actor.unit} (${succession.ruleSet.id})`,
      `từ ngày ${succession.from} ${actor.role} của ${allowed.join(' hoặc ') || '(không có)'} thực hiện thay ${replaces}, không phải ${actor.unit}`,
      { replaces, role: actor.role, unit: actor.unit, allowed },
    );
  }
  return { ruleSet: succession.ruleSet, replaces, role: actor.role, unitCode: actor.unit };
}

const WORKING_DAYS: Record<DeadlineStep, (r: RuleSet, body: CommandBody<CommandType>) => number> = {
  verification: (r) => r.deadlines.verificationWorkingDays.value,
  appraisal: (r) => r.deadlines.appraisalWorkingDays.value,
  decision: (r) => r.deadlines.decisionWorkingDays.value,
  // Opened by AcceptComplaint, whose body says whether the case is complex and the complainant remote.
  complaint: (r, body) => complaintResolutionDays(r, body as { complex: boolean; remoteArea: boolean }),
};

function deadlineEvent(
  stepName: DeadlineStep,
  today: string,
  ruleSet: RuleSet,
  holidays: HolidayCalendar,
  body: CommandBody<CommandType>,
): DomainEvent {
  const workingDays = WORKING_DAYS[stepName](ruleSet, body);
  const dueOn = addWorkingDays(today, workingDays, holidays);
  // A due date counted over estimated days off (or the statute alone) says so, for whoever relies on it.
  const unconfirmed = unconfirmedYearsBetween(holidays, today, dueOn);
  return event('DeadlineScheduled', {
    deadlineId: `${stepName}-${today}`,
    step: stepName,
    startedOn: today,
    workingDays,
    dueOn,
    ...(unconfirmed.length > 0 ? { calendarUnconfirmedYears: unconfirmed } : {}),
  });
}

/** On a given day an extension needs a deadline still running, an apology a late one. */
function deadlineCommandPossible(command: string, state: DossierState, now: Date): boolean {
  const late = (d: OpenDeadline) => d.elapsedOn !== undefined || isOverdue(d.dueOn, now);
  if (command === 'ExtendDeadline') return state.deadlines.some((d) => !late(d));
  if (command === 'IssueApology') return state.deadlines.some(late);
  return true;
}

/**
 * The commands `actor` may fire next, by role and segregation of duties (the checks on figures run at decide time).
 * With `now`, roles a reform abolished by then are replaced by their successors (`successionFor`); without it, the
 * pinned workflow's roles are listed as they are.
 */
/**
 * The open ballot's checks that read only who acts (ballotMember, notRecused, voteNotCast): a member who has voted
 * or recused, or whom the ballot does not list, is not offered a vote or a recusal the decider would refuse.
 */
function ballotActPossible(checks: readonly string[], state: DossierState, actor: DomainActor): boolean {
  const ballot = state.councilBallot;
  if (!ballot) return true;
  if (checks.includes('ballotMember') && !ballot.memberIds.includes(actor.id)) return false;
  if (checks.includes('notRecused') && ballot.recused.includes(actor.id)) return false;
  return !(checks.includes('voteNotCast') && ballot.votes[actor.id] !== undefined);
}

export function allowedCommands(state: DossierState, actor: DomainActor, now?: string | Date): string[] {
  const wf = workflowByPin(state.workflow);
  if (!wf) return [];
  const preparer = state.preparers.includes(actor.id);
  const instant = now === undefined ? NaN : new Date(now).getTime();
  const performing = {
    ruleSet: ruleSetById(state.ruleSet.id, state.ruleSet.version),
    procedure: pinnedProcedure(state, undefined),
    succession: successionOn(state, instant),
  };
  const commands = wf.definition.edges
    .filter(
      (e) =>
        e.from === state.step &&
        e.roles.map((r) => performerOf(r, state.kind, performing)).includes(actor.role) &&
        !(preparer && e.checks?.includes('notPreparer')) &&
        ballotActPossible(e.checks ?? [], state, actor) &&
        (Number.isNaN(instant) || deadlineCommandPossible(e.command, state, new Date(instant))),
    )
    .map((e) => e.command);
  return [...new Set(commands)];
}

/**
 * What the actor may issue now: the step's commands (`allowedCommands`, which the inboxes follow) and those no step
 * names (ADR 0028): signing the current decision, while it is unsigned, by whoever `decideSignature` lets sign it.
 */
export function issuableCommands(state: DossierState, actor: DomainActor, now?: string | Date): string[] {
  const commands = allowedCommands(state, actor, now);
  const wf = workflowByPin(state.workflow);
  const decision = state.decision;
  const instant = now === undefined ? NaN : new Date(now).getTime();
  if (
    wf !== undefined &&
    decision !== undefined &&
    state.decisionSignature?.decisionNo !== decision.decisionNo &&
    signingRoles(wf, successionOn(state, instant)).includes(actor.role)
  )
    commands.push('SignDecision');
  return commands;
}

/** The reform's succession in force on the instant's Vietnamese day (none without an instant). */
function successionOn(state: DossierState, instant: number): SuccessionInForce | undefined {
  if (Number.isNaN(instant)) return undefined;
  const today = vietnamDate(new Date(instant).toISOString());
  return successionFor(
    state,
    today,
    safely(() => ruleSetAt(today)),
  );
}
