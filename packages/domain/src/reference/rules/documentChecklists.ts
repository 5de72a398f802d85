/**
 * The documents each dossier kind must hold before a step, as law-as-data: every item names the document kind, the
 * text that asks for it and whether a public source confirms it (recognition-procedure.md §3, §2 steps 2-6;
 * law-findings). QĐ 18/2022 fixes the commune list, but its article was not read: the items are defaults awaiting
 * the legal text (`confirmed: false`) unless marked. A step whose documents the engine itself produces from the
 * events (the verification and appraisal reports, the council minutes, the decision) lists nothing here: its
 * command is the record.
 *
 * A workflow definition pins one checklist per version; the guard `checklistComplete` refuses a listed step while an
 * item is missing, naming the missing kinds. Only commands decided from now on are judged: replay folds recorded
 * events and never re-runs guards, so no history is reinterpreted.
 */
import type { CommandType, DocumentKind } from '@ntm/contracts';

/** One document a step requires, with where the requirement comes from. */
export interface ChecklistItem {
  documentKind: DocumentKind;
  legalBasis: string;
  confirmed: boolean;
  note?: string;
}

/** The documents required before each command of a workflow (commands not listed require none). */
export type DocumentChecklist = Partial<Record<CommandType, readonly ChecklistItem[]>>;

const QD18 = 'QĐ 18/2022/QĐ-TTg (hồ sơ đề nghị xét, công nhận xã đạt chuẩn NTM)';
const VILLAGE =
  'dichvucong.gov.vn procedure 1.007200 (Thanh Hóa village NTM, 2016-2020; provincial analogue)';
const REVOCATION = 'QĐ 18/2022/QĐ-TTg Art. 23-24 (assess, consult, complete the revocation dossier)';
const MERGER = 'MARD 5424/BNN-VPĐP (09/08/2023) and 267/BNN-VPĐP (09/01/2024)';

const item = (
  documentKind: DocumentKind,
  legalBasis: string,
  confirmed: boolean,
  note?: string,
): ChecklistItem =>
  note === undefined
    ? { documentKind, legalBasis, confirmed }
    : { documentKind, legalBasis, confirmed, note };

const selfAssessmentReport = item(
  'self_assessment_report',
  QD18,
  false,
  "the commune's report on NTM results is what the public notice puts up for comment (step 3)",
);
const noticeRecord = item('notice_record', QD18, false, 'proof the report was posted (channel, dates)');
const commentsSummary = item('comments_summary', QD18, false, 'comments received and the answers given');
const pollReport = item(
  'poll_report',
  QD18,
  true,
  "the commune Front's report on residents' satisfaction (condition 2 of recognition)",
);
const meetingMinutes = item(
  'proposal_meeting_minutes',
  QD18,
  false,
  'minutes of the proposal meeting with the ballot count',
);
const debtReport = item(
  'construction_debt_report',
  QD18,
  true,
  'no outstanding capital-construction debt is a condition of recognition; the form of the report is not confirmed',
);
const securityConfirmation = item(
  'security_confirmation',
  `${QD18} Art. 4(1)(d), as amended by QĐ 03/2024/QĐ-TTg`,
  true,
  "the police's confirmation of the security condition; its form is not confirmed",
);
const submissionLetter = item('submission_letter', QD18, false, 'tờ trình asking for recognition');

const COMMUNE_SUBMISSION = [
  selfAssessmentReport,
  noticeRecord,
  commentsSummary,
  pollReport,
  meetingMinutes,
  debtReport,
  securityConfirmation,
  submissionLetter,
];

/** Commune NTM, advanced and model, both procedures (the two-tier one changes who reviews, not what is sent). */
export const COMMUNE_CHECKLIST: DocumentChecklist = {
  OpenPublicNotice: [selfAssessmentReport],
  RecordProposalMeeting: [noticeRecord, commentsSummary, pollReport],
  SubmitDossier: COMMUNE_SUBMISSION,
  ResubmitDossier: COMMUNE_SUBMISSION,
};

const villageReport = item('self_assessment_report', VILLAGE, false, "the village's self-assessment report");
const villageNotice = item('notice_record', VILLAGE, false, 'loudspeaker notice record (10 days)');
const villageMinutes = item(
  'proposal_meeting_minutes',
  VILLAGE,
  false,
  'steering committee meeting minutes (>= 90% in favour)',
);
const villageLetter = item('submission_letter', VILLAGE, false, "the commune's submission letter");
const VILLAGE_SUBMISSION = [villageReport, villageNotice, villageMinutes, villageLetter];

/** Village NTM, both procedures. */
export const VILLAGE_CHECKLIST: DocumentChecklist = {
  OpenPublicNotice: [villageReport],
  RecordProposalMeeting: [villageNotice],
  SubmitDossier: VILLAGE_SUBMISSION,
  ResubmitDossier: VILLAGE_SUBMISSION,
};

const revocationReport = item(
  'revocation_assessment_report',
  REVOCATION,
  false,
  'the assessment of the commune against the criteria, put up for comment',
);

/** Revocation, both procedures. */
export const REVOCATION_CHECKLIST: DocumentChecklist = {
  OpenPublicNotice: [revocationReport],
  SubmitDossier: [
    revocationReport,
    item('notice_record', REVOCATION, false, 'consultation record'),
    item('comments_summary', REVOCATION, false),
  ],
};

const MERGER_SUBMISSION = [
  item('merger_status_report', MERGER, false, "the predecessors' statuses on the eve of the merger"),
  item('self_assessment_report', MERGER, false),
  item('submission_letter', MERGER, false),
];

/** Post-merger acknowledgement. */
export const POST_MERGER_CHECKLIST: DocumentChecklist = {
  SubmitDossier: MERGER_SUBMISSION,
  ResubmitDossier: MERGER_SUBMISSION,
};

/** The document kinds a checklist requires before `command` (none when the command is not listed). */
export const requiredKinds = (checklist: DocumentChecklist, command: CommandType): DocumentKind[] =>
  (checklist[command] ?? []).map((i) => i.documentKind);
