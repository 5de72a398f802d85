/**
 * The fold. A dossier's state is never stored: it is `replay(events)`. Each event is lifted to its current schema
 * version, and each step change is checked against the dossier's pinned machine, so a log that the pinned version
 * could not have produced fails loudly instead of folding into a state the law never allowed.
 */
import { upcast } from '@ntm/contracts';
import type { DossierKind, DossierScope, Tier, WorkflowPin } from './model.js';
import type { CriterionRow, DossierState } from './state.js';
import { COMMAND_OF_EVENT } from './emit.js';
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

type Data = Record<string, unknown>;
type By = { id: string; onBehalfOf?: string };
type CriterionResult = { code: string; met: boolean; value?: number | boolean | string; note?: string };

const addIds = (list: string[], by: By | undefined): string[] =>
  by ? [...new Set([...list, by.id, ...(by.onBehalfOf ? [by.onBehalfOf] : [])])] : list;

function opened(data: Data, toState: string): DossierState {
  const d = data as {
    dossierId: string;
    kind: DossierKind;
    workflow: WorkflowPin;
    ruleSet: { id: string; version: number };
    criteriaSetId: string;
    criteriaCodes: string[];
    tier?: Tier;
    scope: DossierScope;
    year: number;
    openedOn: string;
    by: By;
    constructionDebt?: { outstanding: boolean };
    securityClassification?: string;
    targetRecognition?: DossierState['targetRecognition'];
    predecessors?: DossierState['predecessors'];
  };
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
    ...(d.predecessors ? { predecessors: d.predecessors } : {}),
  };
}

function withLevel(
  s: DossierState,
  level: 'verifier' | 'appraiser',
  results: CriterionResult[],
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

/** Applies the data of one event (already upcast) to the state; the step is set by the caller. */
function apply(s: DossierState, type: string, data: Data): DossierState {
  const by = data.by as By | undefined;
  switch (type) {
    case 'SelfAssessmentRecorded': {
      const code = String(data.criterionCode);
      const row = {
        met: data.met === true,
        indicators: data.indicators as NonNullable<CriterionRow['commune']>['indicators'],
        evidenceCount: (data.evidence as unknown[]).length,
        by: by?.id ?? '',
      };
      return {
        ...s,
        criteria: { ...s.criteria, [code]: { ...s.criteria[code], commune: row } },
        preparers: addIds(s.preparers, by),
      };
    }
    case 'DocumentAttached':
      return { ...s, documents: [...s.documents, data as unknown as DossierState['documents'][number]] };
    case 'PublicNoticeOpened':
      return {
        ...s,
        notice: {
          channel: String(data.channel),
          from: String(data.from),
          endsOn: String(data.endsOn),
          days: Number(data.days),
        },
      };
    case 'CommentRecorded':
      return {
        ...s,
        comments: [
          ...s.comments,
          { commentId: String(data.commentId), receivedOn: String(data.receivedOn), text: String(data.text) },
        ],
      };
    case 'CommentResponded':
      return {
        ...s,
        comments: s.comments.map((c) =>
          c.commentId === data.commentId ? { ...c, response: String(data.response) } : c,
        ),
      };
    case 'PublicNoticeClosed':
      return s.notice ? { ...s, notice: { ...s.notice, closedOn: String(data.closedOn) } } : s;
    case 'PollTallyRecorded': {
      const t = {
        households: Number(data.households),
        respondents: Number(data.respondents),
        satisfied: Number(data.satisfied),
      };
      return { ...s, poll: { ...s.poll, tallies: { ...s.poll.tallies, [String(data.villageId)]: t } } };
    }
    case 'PollReportIssued':
      return {
        ...s,
        poll: {
          ...s.poll,
          report: {
            reportNo: String(data.reportNo),
            issuedOn: String(data.issuedOn),
            households: Number(data.households),
            respondents: Number(data.respondents),
            satisfied: Number(data.satisfied),
            passed: true,
          },
        },
      };
    case 'ProposalMeetingRecorded':
      return {
        ...s,
        meeting: {
          heldOn: String(data.heldOn),
          attendees: Number(data.attendees),
          for: Number(data.for),
          against: Number(data.against),
          blank: Number(data.blank),
        },
      };
    case 'DossierSubmitted':
      return { ...s, preparers: addIds(s.preparers, by), deadlines: [] };
    case 'DossierResubmitted':
      return {
        ...s,
        dossierVersion: Number(data.dossierVersion),
        preparers: addIds(s.preparers, by),
        deadlines: [],
      };
    case 'DeadlineScheduled':
      return {
        ...s,
        deadlines: [
          ...s.deadlines,
          {
            deadlineId: String(data.deadlineId),
            step: data.step as DossierState['deadlines'][number]['step'],
            startedOn: String(data.startedOn),
            dueOn: String(data.dueOn),
          },
        ],
      };
    case 'DeadlineElapsed':
      return {
        ...s,
        deadlines: s.deadlines.map((x) =>
          x.deadlineId === data.deadlineId ? { ...x, elapsedOn: String(data.elapsedOn) } : x,
        ),
      };
    case 'VerificationRecorded': {
      const criteria = withLevel(s, 'verifier', data.criteria as CriterionResult[]);
      const allMet = s.criteriaCodes.every((c) => criteria[c]?.verifier?.met === true);
      return {
        ...s,
        criteria,
        verification: { reportNo: String(data.reportNo), by: by?.id ?? '', allMet },
        deadlines: [],
      };
    }
    case 'DossierReturned':
      return {
        ...s,
        returns: [
          ...s.returns,
          {
            dossierVersion: s.dossierVersion,
            reasons: data.reasons as DossierState['returns'][number]['reasons'],
          },
        ],
        verification: undefined,
        appraisal: undefined,
        council: undefined,
        deadlines: [],
      };
    case 'DossierForwarded':
      return { ...s, deadlines: [] };
    case 'AppraisalRecorded': {
      const results = data.criteria as CriterionResult[];
      const fieldCheck = data.fieldCheck as { passed: boolean };
      return {
        ...s,
        criteria: withLevel(s, 'appraiser', results),
        appraisal: {
          reportNo: String(data.reportNo),
          by: by?.id ?? '',
          complete: data.complete === true,
          fieldCheckPassed: fieldCheck.passed,
          allMet: results.every((r) => r.met),
        },
        deadlines: [],
      };
    }
    case 'CouncilBallotRecorded': {
      const recused = data.recusedMemberIds as string[];
      return {
        ...s,
        council: {
          heldOn: String(data.heldOn),
          membersTotal: Number(data.membersTotal),
          present: (data.presentMemberIds as string[]).length,
          recused,
          for: Number(data.for),
          against: Number(data.against),
          blank: Number(data.blank),
          approved: data.approved === true,
        },
      };
    }
    case 'RecognitionDecided':
    case 'RecognitionRefused':
    case 'RecognitionRevoked':
    case 'RecognitionKept':
    case 'AcknowledgementDecided': {
      const outcome =
        type === 'RecognitionDecided'
          ? 'recognise'
          : type === 'RecognitionRefused'
            ? 'refuse'
            : String(data.outcome);
      const tier = (data.tier as Tier | undefined) ?? (type === 'RecognitionDecided' ? s.tier : undefined);
      return {
        ...s,
        decision: {
          outcome,
          decisionNo: String(data.decisionNo),
          decidedOn: String(data.decidedOn),
          by: by?.id ?? '',
          ...(tier ? { tier } : {}),
        },
        deadlines: [],
      };
    }
    case 'RecognitionAnnounced':
      return { ...s, announcedOn: String(data.announcedOn) };
    case 'RevocationPublished':
      return { ...s, announcedOn: String(data.publishedOn) };
    case 'DossierWithdrawn':
      return { ...s, withdrawal: { reason: String(data.reason) }, deadlines: [] };
    case 'RevocationAssessed':
      return {
        ...s,
        revocation: {
          revoke: data.revoke === true,
          ...(typeof data.ground === 'string' ? { ground: data.ground } : {}),
          failingCriteria: data.failingCriteria as string[],
          criticalFailing: data.criticalFailing as string[],
          by: by?.id ?? '',
        },
        preparers: addIds(s.preparers, by),
      };
    default:
      return s;
  }
}

/** Folds one event into the state. The first event must be DossierOpened (state undefined). */
export function evolve(state: DossierState | undefined, e: FoldableEvent): DossierState {
  const { data } = upcast(e.type, e.schemaVersion, e.data as Data);
  const fromState = e.fromState ?? e.metadata?.fromState;
  const toState = e.toState ?? e.metadata?.toState;
  if (state === undefined) {
    if (e.type !== 'DossierOpened' || toState === undefined)
      throw new ReplayError(
        'NOT_OPENED_FIRST',
        `a dossier's first event must be DossierOpened with a step, got ${e.type}`,
      );
    const s = opened(data, toState);
    assertTransition(s.workflow, 'draft', e.type, toState);
    return s;
  }
  if (fromState !== undefined && fromState !== state.step) {
    throw new ReplayError(
      'STEP_MISMATCH',
      `${e.type} at revision ${state.revision + 1} left step ${fromState}, but the dossier was in ${state.step}`,
    );
  }
  const to = toState ?? state.step;
  if (e.type !== 'DeadlineScheduled') assertTransition(state.workflow, state.step, e.type, to);
  const next = apply(state, e.type, data);
  return { ...next, step: to, status: to, revision: state.revision + 1 };
}

function assertTransition(pin: WorkflowPin, from: string, eventType: string, to: string): void {
  const wf = workflowByPin(pin);
  if (!wf) throw new ReplayError('UNKNOWN_WORKFLOW', `unknown workflow ${pin.id} v${pin.version}`);
  const command = COMMAND_OF_EVENT[eventType];
  if (!command || !candidatesOf(wf.machine, from, command).some((c) => c.to === to)) {
    throw new ReplayError(
      'TRANSITION_NOT_IN_WORKFLOW',
      `${pin.id} v${pin.version} has no ${command ?? eventType} from ${from} to ${to}`,
    );
  }
}

/** The state of a dossier: the fold of its events from the first. */
export function replay(events: readonly FoldableEvent[]): DossierState {
  const state = events.reduce<DossierState | undefined>((s, e) => evolve(s, e), undefined);
  if (state === undefined) throw new ReplayError('NOT_OPENED_FIRST', 'an empty stream has no dossier');
  return state;
}
