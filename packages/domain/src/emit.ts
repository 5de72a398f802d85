/**
 * The event each accepted command records. Event data repeats the command body and adds what was computed under
 * the rule set (shares, thresholds, due dates), so a reader of the log sees the figures the decision was taken on.
 */
import { EVENT_SCHEMAS, type EventType, type OpenDossierBody } from '@ntm/contracts';
import type { DomainEvent, DossierScope, Tier } from './model.js';
import type { DossierState } from './state.js';
import { addCalendarDays, criteriaSetFor, evaluateRevocation, type UnitRegistry } from './reference/index.js';
import type { DecisionInput } from './workflows/types.js';
import type { RegisteredWorkflow } from './workflows/registry.js';

export const event = (type: EventType, data: Record<string, unknown>): DomainEvent => ({
  type,
  schemaVersion: EVENT_SCHEMAS[type].schemaVersion,
  data,
});

const byOf = (input: DecisionInput) => ({
  id: input.actor.id,
  role: input.actor.role,
  ...(input.onBehalfOf ? { onBehalfOf: input.onBehalfOf.id } : {}),
});

const TIER_KIND = { ntm: 'COMMUNE_NTM', advanced: 'COMMUNE_ADVANCED', model: 'COMMUNE_MODEL' } as const;

function scopeOf(body: OpenDossierBody, units: UnitRegistry, today: string): DossierScope {
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
  input: DecisionInput & { units: UnitRegistry },
  wf: RegisteredWorkflow,
): DomainEvent {
  const criteriaKind =
    body.kind === 'REVOCATION' && body.targetRecognition ? TIER_KIND[body.targetRecognition.tier] : body.kind;
  const set = criteriaSetFor(criteriaKind, input.today);
  const tier: Tier | undefined =
    wf.definition.tier ?? (body.kind === 'REVOCATION' ? body.targetRecognition?.tier : undefined);
  return event('DossierOpened', {
    dossierId,
    kind: body.kind,
    workflow: { id: wf.id, version: wf.version },
    ruleSet: { id: input.ruleSet.id, version: input.ruleSet.version },
    criteriaSetId: set.id,
    criteriaCodes: set.criteria.map((c) => c.code),
    ...(tier ? { tier } : {}),
    scope: scopeOf(body, input.units, input.today),
    year: body.year,
    openedOn: input.today,
    by: byOf(input),
    ...(body.constructionDebt ? { constructionDebt: body.constructionDebt } : {}),
    ...(body.securityClassification ? { securityClassification: body.securityClassification } : {}),
    ...(body.targetRecognition ? { targetRecognition: body.targetRecognition } : {}),
    ...(body.predecessors ? { predecessors: body.predecessors } : {}),
  });
}

/** The primary event of a command accepted on an opened dossier; `to` is the step it leads to. */
export function commandEvent(
  type: string,
  body: Record<string, unknown>,
  d: DossierState,
  input: DecisionInput,
  to: string,
): DomainEvent {
  const rs = input.ruleSet;
  const by = byOf(input);
  switch (type) {
    case 'RecordSelfAssessment':
      return event('SelfAssessmentRecorded', { ...body, by });
    case 'AttachDocument':
      return event('DocumentAttached', { ...body, dossierVersion: d.dossierVersion });
    case 'OpenPublicNotice': {
      const days = d.kind === 'VILLAGE_NTM' ? rs.notice.villageDays.value : rs.notice.communeDays.value;
      return event('PublicNoticeOpened', {
        ...body,
        days,
        endsOn: addCalendarDays(String(body.from), days - 1),
      });
    }
    case 'RecordComment':
      return event('CommentRecorded', body);
    case 'RespondToComment':
      return event('CommentResponded', body);
    case 'ClosePublicNotice':
      return event('PublicNoticeClosed', { closedOn: input.today });
    case 'RecordPollTally':
      return event('PollTallyRecorded', body);
    case 'IssuePollReport': {
      const t = Object.values(d.poll.tallies);
      const sum = (k: 'households' | 'respondents' | 'satisfied') => t.reduce((s, x) => s + x[k], 0);
      return event('PollReportIssued', {
        ...body,
        households: sum('households'),
        respondents: sum('respondents'),
        satisfied: sum('satisfied'),
        minCoverage: rs.poll.minCoverage.value,
        passShare: rs.poll.passShare[d.tier ?? 'ntm'].value,
        passed: true,
      });
    }
    case 'RecordProposalMeeting':
      return event('ProposalMeetingRecorded', { ...body, requiredShare: rs.proposalMeetingShare.value });
    case 'SubmitDossier':
      return event('DossierSubmitted', { ...body, dossierVersion: d.dossierVersion, by });
    case 'RecordVerification':
      return event('VerificationRecorded', { ...body, by });
    case 'ReturnDossier':
      return event('DossierReturned', { ...body, dossierVersion: d.dossierVersion, by });
    case 'ResubmitDossier':
      return event('DossierResubmitted', { ...body, dossierVersion: d.dossierVersion + 1, by });
    case 'ForwardToProvince':
      return event('DossierForwarded', { ...body, by });
    case 'RecordAppraisal':
      return event('AppraisalRecorded', { ...body, by });
    case 'RecordCouncilBallot':
      return event('CouncilBallotRecorded', {
        ...body,
        quorum: rs.council.quorum.value,
        approvalShare: rs.council.approvalShare.value,
        approved: to === 'councilApproved',
      });
    case 'DecideRecognition':
      return body.outcome === 'recognise'
        ? event('RecognitionDecided', {
            ...body,
            ...(d.tier ? { tier: d.tier } : {}),
            // the year recognised: the one the decision names, else the dossier's round (progress counts by it)
            year: typeof body.yearRecognised === 'number' ? body.yearRecognised : d.year,
            by,
          })
        : event('RecognitionRefused', { ...body, by });
    case 'AnnounceRecognition':
      return event('RecognitionAnnounced', body);
    case 'WithdrawDossier':
      return event('DossierWithdrawn', body);
    case 'RecordRevocationAssessment': {
      const failing = body.failingCriteria as string[];
      const outcome = evaluateRevocation(rs, String(body.criteriaSetId), failing, Number(body.totalCriteria));
      return event('RevocationAssessed', {
        ...body,
        revoke: outcome.revoke,
        ...(outcome.ground ? { ground: outcome.ground } : {}),
        criticalFailing: outcome.criticalFailing,
        by,
      });
    }
    case 'DecideRevocation':
      return body.outcome === 'revoke'
        ? event('RecognitionRevoked', { ...body, ...(d.tier ? { tier: d.tier } : {}), by })
        : event('RecognitionKept', { ...body, by });
    case 'PublishRevocation':
      return event('RevocationPublished', body);
    case 'ElapseDeadline': {
      const due = d.deadlines.find((x) => x.deadlineId === body.deadlineId);
      return event('DeadlineElapsed', {
        deadlineId: body.deadlineId,
        dueOn: due?.dueOn,
        elapsedOn: input.today,
      });
    }
    case 'DecideAcknowledgement':
      return event('AcknowledgementDecided', { ...body, by });
    default:
      throw new TypeError(`no event for command ${type}`);
  }
}

/** The command each primary event records, so replay can check the pinned machine has that transition. */
export const COMMAND_OF_EVENT: Readonly<Record<string, string>> = {
  DossierOpened: 'OpenDossier',
  SelfAssessmentRecorded: 'RecordSelfAssessment',
  DocumentAttached: 'AttachDocument',
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
  RecognitionDecided: 'DecideRecognition',
  RecognitionRefused: 'DecideRecognition',
  RecognitionAnnounced: 'AnnounceRecognition',
  DossierWithdrawn: 'WithdrawDossier',
  RevocationAssessed: 'RecordRevocationAssessment',
  RecognitionRevoked: 'DecideRevocation',
  RecognitionKept: 'DecideRevocation',
  RevocationPublished: 'PublishRevocation',
  AcknowledgementDecided: 'DecideAcknowledgement',
  DeadlineElapsed: 'ElapseDeadline',
};
