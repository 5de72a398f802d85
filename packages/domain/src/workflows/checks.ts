/**
 * The named checks that guard transitions. Each returns the refusal it stands for, or null, so one function serves
 * both as an XState guard (passes when null) and as the source of the decider's error message. Figures come from
 * the dossier's pinned rule set, never from literals.
 */
import { DomainError } from '../errors.js';
import type { DossierKind, Tier } from '../model.js';
import type { DossierState, OpenCouncilBallot } from '../state.js';
import {
  evaluateRevocation,
  isOverdue,
  isWorkingDay,
  nationalCalendar,
  requiredKinds,
  shareMet,
  type ShareThreshold,
} from '../reference/index.js';
import type { CommandType } from '@ntm/contracts';
import type { DecisionInput, WorkflowDefinition } from './types.js';
import { performerOf } from './succession.js';
import { lowestTier, mergerOf, tierAbove, type MergerPredecessor } from './merger.js';
import { complaintTargetProblem, complaintWindow } from './complaint.js';

export interface CheckArgs {
  dossier: DossierState | null;
  body: Record<string, unknown>;
  input: DecisionInput;
  definition: WorkflowDefinition;
  /** the command being decided: the checklist is per step */
  command: CommandType;
}

type Check = (a: CheckArgs) => DomainError | null;

const pct = (t: ShareThreshold): string =>
  `${t.inclusive ? '>=' : '>'} ${Math.round(t.share * 10000) / 100}%`;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** The kinds the checklist requires before `command` that no document (metadata or file) of the dossier has. */
export function missingDocuments(
  dossier: DossierState,
  definition: WorkflowDefinition,
  command: CommandType,
): string[] {
  const present = new Set([...dossier.documents, ...(dossier.files ?? [])].map((x) => x.documentKind));
  return requiredKinds(definition.checklist, command).filter((k) => !present.has(k));
}

/** The dossier a check runs on; only OpenDossier's checks run without one, and those never call this. */
function must(d: DossierState | null): DossierState {
  if (d === null) throw new TypeError('check needs an opened dossier');
  return d;
}

type Body = CheckArgs['body'];
const communeUnit = (b: Body): string[] =>
  /^[0-9]{5}$/.test(str(b.unitCode)) ? [] : ['unitCode (a commune code)'];
const recognitionFacts = (b: Body): string[] => [
  ...communeUnit(b),
  ...(b.constructionDebt === undefined || b.securityClassification === undefined
    ? ['constructionDebt, securityClassification']
    : []),
];
/** The fields each dossier kind's opening needs beyond the schema; a new kind does not compile without its entry. */
const KIND_FIELDS: Record<DossierKind, (b: Body) => string[]> = {
  VILLAGE_NTM: (b) =>
    b.communeCode === undefined || !str(b.unitCode).startsWith(`${str(b.communeCode)}-`)
      ? ['communeCode (and unitCode "<communeCode>-<village>")']
      : [],
  COMMUNE_NTM: recognitionFacts,
  COMMUNE_ADVANCED: recognitionFacts,
  COMMUNE_MODEL: recognitionFacts,
  REVOCATION: (b) => [...communeUnit(b), ...(b.targetRecognition === undefined ? ['targetRecognition'] : [])],
  POST_MERGER_ACKNOWLEDGEMENT: (b) => [
    ...communeUnit(b),
    ...(b.predecessors === undefined ? ['predecessors'] : []),
  ],
  COMPLAINT: (b) => (b.complaint === undefined ? ['complaint'] : []),
};
/** The recognition a unit must hold to open each kind: none yet, a tier (the ladder), or no condition. */
const REQUIRED_TIER: Record<DossierKind, Tier | 'none' | 'any'> = {
  VILLAGE_NTM: 'any',
  COMMUNE_NTM: 'none',
  COMMUNE_ADVANCED: 'ntm',
  COMMUNE_MODEL: 'advanced',
  REVOCATION: 'any',
  POST_MERGER_ACKNOWLEDGEMENT: 'any',
  COMPLAINT: 'any',
};

function decisionOutcome(expected: string, vi: string): Check {
  return ({ body, dossier }) =>
    body.outcome === expected
      ? null
      : new DomainError(
          'DECISION_CONTRADICTS_COUNCIL',
          `in step ${dossier?.step ?? '?'} the only possible outcome is "${expected}"`,
          `ở bước ${dossier?.step ?? '?'} chỉ có thể quyết định "${vi}"`,
          { expected, step: dossier?.step },
        );
}

/** The open electronic ballot; its checks run only in councilVoting, where the fold has set it. */
function ballotOf(d: DossierState | null): OpenCouncilBallot {
  const b = must(d).councilBallot;
  if (b === undefined) throw new TypeError('check needs an open council ballot');
  return b;
}
const votersOf = (b: OpenCouncilBallot): string[] => Object.keys(b.votes);

const CHECKS = {
  kindFields: ({ body, definition }) => {
    const kind = definition.kind;
    const missing = KIND_FIELDS[kind](body);
    return missing.length === 0
      ? null
      : new DomainError(
          'KIND_FIELDS_INVALID',
          `a ${kind} dossier needs ${missing.join('; ')}`,
          `hồ sơ ${kind} cần có ${missing.join('; ')}`,
          { missing },
        );
  },
  unitEligible: ({ body, input, definition }) => {
    if (!input.units) return null;
    const e = input.units.eligibility(str(body.unitCode), definition.kind, input.today);
    return e.eligible
      ? null
      : new DomainError(
          'UNIT_NOT_ELIGIBLE',
          e.reason,
          `đơn vị ${str(body.unitCode)} không đủ điều kiện mở hồ sơ ${definition.kind} ngày ${input.today}`,
          {
            unitCode: body.unitCode,
            reason: e.code,
            successors: e.successors,
          },
        );
  },
  tierPrecondition: ({ input, definition }) => {
    const current = input.unitRecognition?.tier ?? null;
    const kind = definition.kind;
    const required = REQUIRED_TIER[kind];
    if (required === 'any') return null;
    if (required === 'none') {
      return current === null
        ? null
        : new DomainError(
            'PRECONDITION_TIER',
            `the commune is already recognised at tier ${current}`,
            `xã đã được công nhận mức ${current}`,
            { current },
          );
    }
    return current === required
      ? null
      : new DomainError(
          'PRECONDITION_TIER',
          `a ${kind} dossier requires current recognition at tier ${required} (NTM before advanced before model); current: ${current ?? 'none'}`,
          `hồ sơ ${kind} yêu cầu xã đang đạt mức ${required} (NTM → nâng cao → kiểu mẫu); hiện tại: ${current ?? 'chưa đạt'}`,
          { required, current },
        );
  },
  recognitionHeld: ({ body, input }) => {
    const target = body.targetRecognition as { tier?: string; decisionNo?: string } | undefined;
    const held = input.unitRecognition;
    return held && target && held.tier === target.tier && held.decisionNo === target.decisionNo
      ? null
      : new DomainError(
          'PRECONDITION_TIER',
          `the commune does not hold recognition ${target?.decisionNo ?? '?'} at tier ${target?.tier ?? '?'}; current: ${held ? `${held.tier} (${held.decisionNo})` : 'none'}`,
          `xã không giữ quyết định công nhận ${target?.decisionNo ?? '?'} mức ${target?.tier ?? '?'}`,
          { target, current: held ?? null },
        );
  },
  noConstructionDebt: ({ body }) =>
    (body.constructionDebt as { outstanding?: boolean } | undefined)?.outstanding === true
      ? new DomainError(
          'CONSTRUCTION_DEBT_OUTSTANDING',
          'a commune with outstanding capital-construction debt under the programme cannot be recognised (QĐ 18/2022 Art. 4(1)(c))',
          'xã còn nợ đọng xây dựng cơ bản thì không được công nhận (QĐ 18/2022 Điều 4(1)(c))',
        )
      : null,
  securityCondition: ({ body, input }) => {
    const rule = input.ruleSet.securityCondition;
    const c = str(body.securityClassification);
    const ok =
      rule.value === 'safe_for_security_and_order'
        ? c === 'safe_for_security_and_order'
        : c !== 'complex_area';
    return ok
      ? null
      : new DomainError(
          'SECURITY_CONDITION_NOT_MET',
          `the security condition in force is "${rule.value}" (${rule.legalBasis}); the commune is classed "${c}"`,
          `điều kiện an ninh trật tự đang áp dụng là "${rule.value}" (${rule.legalBasis}); xã được xếp loại "${c}"`,
          { required: rule.value, classification: c },
        );
  },
  criterionKnown: ({ dossier, body }) => {
    const d = must(dossier);
    const codes =
      body.criterionCode !== undefined
        ? [str(body.criterionCode)]
        : ((body.criteria as { code: string }[] | undefined) ?? []).map((c) => c.code);
    const unknown = codes.filter((c) => !d.criteriaCodes.includes(c));
    return unknown.length === 0
      ? null
      : new DomainError(
          'CRITERION_UNKNOWN',
          `criteria ${unknown.join(', ')} are not in criteria set ${d.criteriaSetId}`,
          `tiêu chí ${unknown.join(', ')} không thuộc bộ tiêu chí ${d.criteriaSetId}`,
          {
            unknown,
            criteriaSetId: d.criteriaSetId,
          },
        );
  },
  selfAssessmentComplete: ({ dossier }) => {
    const d = must(dossier);
    const missing = d.criteriaCodes.filter((c) => d.criteria[c]?.commune === undefined);
    const notMet = d.criteriaCodes.filter((c) => d.criteria[c]?.commune?.met === false);
    return missing.length === 0 && notMet.length === 0
      ? null
      : new DomainError(
          'SELF_ASSESSMENT_INCOMPLETE',
          `every criterion of ${d.criteriaSetId} must be self-assessed as met; missing: ${missing.join(', ') || 'none'}; not met: ${notMet.join(', ') || 'none'}`,
          `mọi tiêu chí của ${d.criteriaSetId} phải được tự đánh giá là đạt; thiếu: ${missing.join(', ') || 'không'}; chưa đạt: ${notMet.join(', ') || 'không'}`,
          { missing, notMet },
        );
  },
  documentNew: ({ dossier, body }) =>
    must(dossier).documents.some((x) => x.documentId === body.documentId)
      ? new DomainError(
          'DOCUMENT_DUPLICATE',
          `document ${str(body.documentId)} is already attached`,
          `tài liệu ${str(body.documentId)} đã được đính kèm`,
          { documentId: body.documentId },
        )
      : null,
  documentFileKind: ({ dossier, body }) => {
    const d = must(dossier);
    const kinds = [...d.documents, ...(d.files ?? [])]
      .filter((x) => x.documentId === body.documentId)
      .map((x) => x.documentKind);
    const other = kinds.find((k) => k !== body.documentKind);
    return other === undefined
      ? null
      : new DomainError(
          'DOCUMENT_KIND_MISMATCH',
          `document ${str(body.documentId)} is a ${other}, not a ${str(body.documentKind)}`,
          `tài liệu ${str(body.documentId)} thuộc loại ${other}, không phải ${str(body.documentKind)}`,
          { documentId: body.documentId, documentKind: other },
        );
  },
  checklistComplete: ({ dossier, definition, command }) => {
    const missing = missingDocuments(must(dossier), definition, command);
    return missing.length === 0
      ? null
      : new DomainError(
          'CHECKLIST_INCOMPLETE',
          `${command} needs documents the dossier lacks: ${missing.join(', ')}`,
          `${command}: hồ sơ còn thiếu tài liệu bắt buộc: ${missing.join(', ')}`,
          { command, missing },
        );
  },
  noticeStartNotFuture: ({ body, input }) =>
    str(body.from) > input.today
      ? new DomainError(
          'NOTICE_START_IN_FUTURE',
          `the notice cannot start (${str(body.from)}) after today (${input.today})`,
          `ngày bắt đầu niêm yết (${str(body.from)}) không được sau hôm nay (${input.today})`,
          {
            from: body.from,
            today: input.today,
          },
        )
      : null,
  noticePeriodOver: ({ dossier, input }) => {
    const notice = must(dossier).notice;
    if (notice && input.today > notice.endsOn) return null;
    return new DomainError(
      'NOTICE_PERIOD_NOT_OVER',
      `the notice period of ${notice?.days ?? '?'} days ends on ${notice?.endsOn ?? '?'}; it can be closed from the next day`,
      `thời gian niêm yết ${notice?.days ?? '?'} ngày kết thúc vào ngày ${notice?.endsOn ?? '?'}; chỉ được kết thúc từ ngày hôm sau`,
      { endsOn: notice?.endsOn, days: notice?.days, today: input.today },
    );
  },
  commentNew: ({ dossier, body }) =>
    must(dossier).comments.some((c) => c.commentId === body.commentId)
      ? new DomainError(
          'COMMENT_DUPLICATE',
          `comment ${str(body.commentId)} is already recorded`,
          `ý kiến ${str(body.commentId)} đã được ghi nhận`,
          { commentId: body.commentId },
        )
      : null,
  commentKnown: ({ dossier, body }) =>
    must(dossier).comments.some((c) => c.commentId === body.commentId)
      ? null
      : new DomainError(
          'COMMENT_NOT_FOUND',
          `no comment ${str(body.commentId)} was recorded`,
          `không có ý kiến ${str(body.commentId)}`,
          { commentId: body.commentId },
        ),
  commentsAnswered: ({ dossier }) => {
    const open = must(dossier)
      .comments.filter((c) => c.response === undefined)
      .map((c) => c.commentId);
    return open.length === 0
      ? null
      : new DomainError(
          'COMMENTS_UNANSWERED',
          `every comment must be answered before closing; unanswered: ${open.join(', ')}`,
          `phải trả lời mọi ý kiến trước khi kết thúc; chưa trả lời: ${open.join(', ')}`,
          {
            unanswered: open,
          },
        );
  },
  villageInUnit: ({ dossier, body }) => {
    const commune = must(dossier).scope.communeCode;
    return str(body.villageId).startsWith(`${commune}-`)
      ? null
      : new DomainError(
          'POLL_VILLAGE_OUTSIDE_UNIT',
          `village ${str(body.villageId)} is not in commune ${commune}`,
          `thôn ${str(body.villageId)} không thuộc xã ${commune}`,
          { villageId: body.villageId, commune },
        );
  },
  pollPassed: ({ dossier, input }) => {
    const d = must(dossier);
    const tallies = Object.values(d.poll.tallies);
    if (tallies.length === 0)
      return new DomainError(
        'POLL_NO_TALLIES',
        'no village poll tally has been recorded',
        'chưa có kết quả lấy ý kiến của thôn nào',
      );
    const households = tallies.reduce((s, t) => s + t.households, 0);
    const respondents = tallies.reduce((s, t) => s + t.respondents, 0);
    const satisfied = tallies.reduce((s, t) => s + t.satisfied, 0);
    const coverage = input.ruleSet.poll.minCoverage.value;
    if (!shareMet(respondents, households, coverage)) {
      return new DomainError(
        'POLL_COVERAGE_TOO_LOW',
        `poll coverage ${respondents}/${households} households is below the required ${pct(coverage)}`,
        `tỷ lệ hộ tham gia ${respondents}/${households} thấp hơn mức yêu cầu ${pct(coverage)}`,
        { respondents, households, required: coverage },
      );
    }
    const pass = input.ruleSet.poll.passShare[d.tier ?? 'ntm'].value;
    return shareMet(satisfied, respondents, pass)
      ? null
      : new DomainError(
          'POLL_BELOW_PASS_MARK',
          `${satisfied}/${respondents} respondents satisfied is below the pass mark ${pct(pass)}`,
          `${satisfied}/${respondents} người hài lòng, thấp hơn mức đạt ${pct(pass)}`,
          { satisfied, respondents, required: pass },
        );
  },
  meetingPassed: ({ body, input }) => {
    const t = input.ruleSet.proposalMeetingShare.value;
    return shareMet(num(body.for), num(body.attendees), t)
      ? null
      : new DomainError(
          'PROPOSAL_MEETING_BELOW_SHARE',
          `${num(body.for)}/${num(body.attendees)} attendees in favour is below the required ${pct(t)}`,
          `${num(body.for)}/${num(body.attendees)} người dự họp tán thành, thấp hơn mức ${pct(t)}`,
          { for: body.for, attendees: body.attendees, required: t },
        );
  },
  notPreparer: ({ dossier, input }) => {
    const ids = [input.actor.id, input.onBehalfOf?.id].filter((x): x is string => x !== undefined);
    const clash = ids.find((id) => must(dossier).preparers.includes(id));
    return clash === undefined
      ? null
      : new DomainError(
          'SEGREGATION_OF_DUTIES',
          `${clash} prepared or submitted this dossier and cannot verify, appraise, vote on or decide it`,
          `${clash} đã lập hoặc nộp hồ sơ này nên không được thẩm tra, thẩm định, biểu quyết hay quyết định`,
          { actorId: clash },
        );
  },
  verificationPassed: ({ dossier }) => {
    const d = must(dossier);
    const failing = d.criteriaCodes.filter((c) => d.criteria[c]?.verifier?.met !== true);
    return failing.length === 0
      ? null
      : new DomainError(
          'VERIFICATION_NOT_PASSED',
          `verification did not find criteria ${failing.join(', ')} met; return the dossier instead`,
          `kết quả thẩm tra chưa đạt tiêu chí ${failing.join(', ')}; cần trả hồ sơ`,
          {
            failing,
          },
        );
  },
  appraisalPassed: ({ dossier }) => {
    const a = must(dossier).appraisal;
    return a?.complete && a.fieldCheckPassed && a.allMet
      ? null
      : new DomainError(
          'APPRAISAL_NOT_PASSED',
          `the appraisal found the dossier ${a?.complete ? 'complete' : 'incomplete'}, the field check ${a?.fieldCheckPassed ? 'passed' : 'failed'}, criteria ${a?.allMet ? 'met' : 'not all met'}; return the dossier instead`,
          'kết quả thẩm định chưa đạt; cần trả hồ sơ',
          { appraisal: a },
        );
  },
  noPreparerVoting: ({ dossier, body }) => {
    const recused = strings(body.recusedMemberIds);
    const voters = strings(body.presentMemberIds).filter((id) => !recused.includes(id));
    const clash = voters.filter((id) => must(dossier).preparers.includes(id));
    return clash.length === 0
      ? null
      : new DomainError(
          'SEGREGATION_OF_DUTIES',
          `council members ${clash.join(', ')} prepared this dossier and must recuse`,
          `thành viên ${clash.join(', ')} đã lập hồ sơ này nên phải không tham gia biểu quyết`,
          {
            actorIds: clash,
          },
        );
  },
  councilQuorum: ({ body, input }) => {
    const t = input.ruleSet.council.quorum.value;
    const present = strings(body.presentMemberIds).length;
    return shareMet(present, num(body.membersTotal), t)
      ? null
      : new DomainError(
          'COUNCIL_QUORUM_NOT_MET',
          `${present}/${num(body.membersTotal)} members present is below the quorum ${pct(t)}`,
          `${present}/${num(body.membersTotal)} thành viên có mặt, dưới mức tối thiểu ${pct(t)}`,
          { present, membersTotal: body.membersTotal, required: t },
        );
  },
  ballotNoNew: ({ dossier, body }) =>
    (must(dossier).councilBallots ?? []).some((b) => b.ballotNo === body.ballotNo)
      ? new DomainError(
          'COUNCIL_BALLOT_NO_USED',
          `ballot ${str(body.ballotNo)} was already held on this dossier; a new ballot needs a new number`,
          `phiên bỏ phiếu ${str(body.ballotNo)} đã được tổ chức cho hồ sơ này; phiên mới cần số mới`,
          { ballotNo: body.ballotNo },
        )
      : null,
  ballotMember: ({ dossier, input }) => {
    const b = ballotOf(dossier);
    return b.memberIds.includes(input.actor.id)
      ? null
      : new DomainError(
          'COUNCIL_NOT_BALLOT_MEMBER',
          `${input.actor.id} is not among the ${b.memberIds.length} members eligible in ballot ${b.ballotNo}`,
          `${input.actor.id} không thuộc danh sách thành viên được biểu quyết trong phiên ${b.ballotNo}`,
          { ballotNo: b.ballotNo, actorId: input.actor.id },
        );
  },
  notRecused: ({ dossier, input }) =>
    ballotOf(dossier).recused.includes(input.actor.id)
      ? new DomainError(
          'COUNCIL_MEMBER_RECUSED',
          `${input.actor.id} recused from this ballot and takes no further part in it`,
          `${input.actor.id} đã xin không tham gia biểu quyết phiên này`,
          { actorId: input.actor.id },
        )
      : null,
  voteNotCast: ({ dossier, input }) => {
    const cast = ballotOf(dossier).votes[input.actor.id];
    return cast === undefined
      ? null
      : new DomainError(
          'COUNCIL_VOTE_ALREADY_CAST',
          `${input.actor.id} has already voted in this ballot; a vote cannot be changed or withdrawn`,
          `${input.actor.id} đã bỏ phiếu trong phiên này; không thể bỏ phiếu lại hay rút phiếu`,
          { actorId: input.actor.id },
        );
  },
  // Recused members count neither as voting nor in the base: the quorum is of the members the ballot lists.
  // A branch, not a refusal: a ballot without quorum is void (back to appraised), so this error is never returned.
  ballotQuorum: ({ dossier, input }) => {
    const b = ballotOf(dossier);
    const t = input.ruleSet.council.quorum.value;
    const voters = votersOf(b).length;
    return shareMet(voters, b.memberIds.length, t)
      ? null
      : new DomainError(
          'COUNCIL_QUORUM_NOT_MET',
          `${voters}/${b.memberIds.length} members voted, below the quorum ${pct(t)}`,
          `${voters}/${b.memberIds.length} thành viên đã biểu quyết, dưới mức tối thiểu ${pct(t)}`,
          { voters, membersTotal: b.memberIds.length, required: t },
        );
  },
  // A branch, not a refusal, as councilApproves.
  ballotApproves: ({ dossier, input }) => {
    const b = ballotOf(dossier);
    const voters = votersOf(b).length;
    const approving = Object.values(b.votes).filter((v) => v === 'approve').length;
    const t = input.ruleSet.council.approvalShare.value;
    return voters > 0 && shareMet(approving, voters, t)
      ? null
      : new DomainError(
          'COMMAND_NOT_ALLOWED_IN_STATE',
          `${approving}/${voters} votes in favour is below ${pct(t)}`,
          `${approving}/${voters} phiếu tán thành, dưới ${pct(t)}`,
        );
  },
  // A branch, not a refusal: a ballot that misses the share leads to councilNotApproved, so this error is never returned.
  councilApproves: ({ body, input }) => {
    const voting = strings(body.presentMemberIds).length - new Set(strings(body.recusedMemberIds)).size;
    const t = input.ruleSet.council.approvalShare.value;
    return voting > 0 && shareMet(num(body.for), voting, t)
      ? null
      : new DomainError(
          'COMMAND_NOT_ALLOWED_IN_STATE',
          `${num(body.for)}/${voting} ballots in favour is below ${pct(t)}`,
          `${num(body.for)}/${voting} phiếu tán thành, dưới ${pct(t)}`,
        );
  },
  competentDecider: ({ dossier, input }) => {
    const d = must(dossier);
    const rule = input.ruleSet.decider[d.kind];
    // After a reform the pinned decider may no longer exist: its successor signs, by the rule set of the day; a
    // province that names its own village decider has it sign instead.
    const required = performerOf(rule.value, d.kind, input);
    const own = d.kind === 'VILLAGE_NTM' ? input.procedure.villageDecider : undefined;
    const under =
      own && required === own.value
        ? `the rules of province ${input.procedure.provinceCode ?? '?'} (${own.legalBasis})`
        : required === rule.value
          ? `${input.ruleSet.id} (${rule.legalBasis})`
          : `${input.succession?.ruleSet.id ?? '?'} (succeeding ${rule.value} from ${input.succession?.from ?? '?'})`;
    return input.actor.role === required
      ? null
      : new DomainError(
          'DECIDER_NOT_COMPETENT',
          `a ${d.kind} decision is signed by ${required} under ${under}`,
          `quyết định ${d.kind} do ${required} ký theo ${under}`,
          { required },
        );
  },
  mergerPredecessorsRecognised: ({ body, input }) => {
    if (!input.units) return null;
    const declared = (body.predecessors as MergerPredecessor[] | undefined) ?? [];
    const merger = mergerOf(str(body.unitCode), input.today, input.units, declared, input.recognitionOf);
    // No merger on record is `unitEligible`'s refusal (NO_MERGER_ON_RECORD).
    if (!merger) return null;
    const rule = input.procedure.mergerPaths;
    const onRecord = merger.predecessors.map((p) => p.code);
    const unknown = declared.map((p) => p.code).filter((c) => !onRecord.includes(c));
    if (unknown.length > 0) {
      return new DomainError(
        'MERGER_PREDECESSORS_MISMATCH',
        `${unknown.join(', ')} did not merge into ${str(body.unitCode)}; the merger of ${merger.effectiveDate} (${merger.basis}) formed it from ${onRecord.join(', ')}`,
        `${unknown.join(', ')} không sáp nhập vào ${str(body.unitCode)}; đơn vị được hình thành từ ${onRecord.join(', ')}`,
        { unknown, predecessors: onRecord, effectiveDate: merger.effectiveDate },
      );
    }
    if (merger.mismatches.length > 0) {
      const codes = merger.mismatches.map((m) => m.code).join(', ');
      return new DomainError(
        'MERGER_STATUS_MISMATCH',
        `the statuses declared for ${codes} on ${merger.statusOn} are not those on record (the recognition decisions of the engine); correct the declaration or the record`,
        `mức đạt chuẩn kê khai của ${codes} ngày ${merger.statusOn} không khớp với quyết định công nhận đã ghi nhận`,
        { mismatches: merger.mismatches, statusOn: merger.statusOn },
      );
    }
    const unrecognised = merger.predecessors.filter((p) => p.tier === null).map((p) => p.code);
    return unrecognised.length === 0
      ? null
      : new DomainError(
          'MERGER_NEEDS_FULL_PROCEDURE',
          `${unrecognised.join(', ')} held no recognition on ${merger.statusOn}: a commune formed also from unrecognised communes goes through the full recognition procedure (open COMMUNE_NTM), not an acknowledgement (${rule.legalBasis}${rule.confirmed ? '' : ', unconfirmed for this merger round'})`,
          `${unrecognised.join(', ')} chưa đạt chuẩn vào ngày ${merger.statusOn}: xã hình thành từ xã chưa đạt chuẩn phải thực hiện đầy đủ quy trình xét công nhận (${rule.legalBasis})`,
          {
            unrecognised,
            statusOn: merger.statusOn,
            statusesFrom: merger.statusesFrom,
            path: rule.value.someUnrecognised,
            rule,
          },
        );
  },
  acknowledgedTierLowest: ({ dossier, body, input }) => {
    const lowest = lowestTier(must(dossier).predecessors ?? []);
    const tier = body.tier as Tier | undefined;
    if (tier === undefined || lowest === null || !tierAbove(tier, lowest)) return null;
    const rule = input.procedure.mergerPaths;
    return new DomainError(
      'MERGER_TIER_NOT_LOWEST',
      `a merged commune is acknowledged at the lowest tier of the communes it was formed from (${lowest}), not ${tier}; it builds toward a higher tier through that tier's procedure (${rule.legalBasis}${rule.confirmed ? '' : ', unconfirmed for this merger round'})`,
      `xã sau sáp nhập chỉ được thừa nhận ở mức thấp nhất của các xã trước sáp nhập (${lowest}), không phải ${tier} (${rule.legalBasis})`,
      { lowest, tier, rule },
    );
  },
  villageCouncilEnabled: ({ input }) => {
    const rule = input.procedure.villageCouncil;
    return rule.value
      ? null
      : new DomainError(
          'VILLAGE_COUNCIL_NOT_ENABLED',
          `village dossiers go before no appraisal council under ${input.ruleSet.id} in this province (${rule.legalBasis})`,
          `hồ sơ thôn không qua hội đồng thẩm định theo ${input.ruleSet.id} tại tỉnh này (${rule.legalBasis})`,
          { villageCouncil: rule },
        );
  },
  villageCouncilNotRequired: ({ input }) => {
    const rule = input.procedure.villageCouncil;
    return rule.value
      ? new DomainError(
          'VILLAGE_COUNCIL_REQUIRED',
          `the province's rules put village dossiers before an appraisal council first (${rule.legalBasis}); record its ballot`,
          `theo quy định của tỉnh, hồ sơ thôn phải qua hội đồng thẩm định trước (${rule.legalBasis})`,
          { villageCouncil: rule },
        )
      : null;
  },
  resultsAvailable: ({ dossier, body }) => {
    const d = must(dossier);
    const available =
      body.subject === 'poll' ? d.poll.report !== undefined : d.notice?.closedOn !== undefined;
    return available
      ? null
      : new DomainError(
          'RESULTS_NOT_AVAILABLE',
          body.subject === 'poll'
            ? 'the poll results exist once the Front has issued its poll report'
            : 'the consultation results exist once the public notice is closed',
          body.subject === 'poll'
            ? 'chỉ công khai kết quả lấy ý kiến sau khi Mặt trận ban hành báo cáo'
            : 'chỉ công khai kết quả góp ý sau khi kết thúc niêm yết',
          { subject: body.subject },
        );
  },
  outcomeRecognise: decisionOutcome('recognise', 'công nhận'),
  outcomeRefuse: decisionOutcome('refuse', 'không công nhận'),
  outcomeRevoke: decisionOutcome('revoke', 'thu hồi'),
  outcomeKeep: decisionOutcome('keep', 'giữ công nhận'),
  outcomeAcknowledge: decisionOutcome('acknowledge', 'thừa nhận'),
  revocationGrounds: ({ body, input }) => {
    const outcome = evaluateRevocation(
      input.ruleSet,
      str(body.criteriaSetId),
      strings(body.failingCriteria),
      num(body.totalCriteria),
    );
    return outcome.revoke
      ? null
      : new DomainError(
          'REVOCATION_NO_GROUNDS',
          `${strings(body.failingCriteria).length}/${num(body.totalCriteria)} failing criteria are no ground to revoke under ${input.ruleSet.id}`,
          `${strings(body.failingCriteria).length}/${num(body.totalCriteria)} tiêu chí không đạt chưa đủ căn cứ thu hồi`,
        );
  },
  complaintTarget: ({ body, input }) =>
    complaintTargetProblem(
      input.complaintTarget,
      body.complaint as { targetDossierId?: unknown } | undefined,
      body.unitCode,
    ),
  /** Art. 9: 90 days (the pinned rule set's figure) from the decision, or from the later day it was learned of. */
  complaintWindow: ({ body, input }) => {
    const decision = input.complaintTarget?.decision;
    if (!decision) return null;
    const learnedOn = (body.complaint as { learnedOn?: string } | undefined)?.learnedOn;
    if (learnedOn !== undefined && (learnedOn < decision.decidedOn || learnedOn > input.today))
      return new DomainError(
        'VALIDATION_FAILED',
        `learnedOn ${learnedOn} must be between the decision (${decision.decidedOn}) and today (${input.today})`,
        `ngày biết được quyết định ${learnedOn} phải từ ngày quyết định (${decision.decidedOn}) đến hôm nay (${input.today})`,
        { learnedOn, decidedOn: decision.decidedOn },
      );
    const window = complaintWindow(input.ruleSet, decision.decidedOn, learnedOn);
    const rule = input.ruleSet.complaints.windowDays;
    return input.today <= window.endsOn
      ? null
      : new DomainError(
          'COMPLAINT_WINDOW_CLOSED',
          `the ${window.days}-day window to complain of decision ${decision.decisionNo} (from ${window.from}) ended on ${window.endsOn} (${rule.legalBasis})`,
          `thời hiệu khiếu nại quyết định ${decision.decisionNo} là ${window.days} ngày kể từ ${window.from}, đã hết ngày ${window.endsOn} (${rule.legalBasis})`,
          { decisionNo: decision.decisionNo, from: window.from, days: window.days, endsOn: window.endsOn },
        );
  },
  /** Art. 7: the issuer of the decision (its signing role, or that role's successor) resolves a first complaint. */
  complaintIssuer: ({ dossier, input }) => {
    const issuer = must(dossier).complaint?.issuerRole;
    return input.actor.role === issuer
      ? null
      : new DomainError(
          'COMPLAINT_NOT_ISSUER',
          `a first complaint is resolved by the issuer of the decision (${issuer ?? '?'}), not ${input.actor.role}`,
          `khiếu nại lần đầu do người ban hành quyết định (${issuer ?? '?'}) giải quyết, không phải ${input.actor.role}`,
          { required: issuer, role: input.actor.role },
        );
  },
  outcomeUpheld: decisionOutcome('upheld', 'giữ nguyên quyết định'),
  outcomeAnnulled: decisionOutcome('annulled', 'huỷ bỏ quyết định'),
  outcomeAmended: decisionOutcome('amended', 'sửa đổi quyết định'),
  deadlineDue: ({ dossier, body, input }) => {
    const open = must(dossier).deadlines.find(
      (x) => x.deadlineId === body.deadlineId && x.elapsedOn === undefined,
    );
    if (!open) return deadlineNotOpen(body.deadlineId);
    return isOverdue(open.dueOn, input.now)
      ? null
      : new DomainError(
          'DEADLINE_NOT_DUE',
          `deadline ${open.deadlineId} is due on ${open.dueOn}; it elapses from the next day`,
          `thời hạn ${open.deadlineId} đến ngày ${open.dueOn}`,
          {
            deadlineId: open.deadlineId,
            dueOn: open.dueOn,
          },
        );
  },
  /** Gia hạn: only a deadline still running, before its due day has passed (after it, the apology is due). */
  deadlineRunning: ({ dossier, body, input }) => {
    const open = must(dossier).deadlines.find((x) => x.deadlineId === body.deadlineId);
    if (!open) return deadlineNotOpen(body.deadlineId);
    return open.elapsedOn === undefined && !isOverdue(open.dueOn, input.now)
      ? null
      : new DomainError(
          'DEADLINE_OVERDUE',
          `deadline ${open.deadlineId} was due on ${open.dueOn}: it can no longer be extended; issue the apology with a new return date (form 04)`,
          `thời hạn ${open.deadlineId} đã hết ngày ${open.dueOn}, không thể gia hạn; cần lập phiếu xin lỗi và hẹn lại ngày trả (mẫu 04)`,
          { deadlineId: open.deadlineId, dueOn: open.dueOn },
        );
  },
  /** Mẫu 04: an apology only for a deadline whose due day has passed. */
  deadlineMissed: ({ dossier, body, input }) => {
    const open = must(dossier).deadlines.find((x) => x.deadlineId === body.deadlineId);
    if (!open) return deadlineNotOpen(body.deadlineId);
    return open.elapsedOn !== undefined || isOverdue(open.dueOn, input.now)
      ? null
      : new DomainError(
          'DEADLINE_NOT_OVERDUE',
          `deadline ${open.deadlineId} is due on ${open.dueOn} and not late: no apology is due (an extension is granted by the decider)`,
          `thời hạn ${open.deadlineId} đến ngày ${open.dueOn}, chưa quá hạn nên chưa cần xin lỗi`,
          { deadlineId: open.deadlineId, dueOn: open.dueOn },
        );
  },
  /** The new return date of an apology: a working day after today. */
  returnDateAhead: ({ body, input }) => {
    const on = str(body.newReturnOn);
    return on > input.today && isWorkingDay(on, input.holidays ?? nationalCalendar())
      ? null
      : new DomainError(
          'RETURN_DATE_INVALID',
          `the new return date ${on} must be a working day after today (${input.today})`,
          `ngày hẹn trả mới ${on} phải là ngày làm việc sau hôm nay (${input.today})`,
          { newReturnOn: on, today: input.today },
        );
  },
} satisfies Record<string, Check>;

function deadlineNotOpen(deadlineId: unknown): DomainError {
  return new DomainError(
    'DEADLINE_NOT_OPEN',
    `no open deadline ${str(deadlineId)}`,
    `không có thời hạn ${str(deadlineId)} đang mở`,
    { deadlineId },
  );
}

export type CheckName = keyof typeof CHECKS;

/** The first refusal among `names`, or null when all pass. */
export function firstFailure(names: readonly CheckName[], args: CheckArgs): DomainError | null {
  for (const name of names) {
    const error = CHECKS[name](args);
    if (error) return error;
  }
  return null;
}
