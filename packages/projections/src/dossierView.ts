/**
 * The per-stream fold behind every read model. Projections do not replay the aggregate: they read what the
 * envelope guarantees (step before/after, actor, workflow pin, occurredAt) and the few event payloads that carry
 * read-model facts (opening scope, criteria, decisions, deadlines). Every event of a dossier stream is first lifted
 * and validated through `@ntm/contracts` (`upcast`, `EVENT_SCHEMAS`), so an unknown or malformed event parks its
 * stream instead of becoming a silently wrong row. The view is plain JSON so it is kept beside the stream's
 * checkpoint and the next wake-up folds only the new events.
 */
import {
  ContractError,
  IMPORT_EVENT_SCHEMAS,
  parseEventData,
  upcast,
  type EventData,
  type EventType,
  type ImportEventData,
  type ImportEventType,
} from '@ntm/contracts';
import { vietnamDate, workflowByPin } from '@ntm/domain';
import { dossierStreamId, isRecognitionImportStream, type AppendedEvent } from '@ntm/event-store';
import { ProjectionError } from './errors.js';

export type Tier = 'ntm' | 'advanced' | 'model';

/** One recognition fact about a unit: recognised, refused or revoked by a decision. */
export interface RecognitionFact {
  revision: string;
  unitCode: string;
  tier: Tier;
  outcome: 'recognised' | 'refused' | 'revoked';
  decisionNo: string | null;
  /** date of the decision (ISO date), or occurredAt when the event carries none */
  decidedOn: string;
  year: number;
  /**
   * An imported decision (ADR 0027): its unit's place, since one import stream holds decisions about many units,
   * and the kind of dossier it stands for.
   */
  imported?: {
    kind: string;
    communeCode: string;
    districtCode: string | null;
    provinceCode: string;
  };
}

/** Hạn xử lý — a processing deadline scheduled by the workflow. */
export interface DeadlineFact {
  deadlineId: string;
  step: string;
  dueAt: string;
  scheduledAt: string;
  /**
   * open until the dossier leaves the step (met) or the deadline elapses; suspended while a supplement request
   * stops its clock (open again, with its new due day, once the resubmission resumes it)
   */
  state: 'open' | 'met' | 'elapsed' | 'suspended';
}

/**
 * Khiếu nại — what a COMPLAINT stream says about the decision it challenges. The complaint stream owns the row
 * (`complaints` read model); the queries of the decided dossier's read models join it (ADR 0026).
 */
export interface ComplaintFact {
  /** the stream of the dossier whose decision is complained of */
  targetStreamId: string;
  targetKind: string;
  targetDecisionNo: string;
  filedOn: string;
  acceptedOn: string | null;
  /** the complaint's own decision (quyết định giải quyết khiếu nại) */
  decisionNo: string | null;
  decidedOn: string | null;
  outcome: 'upheld' | 'annulled' | 'amended' | null;
}

export interface DossierView {
  streamId: string;
  /** false for streams that are not dossiers: they are checkpointed and otherwise ignored */
  isDossier: boolean;
  kind: string;
  tier: Tier | null;
  unitCode: string;
  communeCode: string;
  districtCode: string | null;
  provinceCode: string;
  year: number | null;
  workflowId: string | null;
  workflowVersion: number | null;
  /** the rule set pinned at opening (absent in views folded before it was recorded) */
  ruleSet?: { id: string; version: number } | null;
  step: string;
  /** when the dossier entered its current step */
  stepSince: string;
  revision: string;
  openedAt: string;
  updatedAt: string;
  /** VILLAGE_NTM: the decider role its province's own rules named at opening (absent: the rule set's) */
  villageDecider?: string | null;
  /** mã hồ sơ, from the first submission (absent in views folded before it was recorded) */
  dossierCode?: string | null;
  /** latest met / not met per criterion code, whoever recorded it last (commune, verifier, appraiser) */
  criteria: Record<string, boolean>;
  recognitions: RecognitionFact[];
  deadlines: DeadlineFact[];
  /**
   * An import of past recognitions (ADR 0027): its decisions count only once it is completed, never when it was
   * abandoned half-way.
   */
  importState?: 'open' | 'completed' | 'abandoned';
  /** COMPLAINT only (absent in views folded before it was recorded: `pnpm projections:rebuild` once) */
  complaint?: ComplaintFact | undefined;
}

const TIER_OF_KIND: Record<string, Tier> = {
  VILLAGE_NTM: 'ntm',
  COMMUNE_NTM: 'ntm',
  COMMUNE_ADVANCED: 'advanced',
  COMMUNE_MODEL: 'model',
};

function poison(event: AppendedEvent, why: string): ProjectionError {
  return new ProjectionError('POISON_EVENT', `${event.streamId}@${event.revision} ${event.type}: ${why}`, {
    streamId: event.streamId,
    revision: String(event.revision),
    eventType: event.type,
  });
}

/** Streams the engine writes dossiers to; others (e.g. reference data) are checkpointed and skipped. */
export const isDossierStream = (streamId: string): boolean => streamId.startsWith('dossier-');

/** A dossier event lifted to its current schema version and parsed; anything else is a poison event. */
type ValidEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];

function validate(event: AppendedEvent): ValidEvent {
  let lifted: { data: Record<string, unknown> };
  try {
    lifted = upcast(event.type, event.schemaVersion, event.data);
  } catch (error) {
    if (error instanceof ContractError) throw poison(event, error.message);
    throw error;
  }
  const type = event.type as EventType;
  // The fold copies fields out of the data and never mutates it: it may be the stored event's own object.
  const parsed = parseEventData(type, lifted.data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`);
    throw poison(event, `does not match the ${type} contract (${issues.slice(0, 3).join('; ')})`);
  }
  return { type, data: parsed.data } as ValidEvent;
}

function open(event: AppendedEvent, valid: ValidEvent): DossierView {
  if (valid.type !== 'DossierOpened') throw poison(event, 'a dossier stream must start with DossierOpened');
  const { data } = valid;
  const scope = data.scope;
  return {
    streamId: event.streamId,
    isDossier: true,
    kind: data.kind,
    tier: TIER_OF_KIND[data.kind] ?? data.tier ?? null,
    unitCode: scope.unitCode,
    communeCode: scope.communeCode,
    districtCode: scope.districtCode ?? null,
    provinceCode: scope.provinceCode,
    year: data.year,
    workflowId: data.workflow.id,
    workflowVersion: data.workflow.version,
    ruleSet: { id: data.ruleSet.id, version: data.ruleSet.version },
    ...(data.villageDecider ? { villageDecider: data.villageDecider.role } : {}),
    step: event.metadata.toState ?? 'preparing',
    stepSince: event.metadata.occurredAt,
    revision: String(event.revision),
    openedAt: event.metadata.occurredAt,
    updatedAt: event.metadata.occurredAt,
    criteria: {},
    recognitions: [],
    deadlines: [],
    ...(data.complaint
      ? {
          complaint: {
            targetStreamId: dossierStreamId(data.complaint.targetDossierId),
            targetKind: data.complaint.targetKind,
            targetDecisionNo: data.complaint.decision.decisionNo,
            filedOn: vietnamDate(event.metadata.occurredAt),
            acceptedOn: null,
            decisionNo: null,
            decidedOn: null,
            outcome: null,
          },
        }
      : {}),
  };
}

function decide(
  view: DossierView,
  event: AppendedEvent,
  outcome: RecognitionFact['outcome'],
  decision: { decisionNo: string; decidedOn: string; tier?: Tier | undefined; year?: number | undefined },
): void {
  const tier = decision.tier ?? view.tier;
  if (tier === null) throw poison(event, 'a decision needs the tier it recognises or revokes');
  view.recognitions.push({
    revision: String(event.revision),
    unitCode: view.unitCode,
    tier,
    outcome,
    decisionNo: decision.decisionNo,
    decidedOn: decision.decidedOn,
    year: decision.year ?? Number(decision.decidedOn.slice(0, 4)),
  });
}

/** Folds one event into the view. Pure; throws `POISON_EVENT` for events the read models cannot interpret. */
export function evolveView(view: DossierView | undefined, event: AppendedEvent): DossierView {
  return fold(view, event, false);
}

/**
 * `evolveView` for a caller that owns the view and drops the one it passes (a rebuild's fold, where nothing else
 * holds it): the same result, written into `view` itself instead of a copy, so a fold of the whole log allocates
 * one view per stream rather than one per event (the garbage collector took a quarter of a rebuild's CPU). When it
 * throws (a poison event), `view` is left as it was.
 */
export function evolveViewInPlace(view: DossierView | undefined, event: AppendedEvent): DossierView {
  return fold(view, event, true);
}

function fold(view: DossierView | undefined, event: AppendedEvent, inPlace: boolean): DossierView {
  if (isRecognitionImportStream(event.streamId)) return evolveImport(view, event);
  if (!isDossierStream(event.streamId)) {
    return { ...(view ?? emptyView(event.streamId)), revision: String(event.revision) };
  }
  const valid = validate(event);
  if (view === undefined) {
    if (event.revision !== 0n) throw poison(event, 'the stream has no opening event before this one');
    return open(event, valid);
  }
  if (valid.type === 'DossierOpened') throw poison(event, 'the dossier is already open');
  let next: DossierView;
  if (inPlace) {
    // revision and updatedAt are set after the switch below: its only throw (a decision without a tier) comes
    // before it changes anything, so a poison event leaves the caller's view as it was.
    next = view;
  } else {
    next = {
      ...view,
      criteria: { ...view.criteria },
      recognitions: [...view.recognitions],
      deadlines: view.deadlines.map((d) => ({ ...d })),
      ...(view.complaint ? { complaint: { ...view.complaint } } : {}),
      revision: String(event.revision),
      updatedAt: event.metadata.occurredAt,
    };
  }
  switch (valid.type) {
    case 'SelfAssessmentRecorded':
      next.criteria[valid.data.criterionCode] = valid.data.met;
      break;
    // The latest verdict per criterion, whoever recorded it (commune, verifier, appraiser).
    case 'VerificationRecorded':
    case 'AppraisalRecorded':
      for (const row of valid.data.criteria) next.criteria[row.code] = row.met;
      break;
    case 'RecognitionDecided':
      decide(next, event, 'recognised', valid.data);
      break;
    case 'RecognitionRefused':
      decide(next, event, 'refused', valid.data);
      break;
    case 'RecognitionRevoked':
      decide(next, event, 'revoked', valid.data);
      break;
    case 'AcknowledgementDecided':
      // Thừa nhận — the merged commune keeps a tier; a refusal names none, so it is no fact about a tier.
      if (valid.data.outcome === 'acknowledge') decide(next, event, 'recognised', valid.data);
      break;
    case 'DeadlineScheduled':
      next.deadlines.push({
        deadlineId: valid.data.deadlineId,
        // The machine step the deadline runs on: leaving it meets the deadline.
        step: event.metadata.toState ?? next.step,
        dueAt: valid.data.dueOn,
        scheduledAt: event.metadata.occurredAt,
        state: 'open',
      });
      break;
    case 'ComplaintAccepted':
      if (next.complaint) next.complaint.acceptedOn = valid.data.acceptedOn;
      break;
    case 'ComplaintDecided':
      if (next.complaint) {
        next.complaint.outcome = valid.data.outcome;
        next.complaint.decisionNo = valid.data.decisionNo;
        next.complaint.decidedOn = valid.data.decidedOn;
      }
      break;
    case 'DossierSubmitted':
      if (valid.data.dossierCode && !next.dossierCode) next.dossierCode = valid.data.dossierCode;
      break;
    case 'DeadlineElapsed':
      for (const d of next.deadlines)
        if (d.state === 'open' && d.deadlineId === valid.data.deadlineId) d.state = 'elapsed';
      break;
    case 'DeadlineSuspended':
      for (const d of next.deadlines) if (d.deadlineId === valid.data.deadlineId) d.state = 'suspended';
      break;
    case 'DeadlineResumed':
      for (const d of next.deadlines)
        if (d.deadlineId === valid.data.deadlineId) {
          d.state = 'open';
          d.dueAt = valid.data.dueOn;
          d.step = event.metadata.toState ?? next.step;
        }
      break;
    case 'DeadlineExtended':
      for (const d of next.deadlines)
        if (d.state === 'open' && d.deadlineId === valid.data.deadlineId) d.dueAt = valid.data.dueOn;
      break;
    case 'ApologyIssued':
      // The missed deadline stays elapsed; the new return date is a deadline of its own on the same step.
      for (const d of next.deadlines) if (d.deadlineId === valid.data.deadlineId) d.state = 'elapsed';
      next.deadlines.push({
        deadlineId: valid.data.newDeadlineId,
        step: next.step,
        dueAt: valid.data.newReturnOn,
        scheduledAt: event.metadata.occurredAt,
        state: 'open',
      });
      break;
    default:
      break;
  }
  if (inPlace) {
    next.revision = String(event.revision);
    next.updatedAt = event.metadata.occurredAt;
  }
  const toState = event.metadata.toState;
  if (toState !== undefined && toState !== next.step) {
    next.step = toState;
    next.stepSince = event.metadata.occurredAt;
    // Leaving a step fulfils the deadlines that were running on it.
    for (const d of next.deadlines) if (d.state === 'open' && d.step !== toState) d.state = 'met';
  }
  return next;
}

/** Folds an event of an import stream: its decisions, held back until the import is completed. */
function evolveImport(view: DossierView | undefined, event: AppendedEvent): DossierView {
  const type = event.type as ImportEventType;
  const spec = IMPORT_EVENT_SCHEMAS[type] as (typeof IMPORT_EVENT_SCHEMAS)[ImportEventType] | undefined;
  if (spec === undefined || event.schemaVersion !== spec.schemaVersion)
    throw poison(event, `unknown import event ${event.type} v${event.schemaVersion}`);
  const parsed = spec.schema.safeParse(event.data);
  if (!parsed.success) throw poison(event, `does not match the ${type} contract`);
  if (view === undefined && type !== 'RecognitionImportStarted')
    throw poison(event, 'an import stream must start with RecognitionImportStarted');
  const next: DossierView = {
    ...(view ?? { ...emptyView(event.streamId), importState: 'open' }),
    revision: String(event.revision),
    updatedAt: event.metadata.occurredAt,
  };
  if (view !== undefined && view.importState !== 'open')
    throw poison(event, `the import is ${view.importState}`);
  if (type === 'RecognitionImported') {
    const d = parsed.data as ImportEventData<'RecognitionImported'>;
    next.recognitions = [
      ...next.recognitions,
      {
        revision: String(event.revision),
        unitCode: d.unitCode,
        tier: d.tier,
        outcome: 'recognised',
        decisionNo: d.decisionNo,
        decidedOn: d.decidedOn,
        year: d.year,
        imported: {
          kind: d.kind,
          communeCode: d.communeCode,
          districtCode: d.districtCode ?? null,
          provinceCode: d.provinceCode,
        },
      },
    ];
  } else if (type === 'RecognitionImportCompleted') next.importState = 'completed';
  else if (type === 'RecognitionImportAbandoned') next.importState = 'abandoned';
  return next;
}

function emptyView(streamId: string): DossierView {
  return {
    streamId,
    isDossier: false,
    kind: '',
    tier: null,
    unitCode: '',
    communeCode: '',
    districtCode: null,
    provinceCode: '',
    year: null,
    workflowId: null,
    workflowVersion: null,
    step: '',
    stepSince: '',
    revision: '-1',
    openedAt: '',
    updatedAt: '',
    criteria: {},
    recognitions: [],
    deadlines: [],
  };
}

/**
 * Status for lists: the outcome once there is one (a decision's, or the step's), otherwise in progress. A final
 * step of the pinned workflow that records no decision is its own outcome: a revocation `kept` or `dismissed`.
 */
export function statusOf(view: DossierView): string {
  const final = /(recognised|refused|revoked|withdrawn)/i.exec(view.step);
  if (final) return final[1]!.toLowerCase();
  const decided = view.recognitions.at(-1)?.outcome;
  if (decided !== undefined) return decided;
  const pinned =
    view.workflowId === null || view.workflowVersion === null
      ? undefined
      : workflowByPin({ id: view.workflowId, version: view.workflowVersion });
  return pinned?.definition.finalStates.includes(view.step) ? view.step : 'in_progress';
}
