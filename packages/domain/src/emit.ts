/**
 * The event each accepted command records. Event data repeats the command body and adds what was computed under
 * the rule set (shares, thresholds, due dates), so a reader of the log sees the figures the decision was taken on.
 */
import {
  EVENT_SCHEMAS,
  type CommandBody,
  type CommandType,
  type EventData,
  type EventType,
  type OpenDossierBody,
} from '@ntm/contracts';
import { DomainError } from './errors.js';
import type { DomainEvent, DossierKind, DossierScope, Tier } from './model.js';
import type { DossierState, OpenDeadline } from './state.js';
import {
  addCalendarDays,
  evaluateRevocation,
  extendedDueOn,
  nationalCalendar,
  unconfirmedYearsBetween,
  type CriteriaChoice,
  type UnitRegistry,
} from './reference/index.js';
import type { DecisionInput } from './workflows/types.js';
import type { RegisteredWorkflow } from './workflows/registry.js';
import { mergerOf } from './workflows/merger.js';
import { sha256Hex } from './sha256.js';
import { complaintIssuerRole, complaintResolutionDays, complaintWindow } from './workflows/complaint.js';

/** An event of `type` whose data must be that type's data: emitting a field the contract lacks does not compile. */
export const event = <T extends EventType>(type: T, data: EventData<T>): DomainEvent<T, EventData<T>> => ({
  type,
  schemaVersion: EVENT_SCHEMAS[type].schemaVersion,
  data,
});

export const byOf = (input: DecisionInput) => ({
  id: input.actor.id,
  role: input.actor.role,
  ...(input.onBehalfOf ? { onBehalfOf: input.onBehalfOf.id } : {}),
});

/** Only the hash of a free-text reason enters the log: the text may be personal data (ADR 0022). */
export const reasonSha256 = (text: string): string => sha256Hex(text);

/**
 * The hash a complainant's details enter the log as: of their JSON with the fields in a fixed order, so the text
 * kept in the erasable table can be checked against the event.
 */
export const complainantJson = (c: {
  name: string;
  address?: string | undefined;
  contact?: string | undefined;
}): string => JSON.stringify({ name: c.name, address: c.address ?? null, contact: c.contact ?? null });
export const complainantSha256 = (c: Parameters<typeof complainantJson>[0]): string =>
  sha256Hex(complainantJson(c));

/** The complaint part of a COMPLAINT's opening: the decision complained of, its issuer and the window. */
function complaintOpened(body: OpenDossierBody, input: DecisionInput) {
  const target = input.complaintTarget;
  const filing = body.complaint;
  // Unreachable: `kindFields` and `complaintTarget` guard the opening edge.
  if (!target?.decision || !filing) throw new TypeError('a complaint needs its target decision');
  const { outcome, decisionNo, decidedOn } = target.decision;
  const window = complaintWindow(input.ruleSet, decidedOn, filing.learnedOn);
  return {
    targetDossierId: target.id,
    targetKind: target.kind,
    decision: { outcome, decisionNo, decidedOn },
    issuerRole: complaintIssuerRole(target, input.today),
    ...(filing.learnedOn ? { learnedOn: filing.learnedOn } : {}),
    windowDays: window.days,
    windowEndsOn: window.endsOn,
    complainantSha256: complainantSha256(filing.complainant),
    groundsSha256: reasonSha256(filing.grounds),
  };
}

/** The ballot a council command acts on; its edges run only in councilVoting, where the fold has set it. */
function openBallot(d: DossierState): NonNullable<DossierState['councilBallot']> {
  if (!d.councilBallot) throw new TypeError('no open council ballot');
  return d.councilBallot;
}

/** CouncilBallotClosed: the tally, who voted, recused or stayed away, and the result the machine chose. */
function ballotClosed(d: DossierState, input: DecisionInput, minutesNo: string | undefined, to: string) {
  const b = openBallot(d);
  const votes = Object.values(b.votes);
  const count = (v: string) => votes.filter((x) => x === v).length;
  const voterIds = Object.keys(b.votes);
  return event('CouncilBallotClosed', {
    ballotNo: b.ballotNo,
    heldOn: b.heldOn,
    closedOn: input.today,
    ...(minutesNo ? { minutesNo } : {}),
    result: to === 'councilApproved' ? 'approved' : to === 'councilNotApproved' ? 'not_approved' : 'void',
    membersTotal: b.memberIds.length,
    voterIds,
    recusedMemberIds: b.recused,
    absentMemberIds: b.memberIds.filter((id) => !voterIds.includes(id) && !b.recused.includes(id)),
    for: count('approve'),
    against: count('reject'),
    blank: count('abstain'),
    quorum: input.ruleSet.council.quorum.value,
    approvalShare: input.ruleSet.council.approvalShare.value,
    quorumMet: to !== 'appraised',
    by: byOf(input),
  });
}

/** Where a dossier opened with `body` on `today` sits in the administrative tree. */
export function scopeOf(body: OpenDossierBody, units: UnitRegistry, today: string): DossierScope {
  const communeCode = body.kind === 'VILLAGE_NTM' ? (body.communeCode ?? '') : body.unitCode;
  const district = units.districtOf(communeCode, today);
  return {
    unitCode: body.unitCode,
    communeCode,
    ...(district ? { districtCode: district.code } : {}),
    provinceCode: units.provinceOf(communeCode, today).code,
  };
}

/** DossierOpened: pins the workflow, the rule set and the criteria set in force on the opening day. */
export function openedEvent(
  dossierId: string,
  body: OpenDossierBody,
  input: DecisionInput,
  scope: DossierScope,
  wf: RegisteredWorkflow,
  { set }: CriteriaChoice,
): DomainEvent {
  const merger =
    body.kind === 'POST_MERGER_ACKNOWLEDGEMENT' && input.units
      ? mergerOf(body.unitCode, input.today, input.units, body.predecessors, input.recognitionOf)
      : undefined;
  const tier: Tier | undefined =
    wf.definition.tier ??
    (body.kind === 'REVOCATION'
      ? body.targetRecognition?.tier
      : body.kind === 'COMPLAINT'
        ? input.complaintTarget?.tier
        : undefined);
  return event('DossierOpened', {
    dossierId,
    kind: body.kind,
    workflow: { id: wf.id, version: wf.version },
    ruleSet: { id: input.ruleSet.id, version: input.ruleSet.version },
    criteriaSetId: set.id,
    criteriaCodes: set.criteria.map((c) => c.code),
    ...(tier ? { tier } : {}),
    scope,
    year: body.year,
    openedOn: input.today,
    by: byOf(input),
    ...(body.constructionDebt ? { constructionDebt: body.constructionDebt } : {}),
    ...(body.securityClassification ? { securityClassification: body.securityClassification } : {}),
    ...(body.targetRecognition ? { targetRecognition: body.targetRecognition } : {}),
    ...(body.predecessors ? { predecessors: body.predecessors } : {}),
    // An opening with mismatches is refused before this; what is recorded is the merger and the statuses judged.
    ...(merger ? { merger: (({ mismatches: _, ...recorded }) => recorded)(merger) } : {}),
    ...(body.kind === 'COMPLAINT' ? { complaint: complaintOpened(body, input) } : {}),
    ...villageDeciderOpened(body.kind, input),
  });
}

/** A province's own village decider is pinned at opening, so a later change of its rules moves no dossier. */
function villageDeciderOpened(kind: DossierKind, input: DecisionInput) {
  const own = kind === 'VILLAGE_NTM' ? input.procedure.villageDecider : undefined;
  return own
    ? { villageDecider: { role: own.value, legalBasis: own.legalBasis, confirmed: own.confirmed } }
    : {};
}

/** A command checked against its contract: its type and the body its schema output, discriminated on `type`. */
export type CheckedCommand = { [T in CommandType]: { type: T; body: CommandBody<T> } }[CommandType];

/**
 * The primary event of a command accepted on an opened dossier; `to` is the step it leads to. The switch is
 * exhaustive over the command union: a new command does not compile until it says which event it records.
 */
export function commandEvent(
  command: CheckedCommand,
  d: DossierState,
  input: DecisionInput,
  to: string,
): DomainEvent {
  const rs = input.ruleSet;
  const by = byOf(input);
  switch (command.type) {
    case 'OpenDossier':
      throw new TypeError('OpenDossier creates the dossier: see openedEvent');
    case 'RecordSelfAssessment':
      return event('SelfAssessmentRecorded', { ...command.body, by });
    case 'AttachDocument':
      return event('DocumentAttached', { ...command.body, dossierVersion: d.dossierVersion });
    case 'AttachDocumentFile':
      return event('DocumentFileAttached', {
        ...command.body,
        version: (d.files ?? []).filter((f) => f.documentId === command.body.documentId).length + 1,
        dossierVersion: d.dossierVersion,
      });
    case 'SignDecision':
      return event('DecisionSigned', { ...command.body, by });
    case 'OpenPublicNotice': {
      const days = d.kind === 'VILLAGE_NTM' ? rs.notice.villageDays.value : rs.notice.communeDays.value;
      return event('PublicNoticeOpened', {
        ...command.body,
        days,
        endsOn: addCalendarDays(command.body.from, days - 1),
      });
    }
    case 'RecordComment':
      return event('CommentRecorded', command.body);
    case 'RespondToComment':
      return event('CommentResponded', command.body);
    case 'ClosePublicNotice':
      return event('PublicNoticeClosed', { closedOn: input.today });
    case 'RecordPollTally':
      return event('PollTallyRecorded', command.body);
    case 'IssuePollReport': {
      const t = Object.values(d.poll.tallies);
      const sum = (k: 'households' | 'respondents' | 'satisfied') => t.reduce((s, x) => s + x[k], 0);
      return event('PollReportIssued', {
        ...command.body,
        households: sum('households'),
        respondents: sum('respondents'),
        satisfied: sum('satisfied'),
        minCoverage: rs.poll.minCoverage.value,
        passShare: rs.poll.passShare[d.tier ?? 'ntm'].value,
        passed: true,
      });
    }
    case 'RecordProposalMeeting':
      return event('ProposalMeetingRecorded', {
        ...command.body,
        requiredShare: rs.proposalMeetingShare.value,
      });
    case 'SubmitDossier': {
      // The code is given once, on the first submission; a dossier keeps it for life.
      const dossierCode = d.dossierCode ? undefined : input.numbers?.dossierCode;
      return event('DossierSubmitted', {
        ...command.body,
        dossierVersion: d.dossierVersion,
        by,
        ...(dossierCode ? { dossierCode } : {}),
      });
    }
    case 'RecordVerification':
      return event('VerificationRecorded', { ...command.body, by });
    case 'ReturnDossier':
      return event('DossierReturned', { ...command.body, dossierVersion: d.dossierVersion, by });
    case 'ResubmitDossier':
      return event('DossierResubmitted', { ...command.body, dossierVersion: d.dossierVersion + 1, by });
    case 'ForwardToProvince':
      return event('DossierForwarded', { ...command.body, by });
    case 'RecordAppraisal':
      return event('AppraisalRecorded', { ...command.body, by });
    case 'RecordCouncilBallot':
      return event('CouncilBallotRecorded', {
        ...command.body,
        quorum: rs.council.quorum.value,
        approvalShare: rs.council.approvalShare.value,
        approved: to === 'councilApproved',
      });
    case 'OpenCouncilBallot':
      return event('CouncilBallotOpened', {
        ...command.body,
        quorum: rs.council.quorum.value,
        approvalShare: rs.council.approvalShare.value,
        by,
      });
    case 'CastCouncilVote': {
      const { vote, reason } = command.body;
      return event('CouncilVoteCast', {
        ballotNo: openBallot(d).ballotNo,
        vote,
        ...(reason ? { reasonSha256: reasonSha256(reason) } : {}),
        by,
      });
    }
    case 'RecuseFromCouncil':
      return event('CouncilMemberRecused', {
        ballotNo: openBallot(d).ballotNo,
        reasonSha256: reasonSha256(command.body.reason),
        by,
      });
    case 'CloseCouncilBallot':
      return ballotClosed(d, input, command.body.minutesNo, to);
    case 'DecideRecognition': {
      const decisionNo = decisionNumber(command.body, input);
      return command.body.outcome === 'recognise'
        ? event('RecognitionDecided', {
            ...command.body,
            decisionNo,
            ...(d.tier ? { tier: d.tier } : {}),
            // the year recognised: the one the decision names, else the dossier's round (progress counts by it)
            year: command.body.yearRecognised ?? d.year,
            by,
          })
        : event('RecognitionRefused', { ...command.body, decisionNo, by });
    }
    case 'AnnounceRecognition':
      return event('RecognitionAnnounced', command.body);
    case 'WithdrawDossier':
      return event('DossierWithdrawn', command.body);
    case 'PublishResults':
      return event('ResultsPublished', {
        ...command.body,
        legalBasis: input.procedure.resultsPublication.legalBasis,
        by,
      });
    case 'RecordRevocationAssessment': {
      const { criteriaSetId, failingCriteria, totalCriteria } = command.body;
      const outcome = evaluateRevocation(rs, criteriaSetId, failingCriteria, totalCriteria);
      return event('RevocationAssessed', {
        ...command.body,
        revoke: outcome.revoke,
        ...(outcome.ground ? { ground: outcome.ground } : {}),
        criticalFailing: outcome.criticalFailing,
        by,
      });
    }
    case 'DecideRevocation': {
      const decisionNo = decisionNumber(command.body, input);
      return command.body.outcome === 'revoke'
        ? event('RecognitionRevoked', {
            ...command.body,
            decisionNo,
            ...(d.tier ? { tier: d.tier } : {}),
            by,
          })
        : event('RecognitionKept', { ...command.body, decisionNo, by });
    }
    case 'PublishRevocation':
      return event('RevocationPublished', command.body);
    case 'ElapseDeadline': {
      const { deadlineId } = command.body;
      const due = d.deadlines.find((x) => x.deadlineId === deadlineId);
      // Unreachable: `deadlineDue` guards the edge. Never record an event that breaks its own contract.
      if (!due) throw new TypeError(`no deadline ${deadlineId}`);
      return event('DeadlineElapsed', { deadlineId, dueOn: due.dueOn, elapsedOn: input.today });
    }
    case 'ExtendDeadline': {
      const running = deadlineOf(d, command.body.deadlineId);
      const holidays = input.holidays ?? nationalCalendar();
      const dueOn = extendedDueOn(running.dueOn, command.body.workingDays, holidays);
      const unconfirmed = unconfirmedYearsBetween(holidays, running.dueOn, dueOn);
      return event('DeadlineExtended', {
        ...command.body,
        step: running.step,
        previousDueOn: running.dueOn,
        dueOn,
        ...(unconfirmed.length > 0 ? { calendarUnconfirmedYears: unconfirmed } : {}),
        grantedBy: by,
      });
    }
    case 'IssueApology': {
      const missed = deadlineOf(d, command.body.deadlineId);
      return event('ApologyIssued', {
        ...command.body,
        step: missed.step,
        missedDueOn: missed.dueOn,
        newDeadlineId: `${missed.step}-${input.today}-apology`,
        by,
      });
    }
    case 'AcceptComplaint':
      return event('ComplaintAccepted', {
        ...command.body,
        resolutionWorkingDays: complaintResolutionDays(rs, command.body),
        by,
      });
    case 'DecideComplaint': {
      const complaint = d.complaint;
      // Unreachable: only a complaint dossier has this edge, and its opening recorded the decision complained of.
      if (!complaint) throw new TypeError('DecideComplaint on a dossier with no complaint');
      return event('ComplaintDecided', {
        ...command.body,
        decisionNo: decisionNumber(command.body, input),
        targetDossierId: complaint.targetDossierId,
        targetDecisionNo: complaint.decision.decisionNo,
        by,
      });
    }
    case 'DecideAcknowledgement':
      return event('AcknowledgementDecided', {
        ...command.body,
        decisionNo: decisionNumber(command.body, input),
        by,
      });
    default: {
      const unknown: never = command;
      throw new TypeError(`no event for command ${(unknown as { type: string }).type}`);
    }
  }
}

/** The dossier's deadline `deadlineId`; the edge's checks have made sure it is there. */
function deadlineOf(d: DossierState, deadlineId: string): OpenDeadline {
  const found = d.deadlines.find((x) => x.deadlineId === deadlineId);
  // Unreachable: a check guards every edge that names a deadline. Never record an event that breaks its contract.
  if (!found) throw new TypeError(`no deadline ${deadlineId}`);
  return found;
}

/** The decision's number: the one the command names (a paper register), else the one drawn from the counter. */
function decisionNumber(body: { decisionNo?: string | undefined }, input: DecisionInput): string {
  const decisionNo = body.decisionNo ?? input.numbers?.decisionNo;
  if (decisionNo === undefined)
    throw new DomainError(
      'VALIDATION_FAILED',
      'the decision has no number: name decisionNo or let the application draw one',
      'quyết định chưa có số: ghi decisionNo hoặc để hệ thống cấp số',
    );
  return decisionNo;
}

/** The command each primary event records, so replay can check the pinned machine has that transition. */
/** Events that a command's transition records beside its own event: they have no edge of their own. */
export type ClockEventType = 'DeadlineScheduled' | 'DeadlineSuspended' | 'DeadlineResumed';

/**
 * Events recorded by a command that is not a step of the procedure (ADR 0028): the dossier stays where it is, and
 * no workflow version has an edge for them, so published versions are not touched. The decider judges them by
 * their own rule (`decideSignature` for DecisionSigned).
 */
export type StepFreeEventType = 'DecisionSigned';
export const STEP_FREE_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>(['SignDecision']);

export const COMMAND_OF_EVENT: Readonly<
  Record<Exclude<EventType, ClockEventType | StepFreeEventType>, CommandType>
> = {
  DossierOpened: 'OpenDossier',
  SelfAssessmentRecorded: 'RecordSelfAssessment',
  DocumentAttached: 'AttachDocument',
  DocumentFileAttached: 'AttachDocumentFile',
  PublicNoticeOpened: 'OpenPublicNotice',
  CommentRecorded: 'RecordComment',
  CommentResponded: 'RespondToComment',
  PublicNoticeClosed: 'ClosePublicNotice',
  PollTallyRecorded: 'RecordPollTally',
  PollReportIssued: 'IssuePollReport',
  ProposalMeetingRecorded: 'RecordProposalMeeting',
  DossierSubmitted: 'SubmitDossier',
  VerificationRecorded: 'RecordVerification',
  DossierReturned: 'ReturnDossier',
  DossierResubmitted: 'ResubmitDossier',
  DossierForwarded: 'ForwardToProvince',
  AppraisalRecorded: 'RecordAppraisal',
  CouncilBallotRecorded: 'RecordCouncilBallot',
  CouncilBallotOpened: 'OpenCouncilBallot',
  CouncilVoteCast: 'CastCouncilVote',
  CouncilMemberRecused: 'RecuseFromCouncil',
  CouncilBallotClosed: 'CloseCouncilBallot',
  RecognitionDecided: 'DecideRecognition',
  RecognitionRefused: 'DecideRecognition',
  RecognitionAnnounced: 'AnnounceRecognition',
  DossierWithdrawn: 'WithdrawDossier',
  ResultsPublished: 'PublishResults',
  RevocationAssessed: 'RecordRevocationAssessment',
  RecognitionRevoked: 'DecideRevocation',
  RecognitionKept: 'DecideRevocation',
  RevocationPublished: 'PublishRevocation',
  AcknowledgementDecided: 'DecideAcknowledgement',
  ComplaintAccepted: 'AcceptComplaint',
  ComplaintDecided: 'DecideComplaint',
  DeadlineElapsed: 'ElapseDeadline',
  DeadlineExtended: 'ExtendDeadline',
  ApologyIssued: 'IssueApology',
};
