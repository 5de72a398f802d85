/**
 * Event data schemas (past tense), each at its current schema version, and the upcasters that lift older stored
 * versions to the current one. Events are immutable in the store; a changed shape is a new schemaVersion plus an
 * upcaster here, never a rewrite of the log.
 */
import { z } from 'zod';
import * as C from './commands.js';
import { quickSafeParse } from './fastCheck.js';
import {
  Count,
  CriterionCode,
  DossierKindSchema,
  IsoDate,
  LongText,
  Sha256,
  ShortText,
  TierSchema,
  UnitCode,
} from './primitives.js';

/** Mã hồ sơ: receiving agency, receipt date (YYMMDD), the day's sequence (egov-conventions.md). */
export const DossierCode = z
  .string()
  .regex(/^[0-9A-Z.]{1,40}-\d{6}-\d{4,}$/)
  .describe(
    'dossier code (mã hồ sơ): receiving agency code, receipt date YYMMDD, 4-digit sequence of the day',
  )
  .meta({ examples: ['19-250826-0001'] });

const By = z
  .object({ id: ShortText, role: ShortText, onBehalfOf: ShortText.optional() })
  .describe('who acted (copied from the envelope for segregation of duties)');
const Share = z.number().min(0).max(1);
const Threshold = z.object({ share: Share, inclusive: z.boolean() });
/** The unrefined shape of a command body, so event data can add fields to it. */
const shapeOf = <T extends z.ZodRawShape>(schema: z.ZodObject<T>): T => schema.shape;

export const DossierOpenedData = z.object({
  dossierId: ShortText,
  kind: DossierKindSchema,
  workflow: z.object({ id: ShortText, version: z.number().int() }),
  ruleSet: z.object({ id: ShortText, version: z.number().int() }),
  criteriaSetId: ShortText,
  criteriaCodes: z.array(CriterionCode),
  tier: TierSchema.optional(),
  scope: z.object({
    unitCode: ShortText,
    communeCode: UnitCode,
    districtCode: UnitCode.optional(),
    provinceCode: UnitCode,
  }),
  year: z.number().int(),
  openedOn: IsoDate,
  by: By,
  constructionDebt: shapeOf(C.OpenDossierBody).constructionDebt,
  securityClassification: shapeOf(C.OpenDossierBody).securityClassification,
  targetRecognition: shapeOf(C.OpenDossierBody).targetRecognition,
  predecessors: shapeOf(C.OpenDossierBody).predecessors,
  merger: z
    .object({
      effectiveDate: IsoDate,
      basis: LongText,
      statusOn: IsoDate,
      predecessors: z.array(
        z.object({ code: UnitCode, tier: TierSchema.nullable(), decisionNo: ShortText.optional() }),
      ),
      statusesFrom: z
        .enum(['recognitions', 'declared', 'mixed'])
        .describe(
          'mixed: the recognition record knew some predecessors, the declaration stands for the others',
        ),
    })
    .optional()
    .describe('POST_MERGER_ACKNOWLEDGEMENT: the merger on record (by code) and the predecessors on its eve'),
  complaint: z
    .object({
      targetDossierId: ShortText,
      targetKind: DossierKindSchema,
      decision: z.object({ outcome: ShortText, decisionNo: ShortText, decidedOn: IsoDate }),
      issuerRole: ShortText.describe(
        'the role that took the decision, or its successor: it resolves the complaint',
      ),
      learnedOn: IsoDate.optional(),
      windowDays: z.number().int(),
      windowEndsOn: IsoDate.describe('last day a complaint could be filed'),
      complainantSha256: Sha256,
      groundsSha256: Sha256,
    })
    .optional()
    .describe(
      'COMPLAINT: the decision complained of and the window it was filed in; who complains and why are kept ' +
        'outside the log (their SHA-256 only)',
    ),
  villageDecider: z
    .object({ role: ShortText, legalBasis: LongText, confirmed: z.boolean() })
    .optional()
    .describe(
      "VILLAGE_NTM: the role the province's own rules name to decide, pinned at opening in place of the rule " +
        "set's decider (absent: the rule set's)",
    ),
});

const DeadlineStep = z.enum(['verification', 'appraisal', 'decision', 'complaint']);
const Deadline = z.object({
  deadlineId: ShortText,
  step: DeadlineStep,
  startedOn: IsoDate,
  workingDays: z.number().int(),
  dueOn: IsoDate,
  calendarUnconfirmedYears: z
    .array(z.number().int())
    .optional()
    .describe(
      'years the deadline runs through whose days off are not confirmed (an estimate, or the statute alone); absent in older events',
    ),
});

/** One rule parameter or criteria set a decision rested on: its legal basis and whether a source confirms it. */
export const ProvenanceEntry = z.object({
  rule: ShortText.describe(
    'the rule read, e.g. "two-tier-2025@3:poll.passShare.ntm" or "criteria:commune-ntm-2026-2030"',
  ),
  value: z.string().max(400).optional().describe('the value applied, as text'),
  basis: z.string().max(1000),
  confirmed: z.boolean(),
  note: z.string().max(1000).optional(),
});
export type ProvenanceEntry = z.infer<typeof ProvenanceEntry>;

/**
 * Law provenance, optional on every event (no new schema version: older events simply have none). `rulesRead`:
 * the rule parameters and criteria the decider read to decide this event; `provenance`, on decisions: each rule the
 * dossier's events read, with its basis and whether it is confirmed; `procedureUnconfirmed`: the procedure the
 * dossier runs under is not confirmed for the period it was opened in.
 */
const PROVENANCE = {
  rulesRead: z.array(ShortText).optional(),
  provenance: z.array(ProvenanceEntry).optional(),
  procedureUnconfirmed: z
    .object({ from: IsoDate, basis: z.string().max(1000), note: z.string().max(1000) })
    .optional(),
};

type Schemas = Record<string, { schemaVersion: number; schema: z.ZodObject }>;
/** Adds the provenance fields to every event's data schema, keeping each schema's own type. */
const withProvenance = <S extends Schemas>(
  schemas: S,
): {
  [K in keyof S]: {
    schemaVersion: S[K]['schemaVersion'];
    schema: z.ZodObject<S[K]['schema']['shape'] & typeof PROVENANCE>;
  };
} =>
  Object.fromEntries(
    Object.entries(schemas).map(([type, s]) => [type, { ...s, schema: s.schema.extend(PROVENANCE) }]),
  ) as never;

/** Current schema version and data schema of every event type. */
export const EVENT_SCHEMAS = withProvenance({
  DossierOpened: { schemaVersion: 1, schema: DossierOpenedData },
  SelfAssessmentRecorded: {
    schemaVersion: 1,
    schema: z.object({ ...shapeOf(C.RecordSelfAssessmentBody), by: By }),
  },
  DocumentAttached: {
    schemaVersion: 2,
    schema: z.object({ ...shapeOf(C.AttachDocumentBody), dossierVersion: z.number().int() }),
  },
  DocumentFileAttached: {
    schemaVersion: 1,
    schema: z.object({
      ...shapeOf(C.AttachDocumentFileBody),
      version: z
        .number()
        .int()
        .min(1)
        .describe('1 for the first file of the document, +1 for each replacement'),
      dossierVersion: z.number().int(),
    }),
  },
  PublicNoticeOpened: {
    schemaVersion: 1,
    schema: z.object({ ...shapeOf(C.OpenPublicNoticeBody), days: z.number().int(), endsOn: IsoDate }),
  },
  CommentRecorded: { schemaVersion: 1, schema: z.object(shapeOf(C.RecordCommentBody)) },
  CommentResponded: { schemaVersion: 1, schema: z.object(shapeOf(C.RespondToCommentBody)) },
  PublicNoticeClosed: { schemaVersion: 1, schema: z.object({ closedOn: IsoDate }) },
  PollTallyRecorded: { schemaVersion: 1, schema: z.object(shapeOf(C.RecordPollTallyBody)) },
  PollReportIssued: {
    schemaVersion: 1,
    schema: z.object({
      ...shapeOf(C.IssuePollReportBody),
      households: z.number().int(),
      respondents: z.number().int(),
      satisfied: z.number().int(),
      minCoverage: Threshold,
      passShare: Threshold,
      passed: z.literal(true),
    }),
  },
  ProposalMeetingRecorded: {
    schemaVersion: 1,
    schema: z.object({ ...shapeOf(C.RecordProposalMeetingBody), requiredShare: Threshold }),
  },
  DossierSubmitted: {
    schemaVersion: 1,
    schema: z.object({
      ...shapeOf(C.SubmitDossierBody),
      dossierVersion: z.number().int(),
      by: By,
      dossierCode: DossierCode.optional().describe('given on the first submission; absent in older events'),
    }),
  },
  DeadlineScheduled: { schemaVersion: 1, schema: Deadline },
  DeadlineElapsed: {
    schemaVersion: 1,
    schema: z.object({ deadlineId: ShortText, dueOn: IsoDate, elapsedOn: IsoDate }),
  },
  // The clock stops on a supplement request (yêu cầu bổ sung): what is left of it is kept for the resubmission.
  DeadlineSuspended: {
    schemaVersion: 1,
    schema: z.object({
      deadlineId: ShortText,
      step: DeadlineStep,
      startedOn: IsoDate,
      dueOn: IsoDate.describe('the due date when the clock stopped'),
      suspendedOn: IsoDate,
      remainingWorkingDays: Count.describe('working days after suspendedOn up to dueOn (0 when already due)'),
      reason: z.literal('supplement_request'),
    }),
  },
  DeadlineResumed: {
    schemaVersion: 1,
    schema: z.object({
      deadlineId: ShortText,
      step: DeadlineStep,
      startedOn: IsoDate,
      suspendedOn: IsoDate,
      resumedOn: IsoDate,
      remainingWorkingDays: Count,
      dueOn: IsoDate.describe('remainingWorkingDays counted from resumedOn'),
      calendarUnconfirmedYears: Deadline.shape.calendarUnconfirmedYears,
    }),
  },
  DeadlineExtended: {
    schemaVersion: 1,
    schema: z.object({
      ...shapeOf(C.ExtendDeadlineBody),
      step: DeadlineStep,
      previousDueOn: IsoDate,
      dueOn: IsoDate,
      calendarUnconfirmedYears: Deadline.shape.calendarUnconfirmedYears,
      grantedBy: By,
    }),
  },
  ApologyIssued: {
    schemaVersion: 1,
    schema: z.object({
      ...shapeOf(C.IssueApologyBody),
      step: DeadlineStep,
      missedDueOn: IsoDate,
      newDeadlineId: ShortText.describe('the deadline the new return date opens'),
      by: By,
    }),
  },
  VerificationRecorded: {
    schemaVersion: 1,
    schema: z.object({ ...shapeOf(C.RecordVerificationBody), by: By }),
  },
  DossierReturned: {
    schemaVersion: 1,
    schema: z.object({ ...shapeOf(C.ReturnDossierBody), dossierVersion: z.number().int(), by: By }),
  },
  DossierResubmitted: {
    schemaVersion: 1,
    schema: z.object({ ...shapeOf(C.ResubmitDossierBody), dossierVersion: z.number().int(), by: By }),
  },
  DossierForwarded: { schemaVersion: 1, schema: z.object({ ...shapeOf(C.ForwardToProvinceBody), by: By }) },
  AppraisalRecorded: { schemaVersion: 1, schema: z.object({ ...shapeOf(C.RecordAppraisalBody), by: By }) },
  CouncilBallotRecorded: {
    schemaVersion: 1,
    schema: z.object({
      ...shapeOf(C.RecordCouncilBallotBody),
      quorum: Threshold,
      approvalShare: Threshold,
      approved: z.boolean(),
    }),
  },
  CouncilBallotOpened: {
    schemaVersion: 1,
    schema: z.object({
      ...shapeOf(C.OpenCouncilBallotBody),
      quorum: Threshold,
      approvalShare: Threshold,
      by: By,
    }),
  },
  // Only the hash of a reason: its text may be personal data and lives in an erasable table (ADR 0022).
  CouncilVoteCast: {
    schemaVersion: 1,
    schema: z.object({
      ballotNo: ShortText,
      vote: shapeOf(C.CastCouncilVoteBody).vote,
      reasonSha256: Sha256.optional(),
      by: By,
    }),
  },
  CouncilMemberRecused: {
    schemaVersion: 1,
    schema: z.object({ ballotNo: ShortText, reasonSha256: Sha256, by: By }),
  },
  CouncilBallotClosed: {
    schemaVersion: 1,
    schema: z.object({
      ballotNo: ShortText,
      heldOn: IsoDate,
      closedOn: IsoDate,
      minutesNo: ShortText.optional(),
      result: z.enum(['approved', 'not_approved', 'void']),
      membersTotal: Count,
      voterIds: z.array(ShortText).describe('members who voted'),
      recusedMemberIds: z.array(ShortText),
      absentMemberIds: z.array(ShortText).describe('eligible members who neither voted nor recused'),
      for: Count,
      against: Count,
      blank: Count,
      quorum: Threshold,
      approvalShare: Threshold,
      quorumMet: z.boolean(),
      by: By,
    }),
  },
  RecognitionDecided: {
    schemaVersion: 1,
    schema: z.object({
      ...shapeOf(C.DecideRecognitionBody),
      decisionNo: C.DocumentNo,
      tier: TierSchema.optional(),
      year: z.number().int(),
      by: By,
    }),
  },
  RecognitionRefused: {
    schemaVersion: 1,
    schema: z.object({ ...shapeOf(C.DecideRecognitionBody), decisionNo: C.DocumentNo, by: By }),
  },
  RecognitionAnnounced: { schemaVersion: 1, schema: z.object(shapeOf(C.AnnounceRecognitionBody)) },
  DossierWithdrawn: { schemaVersion: 1, schema: z.object(shapeOf(C.WithdrawDossierBody)) },
  ResultsPublished: {
    schemaVersion: 1,
    schema: z.object({ ...shapeOf(C.PublishResultsBody), legalBasis: LongText, by: By }),
  },
  RevocationAssessed: {
    schemaVersion: 1,
    schema: z.object({
      ...shapeOf(C.RecordRevocationAssessmentBody),
      revoke: z.boolean(),
      ground: z.enum(['half_or_more', 'share_with_critical']).optional(),
      criticalFailing: z.array(CriterionCode),
      by: By,
    }),
  },
  RecognitionRevoked: {
    schemaVersion: 1,
    schema: z.object({
      ...shapeOf(C.DecideRevocationBody),
      decisionNo: C.DocumentNo,
      tier: TierSchema.optional(),
      by: By,
    }),
  },
  RecognitionKept: {
    schemaVersion: 1,
    schema: z.object({ ...shapeOf(C.DecideRevocationBody), decisionNo: C.DocumentNo, by: By }),
  },
  RevocationPublished: { schemaVersion: 1, schema: z.object(shapeOf(C.PublishRevocationBody)) },
  ComplaintAccepted: {
    schemaVersion: 1,
    schema: z.object({ ...shapeOf(C.AcceptComplaintBody), resolutionWorkingDays: z.number().int(), by: By }),
  },
  ComplaintDecided: {
    schemaVersion: 1,
    schema: z.object({
      ...shapeOf(C.DecideComplaintBody),
      decisionNo: C.DocumentNo,
      targetDossierId: ShortText,
      targetDecisionNo: ShortText,
      by: By,
    }),
  },
  AcknowledgementDecided: {
    schemaVersion: 1,
    schema: z.object({ ...shapeOf(C.DecideAcknowledgementBody), decisionNo: C.DocumentNo, by: By }),
  },
  DecisionSigned: {
    schemaVersion: 1,
    schema: z.object({ ...shapeOf(C.SignDecisionBody), by: By }),
  },
} as const satisfies Schemas);

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]['schema']>;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];
/** An event of type `T` at its current schema version, its data typed by its schema. */
export interface EventOf<T extends EventType> {
  type: T;
  schemaVersion: number;
  data: EventData<T>;
}
/** Every event, discriminated on `type`: a fold that switches on it is checked for exhaustiveness. */
export type TypedEvent = { [T in EventType]: EventOf<T> }[EventType];

/** A stored event shape is older or newer than anything this code knows, or its data breaks its schema. */
export class ContractError extends Error {
  constructor(
    readonly code: 'UNKNOWN_EVENT_TYPE' | 'UNKNOWN_SCHEMA_VERSION' | 'EVENT_DATA_INVALID',
    message: string,
    /** for EVENT_DATA_INVALID: `path: message` of each schema issue */
    readonly issues: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** Upcasters by event type and the version they lift FROM (v → v+1). */
const UPCASTERS: Partial<Record<EventType, Record<number, Upcaster>>> = {
  // v1 said `isOriginal: boolean`; v2 names the copy kind as the metadata brief does (bản chính / bản sao).
  DocumentAttached: {
    1: ({ isOriginal, ...rest }) => ({
      ...rest,
      copy: isOriginal === false ? 'copy' : 'original',
      dossierVersion: rest.dossierVersion ?? 1,
    }),
  },
};

/** Lifts stored event data to the current schema version of its type; throws `ContractError` when it cannot. */
export function upcast(
  type: string,
  schemaVersion: number,
  data: Record<string, unknown>,
): { schemaVersion: number; data: Record<string, unknown> } {
  if (!(type in EVENT_SCHEMAS)) throw new ContractError('UNKNOWN_EVENT_TYPE', `unknown event type ${type}`);
  const current = EVENT_SCHEMAS[type as EventType].schemaVersion;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > current) {
    throw new ContractError(
      'UNKNOWN_SCHEMA_VERSION',
      `${type} has no schema version ${schemaVersion} (current ${current})`,
    );
  }
  let lifted = data;
  for (let v = schemaVersion; v < current; v += 1) {
    const step = UPCASTERS[type as EventType]?.[v];
    if (!step) throw new ContractError('UNKNOWN_SCHEMA_VERSION', `no upcaster for ${type} v${v}`);
    lifted = step(lifted);
  }
  return { schemaVersion: current, data: lifted };
}

/**
 * A stored event as this code reads it: lifted to the current schema version of its type, then parsed by that
 * version's schema (one zod parse per event), so what a fold sees is what the type says. Throws `ContractError`
 * when the type or version is unknown or the data breaks the schema.
 */
export function liftEvent(type: string, schemaVersion: number, data: Record<string, unknown>): TypedEvent {
  const lifted = upcast(type, schemaVersion, data);
  const known = type as EventType;
  // The compiled check first (ADR 0045, amended 04/12/2026): data zod would return unchanged is returned as it is.
  // The fold and the documents copy fields out of it and never mutate it; anything else is zod's to judge.
  const parsed = parseEventData(known, lifted.data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`);
    throw new ContractError(
      'EVENT_DATA_INVALID',
      `${type} v${lifted.schemaVersion} does not match its contract (${issues.slice(0, 3).join('; ')})`,
      issues,
    );
  }
  // The schema was looked up by `type`, so the parsed data is that type's data.
  return { type: known, schemaVersion: lifted.schemaVersion, data: parsed.data } as TypedEvent;
}

/**
 * `EVENT_SCHEMAS[type].schema.safeParse(data)`, with data that zod would accept unchanged answered by a compiled
 * check first (`fastCheck.ts`): then the parsed value is `data` itself, which zod's would equal. Anything else,
 * invalid data included, goes to zod, so its verdict, issues and parsed value stay the rule. The caller must not
 * mutate the parsed value if it shares `data` with anyone.
 */
export function parseEventData<T extends EventType>(
  type: T,
  data: unknown,
): { success: true; data: EventData<T> } | { success: false; error: z.ZodError } {
  const parsed = quickSafeParse(EVENT_SCHEMAS[type].schema, data);
  return parsed.success ? { success: true, data: parsed.data as EventData<T> } : parsed;
}
