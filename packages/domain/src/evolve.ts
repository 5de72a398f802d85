/**
 * The fold. A dossier's state is never stored: it is `replay(events)`. Each event is lifted to its current schema
 * version and parsed by that version's schema (`liftEvent`), so the fold reads typed data, never a cast guess; a
 * stored event that breaks its contract stops the fold with `EVENT_DATA_INVALID`. Each step change is checked
 * against the dossier's pinned machine, so a log that the pinned version could not have produced fails loudly
 * instead of folding into a state the law never allowed.
 */
import { ContractError, liftEvent, type EventData, type EventType, type TypedEvent } from '@ntm/contracts';
import { DomainError } from './errors.js';
import type { Role, Tier, WorkflowPin } from './model.js';
import type { CriterionRow, DossierState } from './state.js';
import { COMMAND_OF_EVENT, type ClockEventType, type StepFreeEventType } from './emit.js';
import { candidatesOf } from './workflows/machine.js';
import { workflowByPin } from './workflows/registry.js';

/** An event as the fold accepts it: decided (steps at the top) or recorded by a store (steps in `metadata`). */
export interface FoldableEvent {
  type: string;
  schemaVersion: number;
  data: unknown;
  fromState?: string | undefined;
  toState?: string | undefined;
  metadata?: { fromState?: string | undefined; toState?: string | undefined } | undefined;
}

/** A log the pinned workflow cannot replay: the first event is not DossierOpened, or a step change it lacks. */
export class ReplayError extends Error {
  constructor(
    readonly code: 'NOT_OPENED_FIRST' | 'UNKNOWN_WORKFLOW' | 'STEP_MISMATCH' | 'TRANSITION_NOT_IN_WORKFLOW',
    message: string,
  ) {
    super(message);
    this.name = 'ReplayError';
  }
}

type By = { id: string; onBehalfOf?: string | undefined };
type Data<T extends EventType> = EventData<T>;

const addIds = (list: string[], by: By | undefined): string[] =>
  by ? [...new Set([...list, by.id, ...(by.onBehalfOf ? [by.onBehalfOf] : [])])] : list;

function opened(d: Data<'DossierOpened'>, toState: string): DossierState {
  return {
    id: d.dossierId,
    kind: d.kind,
    workflow: d.workflow,
    ruleSet: d.ruleSet,
    criteriaSetId: d.criteriaSetId,
    criteriaCodes: d.criteriaCodes,
    ...(d.tier ? { tier: d.tier } : {}),
    scope: d.scope,
    year: d.year,
    openedOn: d.openedOn,
    status: toState,
    step: toState,
    dossierVersion: 1,
    revision: 0,
    criteria: {},
    documents: [],
    comments: [],
    poll: { tallies: {} },
    returns: [],
    deadlines: [],
    preparers: addIds([], d.by),
    ...(d.securityClassification ? { securityClassification: d.securityClassification } : {}),
    ...(d.constructionDebt ? { constructionDebtOutstanding: d.constructionDebt.outstanding } : {}),
    ...(d.targetRecognition ? { targetRecognition: d.targetRecognition } : {}),
    ...(d.villageDecider
      ? { villageDecider: { ...d.villageDecider, role: d.villageDecider.role as Role } }
      : {}),
    ...(d.complaint
      ? {
          complaint: {
            targetDossierId: d.complaint.targetDossierId,
            targetKind: d.complaint.targetKind,
            decision: d.complaint.decision,
            issuerRole: d.complaint.issuerRole,
            ...(d.complaint.learnedOn ? { learnedOn: d.complaint.learnedOn } : {}),
            windowEndsOn: d.complaint.windowEndsOn,
          },
        }
      : {}),
    // The merger on record, with the statuses read on its eve, is what the acknowledgement is judged on.
    ...(d.merger
      ? {
          predecessors: d.merger.predecessors,
          merger: {
            effectiveDate: d.merger.effectiveDate,
            statusOn: d.merger.statusOn,
            statusesFrom: d.merger.statusesFrom,
          },
        }
      : d.predecessors
        ? { predecessors: d.predecessors }
        : {}),
  };
}

function withLevel(
  s: DossierState,
  level: 'verifier' | 'appraiser',
  results: Data<'VerificationRecorded'>['criteria'],
): Record<string, CriterionRow> {
  const criteria = { ...s.criteria };
  for (const r of results) {
    criteria[r.code] = {
      ...criteria[r.code],
      [level]: {
        met: r.met,
        ...(r.value !== undefined ? { value: r.value } : {}),
        ...(r.note ? { note: r.note } : {}),
      },
    };
  }
  return criteria;
}

/** A decision of any kind, as the state keeps it. */
function decided(
  s: DossierState,
  outcome: string,
  data: { decisionNo: string; decidedOn: string; by: By; tier?: Tier | undefined },
  tier: Tier | undefined,
): DossierState {
  return {
    ...s,
    decision: {
      outcome,
      decisionNo: data.decisionNo,
      decidedOn: data.decidedOn,
      by: data.by.id,
      ...(tier ? { tier } : {}),
    },
    deadlines: [],
    suspendedDeadlines: undefined,
  };
}

/**
 * Applies the data of one event (lifted and parsed) to the state; the step is set by the caller. The switch is
 * exhaustive over the event union: a new event type does not compile until the fold says what it changes.
 */
function apply(s: DossierState, e: TypedEvent): DossierState {
  switch (e.type) {
    case 'DossierOpened':
      // Only the first event of a stream; evolve refuses it anywhere else (no transition leads to it).
      return s;
    case 'SelfAssessmentRecorded': {
      const { data } = e;
      const row = {
        met: data.met,
        indicators: data.indicators,
        evidenceCount: data.evidence.length,
        by: data.by.id,
      };
      return {
        ...s,
        criteria: {
          ...s.criteria,
          [data.criterionCode]: { ...s.criteria[data.criterionCode], commune: row },
        },
        preparers: addIds(s.preparers, data.by),
      };
    }
    case 'DocumentAttached':
      return { ...s, documents: [...s.documents, e.data] };
    case 'DocumentFileAttached':
      return { ...s, files: [...(s.files ?? []), e.data] };
    case 'DecisionSigned': {
      const { decisionNo, sha256, size, signer, signedAt, verdict, by } = e.data;
      return { ...s, decisionSignature: { decisionNo, sha256, size, signer, signedAt, verdict, by: by.id } };
    }
    case 'PublicNoticeOpened':
      return {
        ...s,
        notice: { channel: e.data.channel, from: e.data.from, endsOn: e.data.endsOn, days: e.data.days },
      };
    case 'CommentRecorded':
      return {
        ...s,
        comments: [
          ...s.comments,
          { commentId: e.data.commentId, receivedOn: e.data.receivedOn, text: e.data.text },
        ],
      };
    case 'CommentResponded': {
      const { commentId, response } = e.data;
      return {
        ...s,
        comments: s.comments.map((c) => (c.commentId === commentId ? { ...c, response } : c)),
      };
    }
    case 'PublicNoticeClosed':
      return s.notice ? { ...s, notice: { ...s.notice, closedOn: e.data.closedOn } } : s;
    case 'PollTallyRecorded': {
      const { villageId, households, respondents, satisfied } = e.data;
      return {
        ...s,
        poll: {
          ...s.poll,
          tallies: { ...s.poll.tallies, [villageId]: { households, respondents, satisfied } },
        },
      };
    }
    case 'PollReportIssued': {
      const { reportNo, issuedOn, households, respondents, satisfied } = e.data;
      return {
        ...s,
        poll: {
          ...s.poll,
          report: { reportNo, issuedOn, households, respondents, satisfied, passed: true },
        },
      };
    }
    case 'ProposalMeetingRecorded': {
      const { heldOn, attendees, for: inFavour, against, blank } = e.data;
      return { ...s, meeting: { heldOn, attendees, for: inFavour, against, blank } };
    }
    case 'DossierSubmitted':
      return {
        ...s,
        ...(e.data.dossierCode && !s.dossierCode ? { dossierCode: e.data.dossierCode } : {}),
        preparers: addIds(s.preparers, e.data.by),
        deadlines: [],
      };
    case 'DossierResubmitted':
      return {
        ...s,
        dossierVersion: e.data.dossierVersion,
        preparers: addIds(s.preparers, e.data.by),
        deadlines: [],
      };
    case 'DeadlineScheduled': {
      const { deadlineId, step, startedOn, dueOn } = e.data;
      return { ...s, deadlines: [...s.deadlines, { deadlineId, step, startedOn, dueOn }] };
    }
    case 'DeadlineElapsed': {
      const { deadlineId, elapsedOn } = e.data;
      return {
        ...s,
        deadlines: s.deadlines.map((x) => (x.deadlineId === deadlineId ? { ...x, elapsedOn } : x)),
      };
    }
    case 'DeadlineSuspended': {
      const { deadlineId, step, startedOn, dueOn, suspendedOn, remainingWorkingDays } = e.data;
      return {
        ...s,
        deadlines: s.deadlines.filter((x) => x.deadlineId !== deadlineId),
        suspendedDeadlines: [
          ...(s.suspendedDeadlines ?? []).filter((x) => x.deadlineId !== deadlineId),
          { deadlineId, step, startedOn, dueOn, suspendedOn, remainingWorkingDays },
        ],
      };
    }
    case 'DeadlineResumed': {
      const { deadlineId, step, startedOn, dueOn } = e.data;
      const left = (s.suspendedDeadlines ?? []).filter((x) => x.deadlineId !== deadlineId);
      return {
        ...s,
        deadlines: [...s.deadlines, { deadlineId, step, startedOn, dueOn }],
        suspendedDeadlines: left.length > 0 ? left : undefined,
      };
    }
    case 'DeadlineExtended': {
      const { deadlineId, workingDays, reason, grantedBy, dueOn } = e.data;
      return {
        ...s,
        deadlines: s.deadlines.map((x) =>
          x.deadlineId === deadlineId
            ? {
                ...x,
                dueOn,
                extensions: [
                  ...(x.extensions ?? []),
                  { workingDays, reason, grantedBy: grantedBy.id, dueOn },
                ],
              }
            : x,
        ),
      };
    }
    case 'ApologyIssued': {
      // The missed deadline is replaced by the new return date, which can elapse in its turn.
      const { deadlineId, step, newDeadlineId, newReturnOn } = e.data;
      const missed = s.deadlines.find((x) => x.deadlineId === deadlineId);
      return {
        ...s,
        deadlines: [
          ...s.deadlines.filter((x) => x.deadlineId !== deadlineId),
          {
            deadlineId: newDeadlineId,
            step,
            startedOn: missed?.startedOn ?? newReturnOn,
            dueOn: newReturnOn,
            apologyFor: deadlineId,
          },
        ],
      };
    }
    case 'VerificationRecorded': {
      const criteria = withLevel(s, 'verifier', e.data.criteria);
      const allMet = s.criteriaCodes.every((c) => criteria[c]?.verifier?.met === true);
      return {
        ...s,
        criteria,
        verification: { reportNo: e.data.reportNo, by: e.data.by.id, allMet },
        deadlines: [],
      };
    }
    case 'DossierReturned':
      // A supplement request's DeadlineSuspended events follow and keep what was left of the running clocks.
      return {
        ...s,
        returns: [...s.returns, { dossierVersion: s.dossierVersion, reasons: e.data.reasons }],
        verification: undefined,
        appraisal: undefined,
        council: undefined,
        deadlines: [],
        suspendedDeadlines: undefined,
      };
    case 'DossierForwarded':
      return { ...s, deadlines: [] };
    case 'AppraisalRecorded': {
      const { criteria, reportNo, by, complete, fieldCheck } = e.data;
      return {
        ...s,
        criteria: withLevel(s, 'appraiser', criteria),
        appraisal: {
          reportNo,
          by: by.id,
          complete,
          fieldCheckPassed: fieldCheck.passed,
          allMet: criteria.every((r) => r.met),
        },
        deadlines: [],
      };
    }
    case 'CouncilBallotRecorded': {
      const d = e.data;
      return {
        ...s,
        council: {
          heldOn: d.heldOn,
          membersTotal: d.membersTotal,
          present: d.presentMemberIds.length,
          recused: d.recusedMemberIds,
          for: d.for,
          against: d.against,
          blank: d.blank,
          approved: d.approved,
        },
      };
    }
    case 'CouncilBallotOpened': {
      const { ballotNo, heldOn, memberIds } = e.data;
      return { ...s, councilBallot: { ballotNo, heldOn, memberIds, votes: {}, recused: [] } };
    }
    case 'CouncilVoteCast': {
      const b = s.councilBallot;
      return b ? { ...s, councilBallot: { ...b, votes: { ...b.votes, [e.data.by.id]: e.data.vote } } } : s;
    }
    case 'CouncilMemberRecused': {
      const b = s.councilBallot;
      return b ? { ...s, councilBallot: { ...b, recused: [...b.recused, e.data.by.id] } } : s;
    }
    case 'CouncilBallotClosed': {
      const d = e.data;
      const closed = [
        ...(s.councilBallots ?? []),
        { ballotNo: d.ballotNo, closedOn: d.closedOn, result: d.result },
      ];
      // A void ballot leaves no council result: the dossier waits, appraised, for a new ballot.
      const council =
        d.result === 'void'
          ? s.council
          : {
              heldOn: d.heldOn,
              membersTotal: d.membersTotal,
              present: d.voterIds.length + d.recusedMemberIds.length,
              recused: d.recusedMemberIds,
              for: d.for,
              against: d.against,
              blank: d.blank,
              approved: d.result === 'approved',
            };
      return { ...s, councilBallot: undefined, councilBallots: closed, council };
    }
    case 'RecognitionDecided':
      return decided(s, 'recognise', e.data, e.data.tier ?? s.tier);
    case 'RecognitionRefused':
      return decided(s, 'refuse', e.data, undefined);
    case 'RecognitionRevoked':
      return decided(s, e.data.outcome, e.data, e.data.tier);
    case 'RecognitionKept':
      return decided(s, e.data.outcome, e.data, undefined);
    case 'AcknowledgementDecided':
      return decided(s, e.data.outcome, e.data, e.data.tier);
    case 'ComplaintAccepted': {
      const { acceptedOn, complex, remoteArea } = e.data;
      return s.complaint
        ? { ...s, complaint: { ...s.complaint, accepted: { acceptedOn, complex, remoteArea } } }
        : s;
    }
    case 'ComplaintDecided':
      return decided(s, e.data.outcome, e.data, undefined);
    case 'RecognitionAnnounced':
      return { ...s, announcedOn: e.data.announcedOn };
    case 'RevocationPublished':
      return { ...s, announcedOn: e.data.publishedOn };
    case 'ResultsPublished': {
      const { subject, publishedOn, channel } = e.data;
      return { ...s, publications: [...(s.publications ?? []), { subject, publishedOn, channel }] };
    }
    case 'DossierWithdrawn':
      return { ...s, withdrawal: { reason: e.data.reason }, deadlines: [], suspendedDeadlines: undefined };
    case 'RevocationAssessed': {
      const d = e.data;
      return {
        ...s,
        revocation: {
          revoke: d.revoke,
          ...(d.ground !== undefined ? { ground: d.ground } : {}),
          failingCriteria: d.failingCriteria,
          criticalFailing: d.criticalFailing,
          by: d.by.id,
        },
        preparers: addIds(s.preparers, d.by),
      };
    }
    default: {
      const unknown: never = e;
      return unknown;
    }
  }
}

/** Folds what an event says of the law it applied: the rules it read, a decision's provenance, an unconfirmed procedure. */
function withLaw(s: DossierState, e: TypedEvent): DossierState {
  const { rulesRead, provenance, procedureUnconfirmed } = e.data;
  return {
    ...s,
    ...(rulesRead && rulesRead.length > 0
      ? { rulesRead: [...new Set([...(s.rulesRead ?? []), ...rulesRead])].sort() }
      : {}),
    ...(provenance ? { provenance } : {}),
    ...(procedureUnconfirmed ? { procedureUnconfirmed } : {}),
  };
}

/** Reads a stored event through its contract; a shape this code cannot read stops the fold with a typed refusal. */
function lift(e: FoldableEvent, revision: number): TypedEvent {
  try {
    return liftEvent(e.type, e.schemaVersion, e.data as Record<string, unknown>);
  } catch (error) {
    if (!(error instanceof ContractError)) throw error;
    const issues = error.issues.length > 0 ? error.issues : [error.message];
    const shown = issues.slice(0, 3).join('; ');
    throw new DomainError(
      'EVENT_DATA_INVALID',
      `the dossier's stored event ${e.type} at revision ${revision} cannot be read (${shown}); no command can be decided until it is repaired`,
      `sự kiện ${e.type} ở phiên bản ${revision} của hồ sơ không đọc được (${shown}); không thể xử lý lệnh cho đến khi dữ liệu được sửa`,
      { revision, eventType: e.type, schemaVersion: e.schemaVersion, reason: error.code, issues },
    );
  }
}

/** Folds one event into the state. The first event must be DossierOpened (state undefined). */
export function evolve(state: DossierState | undefined, e: FoldableEvent): DossierState {
  const event = lift(e, state === undefined ? 0 : state.revision + 1);
  const fromState = e.fromState ?? e.metadata?.fromState;
  const toState = e.toState ?? e.metadata?.toState;
  if (state === undefined) {
    if (event.type !== 'DossierOpened' || toState === undefined)
      throw new ReplayError(
        'NOT_OPENED_FIRST',
        `a dossier's first event must be DossierOpened with a step, got ${e.type}`,
      );
    const s = opened(event.data, toState);
    assertTransition(s.workflow, 'draft', event.type, toState);
    return withLaw(s, event);
  }
  if (fromState !== undefined && fromState !== state.step) {
    throw new ReplayError(
      'STEP_MISMATCH',
      `${e.type} at revision ${state.revision + 1} left step ${fromState}, but the dossier was in ${state.step}`,
    );
  }
  const to = toState ?? state.step;
  if (STEP_FREE_EVENTS.has(event.type)) {
    if (to !== state.step)
      throw new ReplayError(
        'TRANSITION_NOT_IN_WORKFLOW',
        `${e.type} at revision ${state.revision + 1} moved the dossier from ${state.step} to ${to}: it records no step`,
      );
  } else if (!CLOCK_EVENTS.has(event.type)) {
    assertTransition(
      state.workflow,
      state.step,
      event.type as Exclude<EventType, ClockEventType | StepFreeEventType>,
      to,
    );
  }
  const next = withLaw(apply(state, event), event);
  return { ...next, step: to, status: to, revision: state.revision + 1 };
}

/** Recorded by a command that is no step of the procedure (ADR 0028): no edge, and the dossier stays where it is. */
const STEP_FREE_EVENTS: ReadonlySet<string> = new Set<StepFreeEventType>(['DecisionSigned']);

const CLOCK_EVENTS: ReadonlySet<string> = new Set<ClockEventType>([
  'DeadlineScheduled',
  'DeadlineSuspended',
  'DeadlineResumed',
]);

function assertTransition(
  pin: WorkflowPin,
  from: string,
  eventType: Exclude<EventType, ClockEventType | StepFreeEventType>,
  to: string,
): void {
  const wf = workflowByPin(pin);
  if (!wf) throw new ReplayError('UNKNOWN_WORKFLOW', `unknown workflow ${pin.id} v${pin.version}`);
  const command = COMMAND_OF_EVENT[eventType];
  if (!candidatesOf(wf.machine, from, command).some((c) => c.to === to)) {
    throw new ReplayError(
      'TRANSITION_NOT_IN_WORKFLOW',
      `${pin.id} v${pin.version} has no ${command} from ${from} to ${to}`,
    );
  }
}

/** The state of a dossier: the fold of its events from the first. */
export function replay(events: readonly FoldableEvent[]): DossierState {
  const state = events.reduce<DossierState | undefined>((s, e) => evolve(s, e), undefined);
  if (state === undefined) throw new ReplayError('NOT_OPENED_FIRST', 'an empty stream has no dossier');
  return state;
}
