/**
 * Command bodies: one strict zod schema per dossier command. The HTTP layer builds `POST /dossiers` for the creating
 * command and `POST /dossiers/{id}/{slug}` for the others straight from `COMMAND_SPECS`, and the OpenAPI document
 * from these schemas, so every field says what it is.
 */
import { z } from 'zod';
import {
  Count,
  CriterionCode,
  CriterionResult,
  DocumentKindSchema,
  DocumentMediaTypeSchema,
  DossierKindSchema,
  IsoDate,
  LongText,
  RETURN_REASON_VALUES,
  Sha256,
  ShortText,
  TierSchema,
  UnitCode,
  VillageId,
} from './primitives.js';

export const DocumentNo = ShortText.describe('number and symbol of the document (số ký hiệu)').meta({
  examples: ['45/TTr-UBND'],
});

/**
 * Khiếu nại — a complaint against a decision (Law on Complaints 02/2011/QH13). Who complains and on what grounds
 * may be personal data: the service keeps them in an erasable table and the event holds only their SHA-256.
 */
export const ComplaintFiling = z.strictObject({
  targetDossierId: ShortText.describe(
    'the dossier whose decision (recognition, refusal, revocation) is complained of',
  ),
  learnedOn: IsoDate.optional().describe(
    'the day the complainant received or learned of the decision, when later than the decision itself (Art. 9)',
  ),
  complainant: z
    .strictObject({ name: ShortText, address: ShortText.optional(), contact: ShortText.optional() })
    .describe('who complains; kept in an erasable table, only its SHA-256 goes into the event'),
  grounds: LongText.describe(
    'what is complained of; kept in an erasable table, only its SHA-256 goes into the event',
  ),
});

export const OpenDossierBody = z
  .strictObject({
    kind: DossierKindSchema,
    unitCode: z
      .union([UnitCode, VillageId])
      .describe('the unit the dossier is about: a commune code, or a village id for VILLAGE_NTM'),
    year: z.number().int().min(2021).max(2035).describe('the recognition round (năm đạt chuẩn)'),
    communeCode: UnitCode.optional().describe('the commune of the village (VILLAGE_NTM only)'),
    constructionDebt: z
      .strictObject({ outstanding: z.boolean(), amountVnd: Count.optional() })
      .optional()
      .describe('nợ đọng xây dựng cơ bản under the programme; required for commune recognition kinds'),
    securityClassification: z
      .enum(['safe_for_security_and_order', 'not_complex_area', 'complex_area'])
      .optional()
      .describe("the police's classification of the commune; required for commune recognition kinds"),
    targetRecognition: z
      .strictObject({ tier: TierSchema, decisionNo: DocumentNo, decidedOn: IsoDate })
      .optional()
      .describe('REVOCATION only: the recognition to revoke'),
    predecessors: z
      .array(
        z.strictObject({ code: UnitCode, tier: TierSchema.nullable(), decisionNo: DocumentNo.optional() }),
      )
      .min(1)
      .max(20)
      .optional()
      .describe(
        'POST_MERGER_ACKNOWLEDGEMENT only: the merged communes and their recognition before the merger',
      ),
    complaint: ComplaintFiling.optional().describe(
      'COMPLAINT only: the decision complained of, and who complains on what grounds',
    ),
  })
  .describe(
    'Register a unit for recognition (or open a revocation or post-merger dossier); the workflow is chosen by date',
  )
  .meta({
    examples: [
      {
        kind: 'COMMUNE_NTM',
        unitCode: '02032',
        year: 2024,
        constructionDebt: { outstanding: false },
        securityClassification: 'safe_for_security_and_order',
      },
    ],
  });

export const RecordSelfAssessmentBody = z
  .strictObject({
    criterionCode: CriterionCode,
    met: z.boolean().describe("the commune's own judgement"),
    indicators: z
      .array(
        z.strictObject({
          code: ShortText,
          value: z.union([z.number(), z.boolean(), ShortText]),
          unit: ShortText.optional(),
        }),
      )
      .max(50)
      .describe('indicator values measured by the commune'),
    evidence: z
      .array(
        z.strictObject({
          description: ShortText,
          documentNo: DocumentNo.optional(),
          sha256: Sha256.optional(),
        }),
      )
      .max(50)
      .describe('evidence behind the values'),
  })
  .describe('Record the self-assessment of one criterion (tự đánh giá)');

export const AttachDocumentBody = z
  .strictObject({
    documentId: ShortText.describe('client-chosen id, unique in the dossier'),
    documentKind: DocumentKindSchema,
    number: DocumentNo,
    issuedOn: IsoDate,
    issuingBody: ShortText.meta({ examples: ['UBND xã Tân Lập'] }),
    signer: z.strictObject({ name: ShortText, title: ShortText }),
    copy: z.enum(['original', 'copy']).describe('bản chính or bản sao'),
    sha256: Sha256,
  })
  .describe('Attach a document with its metadata and file hash');

export const AttachDocumentFileBody = z
  .strictObject({
    documentId: ShortText.describe('the document this file is (a new version of)'),
    documentKind: DocumentKindSchema,
    sha256: Sha256.describe('SHA-256 of the bytes, their name in the blob store'),
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('bytes'),
    mediaType: DocumentMediaTypeSchema,
  })
  .describe(
    'Attach the file of a document, stored in the blob store under its hash; issued by the upload route ' +
      '(multipart), never with a JSON body. The original file name is kept outside the log.',
  );

export const SignDecisionBody = z
  .strictObject({
    decisionNo: DocumentNo.describe(
      'the number and symbol of the decision signed, as its decision event gives it',
    ),
    sha256: Sha256.describe('SHA-256 of the signed PDF, its name in the blob store'),
    size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('bytes of the signed PDF'),
    signer: z
      .strictObject({
        subject: ShortText.describe("the signing certificate's subject"),
        issuer: ShortText.describe("the signing certificate's issuer"),
      })
      .describe('the certificate the signature was made with'),
    signedAt: z.iso.datetime().describe('the signing time written in the signature (/M)'),
    verdict: z
      .enum(['valid', 'untrusted'])
      .describe('what verifying the signed file against the trust anchors said when it was signed'),
  })
  .describe(
    'Record the signed decision: issued by the signing route, which renders the decision from the log, signs it ' +
      'with the configured signer, verifies it and stores it in the blob store; never with a JSON body.',
  );

export const OpenPublicNoticeBody = z
  .strictObject({
    channel: z.enum(['commune_office', 'village_hall', 'loudspeaker', 'web_portal']),
    from: IsoDate.describe('first day of the notice'),
  })
  .describe('Post the public notice (niêm yết / thông báo) of the results for comment');

export const RecordCommentBody = z
  .strictObject({ commentId: ShortText, receivedOn: IsoDate, author: ShortText.optional(), text: LongText })
  .describe('Record a comment received during the public notice');
export const RespondToCommentBody = z
  .strictObject({ commentId: ShortText, response: LongText })
  .describe('Record the answer to a comment');
export const ClosePublicNoticeBody = z
  .strictObject({})
  .describe('Close the public notice once its period has run and all comments are answered');

export const RecordPollTallyBody = z
  .strictObject({
    villageId: VillageId,
    households: Count.min(1).describe('households in the village'),
    respondents: Count.describe('households that returned a form'),
    satisfied: Count.describe('respondents satisfied'),
  })
  .refine((b) => b.respondents <= b.households && b.satisfied <= b.respondents, {
    message: 'satisfied <= respondents <= households',
  })
  .describe(
    'Record the satisfaction poll tally of one village (by the Front officer); a second tally replaces the first',
  );
export const IssuePollReportBody = z
  .strictObject({ reportNo: DocumentNo, issuedOn: IsoDate })
  .describe(
    "Issue the Front's poll report; refused when coverage or satisfaction is below the rule set's mark",
  );

const Ballot = { for: Count, against: Count, blank: Count };
export const RecordProposalMeetingBody = z
  .strictObject({ heldOn: IsoDate, attendees: Count.min(1), ...Ballot })
  .refine((b) => b.for + b.against + b.blank <= b.attendees, { message: 'ballots cannot exceed attendees' })
  .describe('Record the proposal meeting (họp đề nghị) and its ballot');

export const SubmitDossierBody = z
  .strictObject({ letterNo: DocumentNo.describe('submission letter (tờ trình)') })
  .describe('Submit the dossier upward');
export const ResubmitDossierBody = z
  .strictObject({ letterNo: DocumentNo, changes: LongText.describe('what was reworked') })
  .describe('Resubmit a returned dossier as a new version');

export const RecordVerificationBody = z
  .strictObject({ reportNo: DocumentNo, criteria: z.array(CriterionResult).min(1).max(60) })
  .describe("Record the verification (thẩm tra): the verifier's value beside the commune's, per criterion");

export const ReturnDossierBody = z
  .strictObject({
    reasons: z
      .array(
        z.strictObject({
          code: z.enum(RETURN_REASON_VALUES),
          criterionCode: CriterionCode.optional(),
          detail: LongText,
        }),
      )
      .min(1)
      .max(60),
  })
  .describe('Return the dossier for rework, with reasons');

export const ForwardToProvinceBody = z
  .strictObject({ letterNo: DocumentNo })
  .describe('Forward the verified dossier to the province (2022 procedure)');

export const RecordAppraisalBody = z
  .strictObject({
    reportNo: DocumentNo,
    complete: z.boolean().describe('the dossier holds every required item'),
    fieldCheck: z.strictObject({ heldOn: IsoDate, passed: z.boolean() }),
    criteria: z.array(CriterionResult).max(60),
  })
  .describe('Record the provincial appraisal (thẩm định): completeness, field check, per criterion');

export const RecordCouncilBallotBody = z
  .strictObject({
    heldOn: IsoDate,
    membersTotal: Count.min(1),
    presentMemberIds: z.array(ShortText).min(1).max(100).describe('council members at the meeting'),
    recusedMemberIds: z
      .array(ShortText)
      .max(100)
      .describe('present members who did not vote (conflict of interest)'),
    ...Ballot,
  })
  .refine(
    (b) =>
      new Set(b.presentMemberIds).size === b.presentMemberIds.length &&
      b.presentMemberIds.length <= b.membersTotal,
    {
      message: 'present members must be distinct and at most membersTotal',
    },
  )
  .refine((b) => b.recusedMemberIds.every((id) => b.presentMemberIds.includes(id)), {
    message: 'recused members must be present',
  })
  .refine(
    (b) => b.for + b.against + b.blank === b.presentMemberIds.length - new Set(b.recusedMemberIds).size,
    {
      message: 'ballots must equal present members minus recused members',
    },
  )
  .describe('Record the appraisal council meeting and its ballot');

/** Bỏ phiếu điện tử — the council's electronic ballot: each member votes on their own account (ADR 0022). */
const MemberId = ShortText.describe("a council member's user id (the `sub` of their token)");
export const OpenCouncilBallotBody = z
  .strictObject({
    ballotNo: ShortText.describe('the meeting or ballot number, unique in the dossier').meta({
      examples: ['HĐTĐ-2025-07'],
    }),
    heldOn: IsoDate.describe('the day of the meeting'),
    memberIds: z
      .array(MemberId)
      .min(1)
      .max(100)
      .describe("the members eligible to vote, from the council's composition (the quorum counts them)"),
  })
  .refine((b) => new Set(b.memberIds).size === b.memberIds.length, {
    path: ['memberIds'],
    message: 'members must be distinct',
  })
  .describe("Open the council's electronic ballot on the dossier (by the council secretary)");
export const CastCouncilVoteBody = z
  .strictObject({
    vote: z.enum(['approve', 'reject', 'abstain']).describe('tán thành / không tán thành / không biểu quyết'),
    reason: LongText.optional().describe(
      'optional explanation; kept in an erasable table, only its SHA-256 goes into the event',
    ),
  })
  .describe('Cast your own vote in the open council ballot; one vote per member');
export const RecuseFromCouncilBody = z
  .strictObject({
    reason: LongText.describe(
      'the conflict of interest; kept in an erasable table, only its SHA-256 goes into the event',
    ),
  })
  .describe(
    'Recuse yourself from the open council ballot (conflict of interest); a recused member does not count for the quorum',
  );
export const CloseCouncilBallotBody = z
  .strictObject({ minutesNo: DocumentNo.optional().describe('the minutes of the meeting (biên bản)') })
  .describe(
    'Close the council ballot: approved, not approved, or void without quorum (the dossier waits for a new ballot)',
  );

const Decision = {
  decisionNo: DocumentNo.optional().describe(
    "number and symbol of the decision (số ký hiệu); absent: drawn from the issuer's counter for the year " +
      '(`01/QĐ-UBND`, `02/QĐ-UBND`, …, gap-free), which is how the engine numbers its decisions',
  ),
  decidedOn: IsoDate,
  reasons: LongText.optional(),
};
export const DecideRecognitionBody = z
  .strictObject({
    outcome: z.enum(['recognise', 'refuse']),
    ...Decision,
    yearRecognised: z
      .number()
      .int()
      .min(2021)
      .max(2035)
      .optional()
      .describe(
        'the year the decision recognises ("đạt chuẩn năm …"), when it differs from the round the dossier was ' +
          'opened for; never after the year of decidedOn',
      ),
  })
  // A decision recognises a year that has begun: "đạt chuẩn NTM năm 2022" can be decided in 2023, not the reverse.
  .refine((b) => b.yearRecognised === undefined || b.yearRecognised <= Number(b.decidedOn.slice(0, 4)), {
    path: ['yearRecognised'],
    message: 'yearRecognised cannot be after the year of decidedOn',
  })
  .describe('Decide to recognise or refuse (quyết định công nhận)');
export const AnnounceRecognitionBody = z
  .strictObject({ announcedOn: IsoDate, channel: ShortText.optional() })
  .describe('Announce the recognition (công bố)');
export const WithdrawDossierBody = z.strictObject({ reason: LongText }).describe('Withdraw the dossier');
export const PublishResultsBody = z
  .strictObject({
    subject: z
      .enum(['poll', 'consultation'])
      .describe("the satisfaction poll's results, or the summarised results of the public consultation"),
    publishedOn: IsoDate,
    channel: z.enum(['commune_office', 'village_hall', 'loudspeaker', 'web_portal']),
  })
  .describe(
    'Record that the commune made poll or consultation results public (Law on Grassroots Democracy Art. 11(11))',
  );

export const RecordRevocationAssessmentBody = z
  .strictObject({
    reportNo: DocumentNo,
    trigger: z.enum(['annual_review', 'inspection', 'audit', 'complaint']),
    criteriaSetId: ShortText.meta({ examples: ['commune-ntm-2021-2025'] }),
    totalCriteria: Count.min(1),
    failingCriteria: z.array(CriterionCode).max(60),
  })
  .refine(
    (b) =>
      new Set(b.failingCriteria).size === b.failingCriteria.length &&
      b.failingCriteria.length <= b.totalCriteria,
    {
      message: 'failing criteria must be distinct and at most totalCriteria',
    },
  )
  .describe('Record the assessment that may ground a revocation; the grounds are computed by the rule set');
export const DecideRevocationBody = z
  .strictObject({ outcome: z.enum(['revoke', 'keep']), ...Decision })
  .describe('Decide to revoke the recognition or keep it (thu hồi)');
export const PublishRevocationBody = z
  .strictObject({ publishedOn: IsoDate })
  .describe('Publish the revocation decision');
export const DecideAcknowledgementBody = z
  .strictObject({ outcome: z.enum(['acknowledge', 'refuse']), tier: TierSchema.optional(), ...Decision })
  .refine((b) => b.outcome === 'refuse' || b.tier !== undefined, {
    message: 'an acknowledgement names the tier',
  })
  .describe("Acknowledge (thừa nhận) the merged commune's status, or refuse");

export const ExtendDeadlineBody = z
  .strictObject({
    deadlineId: ShortText.describe('id from the DeadlineScheduled event'),
    workingDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .describe('working days added to the due date (a bound on input, not a legal limit)'),
    reason: LongText.describe('why more time is needed (lý do gia hạn)'),
    decisionNo: DocumentNo.optional().describe('the document granting the extension, when there is one'),
  })
  .describe(
    'Extend a running processing deadline (gia hạn), before it is due, granted by the competent decider',
  );

export const IssueApologyBody = z
  .strictObject({
    deadlineId: ShortText.describe('id of the deadline that was missed'),
    newReturnOn: IsoDate.describe('the new date for returning the result (ngày hẹn trả lại), a working day'),
    reason: LongText.describe('why the dossier is late'),
    letterNo: DocumentNo.optional().describe(
      'number of the apology letter (phiếu xin lỗi và hẹn lại ngày trả)',
    ),
  })
  .describe(
    'Apologise for a late dossier with a new return date (form 04, TT 01/2018/TT-VPCP); the new date becomes its deadline',
  );

export const AcceptComplaintBody = z
  .strictObject({
    acceptedOn: IsoDate.describe('the day the issuer accepted the complaint for resolution (thụ lý)'),
    complex: z.boolean().describe('a complex case (vụ việc phức tạp): the longer resolution period applies'),
    remoteArea: z
      .boolean()
      .describe(
        'the complainant is in a remote area with difficult travel (vùng sâu, vùng xa, đi lại khó khăn)',
      ),
  })
  .describe('Accept a complaint for resolution (thụ lý); its resolution deadline starts');
export const DecideComplaintBody = z
  .strictObject({
    outcome: z
      .enum(['upheld', 'annulled', 'amended'])
      .describe('the decision complained of is upheld, annulled (huỷ bỏ) or amended (sửa đổi)'),
    ...Decision,
    amendment: LongText.optional().describe('what the amended decision now says (outcome "amended" only)'),
  })
  .refine((b) => (b.outcome === 'amended') === (b.amendment !== undefined), {
    path: ['amendment'],
    message: 'an amended outcome says what was amended, and only it',
  })
  .describe('Resolve the complaint (quyết định giải quyết khiếu nại lần đầu)');

export const ElapseDeadlineBody = z
  .strictObject({ deadlineId: ShortText.describe('id from the DeadlineScheduled event') })
  .describe('Record that a processing deadline has passed (appended by the deadline worker)');

/** One dossier command as the HTTP layer exposes it. */
export interface CommandSpec<T extends string = string, S extends z.ZodType = z.ZodType> {
  type: T;
  slug: string;
  schema: S;
  summary: { en: string; vi: string };
  creates?: boolean;
  /** issued by a route of its own (a file upload, the decision's signing), not by the generated JSON route */
  upload?: boolean;
}

const spec = <T extends string, S extends z.ZodType>(
  type: T,
  slug: string,
  schema: S,
  en: string,
  vi: string,
  creates = false,
): CommandSpec<T, S> =>
  creates
    ? { type, slug, schema, summary: { en, vi }, creates }
    : { type, slug, schema, summary: { en, vi } };

// Kept with its literal types: the command union below is derived from this one list.
const SPECS = [
  spec('OpenDossier', 'open', OpenDossierBody, 'Open a dossier', 'Đăng ký / mở hồ sơ', true),
  spec(
    'RecordSelfAssessment',
    'self-assessments',
    RecordSelfAssessmentBody,
    'Record a criterion self-assessment',
    'Ghi kết quả tự đánh giá tiêu chí',
  ),
  spec('AttachDocument', 'documents', AttachDocumentBody, 'Attach a document', 'Đính kèm tài liệu'),
  {
    ...spec(
      'AttachDocumentFile',
      'documents/files',
      AttachDocumentFileBody,
      'Upload a document file',
      'Tải lên tệp tài liệu',
    ),
    upload: true,
  },
  spec(
    'OpenPublicNotice',
    'notice/open',
    OpenPublicNoticeBody,
    'Open the public notice',
    'Niêm yết, thông báo công khai',
  ),
  spec('RecordComment', 'notice/comments', RecordCommentBody, 'Record a comment', 'Ghi nhận ý kiến góp ý'),
  spec(
    'RespondToComment',
    'notice/responses',
    RespondToCommentBody,
    'Answer a comment',
    'Trả lời ý kiến góp ý',
  ),
  spec(
    'ClosePublicNotice',
    'notice/close',
    ClosePublicNoticeBody,
    'Close the public notice',
    'Kết thúc niêm yết',
  ),
  spec(
    'RecordPollTally',
    'poll/tallies',
    RecordPollTallyBody,
    'Record a village poll tally',
    'Ghi kết quả lấy ý kiến sự hài lòng của thôn',
  ),
  spec(
    'IssuePollReport',
    'poll/report',
    IssuePollReportBody,
    'Issue the poll report',
    'Ban hành báo cáo kết quả lấy ý kiến',
  ),
  spec(
    'RecordProposalMeeting',
    'proposal-meeting',
    RecordProposalMeetingBody,
    'Record the proposal meeting',
    'Ghi biên bản họp đề nghị',
  ),
  spec('SubmitDossier', 'submit', SubmitDossierBody, 'Submit the dossier', 'Nộp hồ sơ'),
  spec(
    'RecordVerification',
    'verification',
    RecordVerificationBody,
    'Record the verification',
    'Ghi kết quả thẩm tra',
  ),
  spec('ReturnDossier', 'return', ReturnDossierBody, 'Return for rework', 'Trả hồ sơ để hoàn thiện'),
  spec('ResubmitDossier', 'resubmit', ResubmitDossierBody, 'Resubmit as a new version', 'Nộp lại hồ sơ'),
  spec('ForwardToProvince', 'forward', ForwardToProvinceBody, 'Forward to the province', 'Trình tỉnh'),
  spec('RecordAppraisal', 'appraisal', RecordAppraisalBody, 'Record the appraisal', 'Ghi kết quả thẩm định'),
  spec(
    'RecordCouncilBallot',
    'council-ballot',
    RecordCouncilBallotBody,
    'Record the council ballot',
    'Ghi kết quả bỏ phiếu của Hội đồng',
  ),
  spec(
    'OpenCouncilBallot',
    'council/ballot/open',
    OpenCouncilBallotBody,
    'Open the council ballot',
    'Mở phiên bỏ phiếu của Hội đồng',
  ),
  spec(
    'CastCouncilVote',
    'council/ballot/votes',
    CastCouncilVoteBody,
    'Cast a council vote',
    'Bỏ phiếu thẩm định',
  ),
  spec(
    'RecuseFromCouncil',
    'council/ballot/recusals',
    RecuseFromCouncilBody,
    'Recuse from the council ballot',
    'Không tham gia biểu quyết (xung đột lợi ích)',
  ),
  spec(
    'CloseCouncilBallot',
    'council/ballot/close',
    CloseCouncilBallotBody,
    'Close the council ballot',
    'Kết thúc bỏ phiếu, kiểm phiếu',
  ),
  spec('DecideRecognition', 'decision', DecideRecognitionBody, 'Decide recognition', 'Quyết định công nhận'),
  spec('AnnounceRecognition', 'announcement', AnnounceRecognitionBody, 'Announce the recognition', 'Công bố'),
  spec('WithdrawDossier', 'withdraw', WithdrawDossierBody, 'Withdraw the dossier', 'Rút hồ sơ'),
  spec(
    'PublishResults',
    'results/publication',
    PublishResultsBody,
    'Publish poll or consultation results',
    'Công khai kết quả lấy ý kiến',
  ),
  spec(
    'RecordRevocationAssessment',
    'revocation/assessment',
    RecordRevocationAssessmentBody,
    'Record the revocation assessment',
    'Ghi kết quả rà soát, đánh giá',
  ),
  spec(
    'DecideRevocation',
    'revocation/decision',
    DecideRevocationBody,
    'Decide the revocation',
    'Quyết định thu hồi',
  ),
  spec(
    'PublishRevocation',
    'revocation/publication',
    PublishRevocationBody,
    'Publish the revocation',
    'Công bố thu hồi',
  ),
  spec(
    'DecideAcknowledgement',
    'acknowledgement',
    DecideAcknowledgementBody,
    'Acknowledge the merged status',
    'Quyết định thừa nhận',
  ),
  spec(
    'ExtendDeadline',
    'deadlines/extension',
    ExtendDeadlineBody,
    'Extend a processing deadline',
    'Gia hạn thời hạn xử lý',
  ),
  spec(
    'IssueApology',
    'deadlines/apology',
    IssueApologyBody,
    'Apologise for a late dossier with a new return date (form 04)',
    'Xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)',
  ),
  spec(
    'AcceptComplaint',
    'complaint/acceptance',
    AcceptComplaintBody,
    'Accept the complaint',
    'Thụ lý đơn khiếu nại',
  ),
  spec(
    'DecideComplaint',
    'complaint/decision',
    DecideComplaintBody,
    'Resolve the complaint',
    'Quyết định giải quyết khiếu nại',
  ),
  {
    ...spec(
      'SignDecision',
      'decision/signature',
      SignDecisionBody,
      'Sign the decision (PAdES) and record the signed file',
      'Ký số quyết định và lưu tệp đã ký',
    ),
    upload: true,
  },
  spec(
    'ElapseDeadline',
    'deadlines/elapsed',
    ElapseDeadlineBody,
    'Record an elapsed deadline',
    'Ghi nhận quá hạn xử lý',
  ),
] as const;

/** The type of every dossier command, e.g. `"RecordPollTally"`. */
export type CommandType = (typeof SPECS)[number]['type'];
type Output<S extends z.ZodType> =
  // An empty strict object outputs Record<string, never>, which no command with a `type` could extend.
  z.output<S> extends Record<string, never> ? Record<never, never> : z.output<S>;
/** The validated body of the command `T` (what its schema outputs). */
export type CommandBody<T extends CommandType> = Output<
  Extract<(typeof SPECS)[number], { type: T }>['schema']
>;

/** Every dossier command, in workflow order. */
export const COMMAND_SPECS: readonly CommandSpec<CommandType>[] = SPECS;
export const COMMAND_TYPES: readonly CommandType[] = COMMAND_SPECS.map((s) => s.type);

export type OpenDossierBody = z.infer<typeof OpenDossierBody>;
export type RecordSelfAssessmentBody = z.infer<typeof RecordSelfAssessmentBody>;
export type AttachDocumentBody = z.infer<typeof AttachDocumentBody>;
export type AttachDocumentFileBody = z.infer<typeof AttachDocumentFileBody>;
export type SignDecisionBody = z.infer<typeof SignDecisionBody>;
export type OpenPublicNoticeBody = z.infer<typeof OpenPublicNoticeBody>;
export type RecordCommentBody = z.infer<typeof RecordCommentBody>;
export type RespondToCommentBody = z.infer<typeof RespondToCommentBody>;
export type RecordPollTallyBody = z.infer<typeof RecordPollTallyBody>;
export type IssuePollReportBody = z.infer<typeof IssuePollReportBody>;
export type RecordProposalMeetingBody = z.infer<typeof RecordProposalMeetingBody>;
export type SubmitDossierBody = z.infer<typeof SubmitDossierBody>;
export type ResubmitDossierBody = z.infer<typeof ResubmitDossierBody>;
export type RecordVerificationBody = z.infer<typeof RecordVerificationBody>;
export type ReturnDossierBody = z.infer<typeof ReturnDossierBody>;
export type ForwardToProvinceBody = z.infer<typeof ForwardToProvinceBody>;
export type RecordAppraisalBody = z.infer<typeof RecordAppraisalBody>;
export type RecordCouncilBallotBody = z.infer<typeof RecordCouncilBallotBody>;
export type OpenCouncilBallotBody = z.infer<typeof OpenCouncilBallotBody>;
export type CastCouncilVoteBody = z.infer<typeof CastCouncilVoteBody>;
export type RecuseFromCouncilBody = z.infer<typeof RecuseFromCouncilBody>;
export type CloseCouncilBallotBody = z.infer<typeof CloseCouncilBallotBody>;
export type DecideRecognitionBody = z.infer<typeof DecideRecognitionBody>;
export type AnnounceRecognitionBody = z.infer<typeof AnnounceRecognitionBody>;
export type WithdrawDossierBody = z.infer<typeof WithdrawDossierBody>;
export type PublishResultsBody = z.infer<typeof PublishResultsBody>;
export type RecordRevocationAssessmentBody = z.infer<typeof RecordRevocationAssessmentBody>;
export type DecideRevocationBody = z.infer<typeof DecideRevocationBody>;
export type PublishRevocationBody = z.infer<typeof PublishRevocationBody>;
export type ElapseDeadlineBody = z.infer<typeof ElapseDeadlineBody>;
export type ExtendDeadlineBody = z.infer<typeof ExtendDeadlineBody>;
export type IssueApologyBody = z.infer<typeof IssueApologyBody>;
export type ComplaintFiling = z.infer<typeof ComplaintFiling>;
export type AcceptComplaintBody = z.infer<typeof AcceptComplaintBody>;
export type DecideComplaintBody = z.infer<typeof DecideComplaintBody>;
export type DecideAcknowledgementBody = z.infer<typeof DecideAcknowledgementBody>;
