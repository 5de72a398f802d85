/**
 * Every dossier workflow as a table of edges, one definition per dossier kind and procedure version.
 * v1 of the commune workflows is QĐ 18/2022 with district verification; v2 is the two-tier procedure in force from
 * 01/07/2025, where the province verifies inside its own review. Changing a published version would silently change
 * the past: a new behaviour is a new version.
 */
import type { CommandType } from '@ntm/contracts';
import type { DossierKind, Role, Tier } from '../model.js';
import {
  COMMUNE_CHECKLIST,
  POST_MERGER_CHECKLIST,
  procedureRulesFor,
  REVOCATION_CHECKLIST,
  VILLAGE_CHECKLIST,
  type DocumentChecklist,
  type ProcedureRules,
} from '../reference/index.js';
import type { CheckName } from './checks.js';
import type { DeadlineStep, Edge, WorkflowDefinition } from './types.js';

const e = (
  from: string | readonly string[],
  command: CommandType,
  to: string | null,
  roles: readonly Role[],
  checks: readonly CheckName[] = [],
  deadline?: DeadlineStep,
): Edge[] =>
  (typeof from === 'string' ? [from] : from).map((f) => ({
    from: f,
    command,
    to: to ?? f,
    roles,
    ...(checks.length > 0 ? { checks } : {}),
    ...(deadline ? { deadline } : {}),
  }));

const COMMUNE: readonly Role[] = ['commune_official'];

/**
 * Who may attach a document's metadata may upload its file (or a new version of it) at the same steps. Additive
 * to every published version: no recorded history holds a file upload, so none is reinterpreted.
 */
const attach = (from: readonly string[], roles: readonly Role[]): Edge[] => [
  ...e(from, 'AttachDocument', null, roles, ['documentNew']),
  ...e(from, 'AttachDocumentFile', null, roles, ['documentFileKind']),
];

/**
 * The deadline's own commands (the worker records it elapsed, the decider extends it, the late side apologises):
 * they keep the dossier where it is and make no one the holder of its next step.
 */
export const DEADLINE_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>([
  'ElapseDeadline',
  'ExtendDeadline',
  'IssueApology',
]);

/** Commands of the side that prepares the dossier, or of no side: not the work a deadline times. */
const NOT_HANDLING: ReadonlySet<CommandType> = new Set<CommandType>([
  'WithdrawDossier',
  'AttachDocument',
  'AttachDocumentFile',
  'RecordSelfAssessment',
  'PublishResults',
]);

/**
 * Where a deadline can be running: the deadline worker (acting as administrator) records that it has passed
 * (timers are events: the machine has no `after`); the competent decider (`grantors`) may extend it before it is
 * due; once it is late, whoever handles the step apologises with a new return date (form 04), which opens a new
 * deadline. Additive to every published version: no recorded history holds an extension or an apology.
 */
function withDeadlineWatch(edges: Edge[], grantors: readonly Role[]): Edge[] {
  const timed = [...new Set(edges.filter((x) => x.deadline).map((x) => x.to))];
  const handlers = (step: string): Role[] => [
    ...new Set(edges.filter((x) => x.from === step && !NOT_HANDLING.has(x.command)).flatMap((x) => x.roles)),
  ];
  return [
    ...edges,
    ...e(timed, 'ElapseDeadline', null, ['administrator'], ['deadlineDue']),
    ...e(timed, 'ExtendDeadline', null, grantors, ['notPreparer', 'deadlineRunning']),
    ...timed.flatMap((step) =>
      e(step, 'IssueApology', null, handlers(step), ['notPreparer', 'deadlineMissed', 'returnDateAhead']),
    ),
  ];
}
/**
 * Every step the checklist lists is guarded by `checklistComplete` (last, so the step's own refusals come first):
 * the data, not the edge table, says which documents a step needs.
 */
function withChecklist(checklist: DocumentChecklist, edges: Edge[]): Edge[] {
  return edges.map((x) =>
    checklist[x.command] === undefined || x.checks?.includes('checklistComplete')
      ? x
      : { ...x, checks: [...(x.checks ?? []), 'checklistComplete'] },
  );
}
const FRONT: readonly Role[] = ['front_officer'];
const APPRAISER: readonly Role[] = ['provincial_appraiser'];
const CHAIRMAN: readonly Role[] = ['provincial_chairman'];
const SECRETARY: readonly Role[] = ['council_secretary'];
const MEMBER: readonly Role[] = ['council_member'];

/**
 * The procedure parameters each workflow version runs with: v1 is pinned with QĐ 18's rule sets (both say the
 * same on these), v2 with the two-tier one. A test holds every rule set to its workflow's edges.
 */
const PROCEDURE: Record<1 | 2, ProcedureRules> = {
  1: procedureRulesFor('qd18-2022'),
  2: procedureRulesFor('two-tier-2025'),
};

/**
 * Công khai kết quả: once consultation (or poll) results exist, and while the dossier is still with the side that
 * consulted, it records making them public.
 */
const publishResults = (states: readonly string[], roles: readonly Role[]): Edge[] =>
  e(states, 'PublishResults', null, roles, ['resultsAvailable']);

/** Public notice and its comments, the same in every workflow that consults. */
function consultation(before: string, roles: readonly Role[]): Edge[] {
  return [
    ...e(
      before,
      'OpenPublicNotice',
      'noticeOpen',
      roles,
      before === 'preparing' ? ['selfAssessmentComplete', 'noticeStartNotFuture'] : ['noticeStartNotFuture'],
    ),
    ...e('noticeOpen', 'RecordComment', null, roles, ['commentNew']),
    ...e('noticeOpen', 'RespondToComment', null, roles, ['commentKnown']),
    ...e('noticeOpen', 'ClosePublicNotice', 'noticeClosed', roles, ['noticePeriodOver', 'commentsAnswered']),
  ];
}

/**
 * Appraisal council and its ballot, recorded from the paper minutes (no quorum is refused) or held electronically
 * in `councilVoting` (ADR 0022): members vote or recuse one by one, and closing without quorum voids the ballot,
 * leaving the dossier appraised for a new one. Approved, or not approved when the share is missed.
 */
function council(
  decide: CommandType,
  yes: CheckName | readonly CheckName[],
  no: CheckName,
  approvedTo: string,
  refusedTo: string,
  decider: readonly Role[],
): Edge[] {
  const ballot: CheckName[] = ['notPreparer', 'appraisalPassed', 'noPreparerVoting', 'councilQuorum'];
  return [
    ...e(
      'appraised',
      'RecordCouncilBallot',
      'councilApproved',
      SECRETARY,
      [...ballot, 'councilApproves'],
      'decision',
    ),
    ...e('appraised', 'RecordCouncilBallot', 'councilNotApproved', SECRETARY, ballot),
    ...e('appraised', 'OpenCouncilBallot', 'councilVoting', SECRETARY, [
      'notPreparer',
      'appraisalPassed',
      'ballotNoNew',
    ]),
    ...e('councilVoting', 'CastCouncilVote', null, MEMBER, [
      'ballotMember',
      'notRecused',
      'voteNotCast',
      'notPreparer',
    ]),
    ...e('councilVoting', 'RecuseFromCouncil', null, MEMBER, ['ballotMember', 'notRecused', 'voteNotCast']),
    ...e(
      'councilVoting',
      'CloseCouncilBallot',
      'councilApproved',
      SECRETARY,
      ['notPreparer', 'ballotQuorum', 'ballotApproves'],
      'decision',
    ),
    ...e('councilVoting', 'CloseCouncilBallot', 'councilNotApproved', SECRETARY, [
      'notPreparer',
      'ballotQuorum',
    ]),
    ...e('councilVoting', 'CloseCouncilBallot', 'appraised', SECRETARY, ['notPreparer']),
    ...e('councilApproved', decide, approvedTo, decider, [
      'notPreparer',
      'competentDecider',
      ...[yes].flat(),
    ]),
    ...e('councilApproved', decide, refusedTo, decider, ['notPreparer', 'competentDecider', no]),
    ...e('councilNotApproved', decide, refusedTo, decider, ['notPreparer', 'competentDecider', no]),
  ];
}

const TIER_KIND: Record<Tier, DossierKind> = {
  ntm: 'COMMUNE_NTM',
  advanced: 'COMMUNE_ADVANCED',
  model: 'COMMUNE_MODEL',
};
const TIER_TITLE: Record<Tier, string> = {
  ntm: 'Commune NTM',
  advanced: 'Commune advanced NTM',
  model: 'Commune model NTM',
};

/** Xã đạt chuẩn / nâng cao / kiểu mẫu — one factory for the three commune tiers: same steps, other preconditions and criteria. */
export function communeWorkflow(tier: Tier, version: 1 | 2): WorkflowDefinition {
  const verifier: readonly Role[] = version === 1 ? ['district_verifier'] : APPRAISER;
  const review =
    version === 1
      ? [
          ...e('submitted', 'RecordVerification', 'verified', verifier, ['notPreparer', 'criterionKnown']),
          ...e(
            'verified',
            'ForwardToProvince',
            'forwarded',
            verifier,
            ['notPreparer', 'verificationPassed'],
            'appraisal',
          ),
          ...e(['submitted', 'verified'], 'ReturnDossier', 'returned', verifier, ['notPreparer']),
          ...e('forwarded', 'RecordAppraisal', 'appraised', APPRAISER, ['notPreparer', 'criterionKnown']),
          ...e(['forwarded', 'appraised', 'councilNotApproved'], 'ReturnDossier', 'returned', APPRAISER, [
            'notPreparer',
          ]),
        ]
      : [
          ...e(
            'submitted',
            'RecordVerification',
            'verified',
            APPRAISER,
            ['notPreparer', 'criterionKnown'],
            'appraisal',
          ),
          ...e('verified', 'RecordAppraisal', 'appraised', APPRAISER, [
            'notPreparer',
            'verificationPassed',
            'criterionKnown',
          ]),
          ...e(
            ['submitted', 'verified', 'appraised', 'councilNotApproved'],
            'ReturnDossier',
            'returned',
            APPRAISER,
            ['notPreparer'],
          ),
        ];
  const open = ['preparing', 'noticeOpen', 'noticeClosed', 'pollReported', 'meetingHeld', 'returned'];
  const opening: CheckName[] = [
    'kindFields',
    'unitEligible',
    'tierPrecondition',
    'noConstructionDebt',
    'securityCondition',
  ];
  return {
    id: `commune-${tier}`,
    version,
    kind: TIER_KIND[tier],
    tier,
    title: `${TIER_TITLE[tier]} v${version}`,
    description:
      version === 1
        ? 'QĐ 18/2022 procedure: the district verifies (thẩm tra) and forwards to the province, which appraises (thẩm định); the council votes; the provincial chairman decides; the district announces (công bố). Once the districts are abolished (the `succession` of the rule set in force), a dossier still at a district step has it performed by the successor role for the successor unit.'
        : 'Two-tier procedure from 01/07/2025: no district; the province reviews the dossier, verifying and then appraising it; the council votes; the provincial chairman decides and the province announces (unconfirmed).',
    checklist: COMMUNE_CHECKLIST,
    finalStates: ['announced', 'refused', 'withdrawn'],
    edges: withChecklist(
      COMMUNE_CHECKLIST,
      withDeadlineWatch(
        [
          ...e('draft', 'OpenDossier', 'preparing', COMMUNE, opening),
          ...e(['preparing', 'returned'], 'RecordSelfAssessment', null, COMMUNE, ['criterionKnown']),
          ...attach(open, [...COMMUNE, ...FRONT]),
          ...consultation('preparing', COMMUNE),
          ...e('noticeClosed', 'RecordPollTally', null, FRONT, ['villageInUnit']),
          ...e('noticeClosed', 'IssuePollReport', 'pollReported', FRONT, ['pollPassed']),
          ...e('pollReported', 'RecordProposalMeeting', 'meetingHeld', COMMUNE, ['meetingPassed']),
          // Every criterion of the pinned table (for a model commune: the advanced set plus M1..M3) must be met. It
          // already held when the notice opened and nothing can change it since, so recorded histories are unaffected.
          ...e(
            'meetingHeld',
            'SubmitDossier',
            'submitted',
            COMMUNE,
            ['selfAssessmentComplete', 'checklistComplete'],
            'verification',
          ),
          ...review,
          ...e(
            'returned',
            'ResubmitDossier',
            'submitted',
            COMMUNE,
            ['selfAssessmentComplete', 'checklistComplete'],
            'verification',
          ),
          ...council(
            'DecideRecognition',
            'outcomeRecognise',
            'outcomeRefuse',
            'recognised',
            'refused',
            CHAIRMAN,
          ),
          // Công bố: the district before the reform, by rule parameter (law-findings §1.10).
          ...e('recognised', 'AnnounceRecognition', 'announced', PROCEDURE[version].announcers.commune.value),
          // While the commune still holds the dossier; the Front's poll report is itself public.
          ...publishResults(['noticeClosed', 'pollReported', 'meetingHeld', 'returned'], COMMUNE),
          ...e(
            [...open, 'submitted', 'verified', 'forwarded', 'appraised', 'councilNotApproved'].filter(
              (s) => version === 1 || s !== 'forwarded',
            ),
            'WithdrawDossier',
            'withdrawn',
            COMMUNE,
          ),
        ],
        CHAIRMAN,
      ),
    ),
  };
}

/**
 * Hội đồng thẩm định cấp thôn — where the province's rules switch it on (`villageCouncil`, TT 55/2023 budgets one),
 * the council votes on a submitted village dossier before the decision; elsewhere recording a ballot is refused.
 */
function villageCouncil(decider: readonly Role[]): Edge[] {
  const ballot: CheckName[] = ['villageCouncilEnabled', 'notPreparer', 'noPreparerVoting', 'councilQuorum'];
  const decide = (outcome: CheckName): CheckName[] => ['notPreparer', 'competentDecider', outcome];
  return [
    ...e('submitted', 'RecordCouncilBallot', 'councilApproved', SECRETARY, [...ballot, 'councilApproves']),
    ...e('submitted', 'RecordCouncilBallot', 'councilNotApproved', SECRETARY, ballot),
    ...e('councilApproved', 'DecideRecognition', 'recognised', decider, decide('outcomeRecognise')),
    ...e('councilApproved', 'DecideRecognition', 'refused', decider, decide('outcomeRefuse')),
    ...e('councilNotApproved', 'DecideRecognition', 'refused', decider, decide('outcomeRefuse')),
    ...e('councilNotApproved', 'ReturnDossier', 'returned', decider, ['notPreparer']),
  ];
}

/**
 * Thôn đạt chuẩn NTM — modelled on procedure 1.007200, a Thanh Hóa provincial procedure of 2016-2020 (not national
 * law): the commune verifies, posts a loudspeaker notice, votes, and submits.
 */
export function villageWorkflow(version: 1 | 2): WorkflowDefinition {
  const decider: readonly Role[] = version === 1 ? ['district_chairman'] : ['commune_chairman'];
  const prep: readonly Role[] = ['village_head', ...COMMUNE];
  const open = ['preparing', 'noticeOpen', 'noticeClosed', 'meetingHeld', 'returned'];
  return {
    id: 'village-ntm',
    version,
    kind: 'VILLAGE_NTM',
    tier: 'ntm',
    title: `Village NTM v${version}`,
    description:
      version === 1
        ? 'Modelled on Thanh Hóa procedure 1.007200 (2016-2020, not national law): the village self-assesses, the commune posts a loudspeaker notice, its steering committee votes and submits to the district, whose chairman decides. Where the province’s rules hold a village appraisal council (`villageCouncil`), it votes first. Once the districts are abolished (the `succession` of the rule set in force), a dossier still waiting is returned or decided by the successor role for the successor commune.'
        : 'After 01/07/2025 no district exists: the commune chairman decides (rule parameter, to be confirmed against the province’s rules). Where the province’s rules hold a village appraisal council (`villageCouncil`), it votes first.',
    checklist: VILLAGE_CHECKLIST,
    finalStates: ['announced', 'refused', 'withdrawn'],
    edges: withChecklist(
      VILLAGE_CHECKLIST,
      withDeadlineWatch(
        [
          ...e('draft', 'OpenDossier', 'preparing', ['village_head'], ['kindFields', 'unitEligible']),
          ...e(['preparing', 'returned'], 'RecordSelfAssessment', null, prep, ['criterionKnown']),
          ...attach(open, prep),
          ...consultation('preparing', COMMUNE),
          ...e('noticeClosed', 'RecordProposalMeeting', 'meetingHeld', COMMUNE, ['meetingPassed']),
          ...e('meetingHeld', 'SubmitDossier', 'submitted', COMMUNE, ['checklistComplete'], 'decision'),
          ...e('submitted', 'ReturnDossier', 'returned', decider, ['notPreparer']),
          ...e(
            'returned',
            'ResubmitDossier',
            'submitted',
            COMMUNE,
            ['selfAssessmentComplete', 'checklistComplete'],
            'decision',
          ),
          ...e('submitted', 'DecideRecognition', 'recognised', decider, [
            'notPreparer',
            'villageCouncilNotRequired',
            'competentDecider',
            'outcomeRecognise',
          ]),
          ...e('submitted', 'DecideRecognition', 'refused', decider, [
            'notPreparer',
            'villageCouncilNotRequired',
            'competentDecider',
            'outcomeRefuse',
          ]),
          ...villageCouncil(decider),
          ...e('recognised', 'AnnounceRecognition', 'announced', PROCEDURE[version].announcers.village.value),
          ...publishResults(['noticeClosed', 'meetingHeld', 'returned'], COMMUNE),
          ...e([...open, 'submitted'], 'WithdrawDossier', 'withdrawn', prep),
        ],
        decider,
      ),
    ),
  };
}

/** Thu hồi — assessment, consultation, revocation dossier, decision by the recogniser, publication. */
export function revocationWorkflow(version: 1 | 2): WorkflowDefinition {
  const assessor: readonly Role[] = version === 1 ? ['district_verifier'] : APPRAISER;
  const open = ['assessing', 'assessed', 'noticeOpen', 'noticeClosed'];
  return {
    id: 'revocation',
    version,
    kind: 'REVOCATION',
    title: `Revocation v${version}`,
    description:
      version === 1
        ? 'QĐ 18/2022 Art. 23-24: the district assesses the commune, consults, compiles the revocation dossier; the provincial chairman decides. Once the districts are abolished (the `succession` of the rule set in force), the successor role performs the district steps.'
        : 'From 01/07/2025 (NĐ 131/2025 Art. 44(1)): the province assesses, consults and compiles the dossier; the provincial chairman decides.',
    checklist: REVOCATION_CHECKLIST,
    finalStates: ['dismissed', 'kept', 'published', 'withdrawn'],
    edges: withChecklist(
      REVOCATION_CHECKLIST,
      withDeadlineWatch(
        [
          ...e('draft', 'OpenDossier', 'assessing', assessor, [
            'kindFields',
            'unitEligible',
            'recognitionHeld',
          ]),
          ...attach(open, assessor),
          ...e('assessing', 'RecordRevocationAssessment', 'assessed', assessor, ['revocationGrounds']),
          ...e('assessing', 'RecordRevocationAssessment', 'dismissed', assessor),
          ...consultation('assessed', assessor),
          ...e('noticeClosed', 'SubmitDossier', 'submitted', assessor, ['checklistComplete'], 'decision'),
          ...e('submitted', 'DecideRevocation', 'revoked', CHAIRMAN, [
            'notPreparer',
            'competentDecider',
            'outcomeRevoke',
          ]),
          ...e('submitted', 'DecideRevocation', 'kept', CHAIRMAN, [
            'notPreparer',
            'competentDecider',
            'outcomeKeep',
          ]),
          ...e('revoked', 'PublishRevocation', 'published', [...CHAIRMAN, ...APPRAISER]),
          ...publishResults(['noticeClosed'], assessor),
          ...e(open, 'WithdrawDossier', 'withdrawn', assessor),
        ],
        CHAIRMAN,
      ),
    ),
  };
}

/** Thừa nhận — acknowledging a merged commune's status before the provincial council. */
export function postMergerWorkflow(): WorkflowDefinition {
  const open = ['preparing', 'returned'];
  return {
    id: 'post-merger-acknowledgement',
    version: 1,
    kind: 'POST_MERGER_ACKNOWLEDGEMENT',
    title: 'Post-merger acknowledgement v1',
    description:
      'A commune formed by a merger, only from recognised communes, asks the province to acknowledge its status at the lowest of their tiers (5424/BNN-VPĐP, 267/BNN-VPĐP; `mergerPaths`): self-assessment, appraisal, council ballot, decision. The merger and the predecessors’ statuses on its eve are read by code and recorded at opening; a commune formed also from unrecognised communes goes through the full procedure instead.',
    checklist: POST_MERGER_CHECKLIST,
    finalStates: ['acknowledged', 'refused', 'withdrawn'],
    edges: withChecklist(
      POST_MERGER_CHECKLIST,
      withDeadlineWatch(
        [
          ...e('draft', 'OpenDossier', 'preparing', COMMUNE, [
            'kindFields',
            'unitEligible',
            'mergerPredecessorsRecognised',
          ]),
          ...e(open, 'RecordSelfAssessment', null, COMMUNE, ['criterionKnown']),
          ...attach(open, COMMUNE),
          ...e(
            'preparing',
            'SubmitDossier',
            'submitted',
            COMMUNE,
            ['selfAssessmentComplete', 'checklistComplete'],
            'appraisal',
          ),
          ...e(
            'returned',
            'ResubmitDossier',
            'submitted',
            COMMUNE,
            ['selfAssessmentComplete', 'checklistComplete'],
            'appraisal',
          ),
          ...e('submitted', 'RecordAppraisal', 'appraised', APPRAISER, ['notPreparer', 'criterionKnown']),
          ...e(['submitted', 'appraised', 'councilNotApproved'], 'ReturnDossier', 'returned', APPRAISER, [
            'notPreparer',
          ]),
          ...council(
            'DecideAcknowledgement',
            ['outcomeAcknowledge', 'acknowledgedTierLowest'],
            'outcomeRefuse',
            'acknowledged',
            'refused',
            CHAIRMAN,
          ),
          ...e(
            [...open, 'submitted', 'appraised', 'councilNotApproved'],
            'WithdrawDossier',
            'withdrawn',
            COMMUNE,
          ),
        ],
        CHAIRMAN,
      ),
    ),
  };
}

/** Who may file a complaint: the officials of the unit the decision is about (the commune, or the village head). */
const COMPLAINANTS: readonly Role[] = ['commune_official', 'village_head'];
/** Who may resolve one: whoever signs decisions; `complaintIssuer` narrows it to the decision's own issuer. */
const ISSUERS: readonly Role[] = ['provincial_chairman', 'district_chairman', 'commune_chairman'];

/**
 * Khiếu nại lần đầu — a first complaint against a decision (Law on Complaints 02/2011/QH13, law-findings §7.1): filed
 * within the window, accepted by the issuer, who resolves it within the resolution period by upholding, annulling
 * or amending the decision. A second complaint (to the issuer's superior) or a lawsuit is outside the engine.
 */
export function complaintWorkflow(): WorkflowDefinition {
  const resolve = (to: string, outcome: CheckName): Edge[] =>
    e('accepted', 'DecideComplaint', to, ISSUERS, ['complaintIssuer', 'notPreparer', outcome]);
  return {
    id: 'complaint',
    version: 1,
    kind: 'COMPLAINT',
    title: 'Complaint v1',
    description:
      'Law on Complaints 02/2011/QH13: the commune (or village head) complains of a recognition, refusal, revocation or acknowledgement decision within 90 days of it (Art. 9, `complaints.windowDays`); the issuer of the decision accepts it (thụ lý, Art. 7) and resolves it within 30 days, 45 when complex, 45/60 in remote areas (Art. 28, `complaints.resolutionDays`): the decision is upheld, annulled or amended. While it is open the decision shows as under complaint.',
    checklist: {},
    finalStates: ['upheld', 'annulled', 'amended', 'withdrawn'],
    edges: withDeadlineWatch(
      [
        ...e('draft', 'OpenDossier', 'filed', COMPLAINANTS, [
          'kindFields',
          'complaintTarget',
          'complaintWindow',
        ]),
        ...e(
          'filed',
          'AcceptComplaint',
          'accepted',
          ISSUERS,
          ['complaintIssuer', 'notPreparer'],
          'complaint',
        ),
        ...resolve('upheld', 'outcomeUpheld'),
        ...resolve('annulled', 'outcomeAnnulled'),
        ...resolve('amended', 'outcomeAmended'),
        ...e(['filed', 'accepted'], 'WithdrawDossier', 'withdrawn', COMPLAINANTS),
      ],
      ISSUERS,
    ),
  };
}
