/**
 * Scripted journeys through every workflow, with the actors and dates the law expects, and `reach(journey, step)`
 * to build the event sequence that brings a dossier to any step. The API and projection tests use these to start
 * from a realistic dossier instead of hand-written events.
 */
import {
  criteriaSetFor,
  decide,
  replay,
  type DomainActor,
  type Role,
  type DecidedEvent,
  type DecisionContext,
  type DossierCommand,
  type DossierKind,
  type DossierState,
  type Tier,
} from '@ntm/domain';
import {
  ACTORS,
  ACTORS_2025,
  COUNCIL_MEMBERS,
  NAM_CUONG,
  QUANG_BACH,
  TAN_LAP,
  YEN_THINH,
  at,
  sha,
} from './fixtures.js';

/** One command with the context it is decided in. */
export interface JourneyStep {
  command: DossierCommand;
  ctx: DecisionContext;
}

/** A named path through a workflow. `detours` reach steps off the main path: from a main-path step, one command. */
export interface Journey {
  name: string;
  dossierId: string;
  steps: JourneyStep[];
  detours: Record<string, { after: string; step: JourneyStep }>;
}

const cmd = (dossierId: string, type: string, body: Record<string, unknown> = {}): DossierCommand => ({
  type,
  dossierId,
  ...body,
});

function doc(documentKind: string, n: number, issuedOn: string, issuingBody: string) {
  return {
    documentId: `doc-${documentKind}`,
    documentKind,
    number: `${n}/BC-UBND`,
    issuedOn,
    issuingBody,
    signer: { name: 'Nguyễn Văn A', title: 'Chủ tịch' },
    copy: 'original',
    sha256: sha(documentKind),
  };
}

const selfAssessments = (id: string, kind: DossierKind, date: string, ctx: DecisionContext): JourneyStep[] =>
  criteriaSetFor(kind, date).criteria.map((c) => ({
    command: cmd(id, 'RecordSelfAssessment', {
      criterionCode: c.code,
      met: true,
      indicators: [{ code: `${c.code}.1`, value: true }],
      evidence: [{ description: `evidence for criterion ${c.code}` }],
    }),
    ctx,
  }));

const attach = (
  id: string,
  kinds: readonly string[],
  date: string,
  body: string,
  ctx: DecisionContext,
): JourneyStep[] =>
  kinds.map((k, i) => ({ command: cmd(id, 'AttachDocument', doc(k, i + 1, date, body)), ctx }));

const COMMUNE_DOCS = [
  'self_assessment_report',
  'notice_record',
  'comments_summary',
  'poll_report',
  'proposal_meeting_minutes',
  'construction_debt_report',
  'security_confirmation',
  'submission_letter',
];
const TIER_KIND = { ntm: 'COMMUNE_NTM', advanced: 'COMMUNE_ADVANCED', model: 'COMMUNE_MODEL' } as const;
const PRIOR_TIER = {
  ntm: null,
  advanced: { tier: 'ntm' as const, decisionNo: '2315/QĐ-UBND' },
  model: { tier: 'advanced' as const, decisionNo: '1880/QĐ-UBND' },
};

function verificationResults(kind: DossierKind, date: string) {
  return criteriaSetFor(kind, date).criteria.map((c) => ({ code: c.code, met: true }));
}

/** A commune dossier of any tier from opening to announcement, under the 2022 (v1) or the two-tier (v2) procedure. */
export function communeJourney(tier: Tier, version: 1 | 2): Journey {
  const id = `commune-${tier}-v${version}`;
  const kind = TIER_KIND[tier];
  const y = version === 1 ? '2024' : '2025';
  const m = version === 1 ? ['04', '05', '06'] : ['08', '09', '10'];
  const d = (month: 0 | 1 | 2, day: string) => `${y}-${m[month]}-${day}`;
  const a = version === 1 ? ACTORS : { ...ACTORS, ...ACTORS_2025 };
  const unit = version === 1 ? TAN_LAP : QUANG_BACH;
  const ctx = (actor: DecisionContext['actor'], date: string): DecisionContext => ({
    now: at(date),
    actor,
    unitRecognition: PRIOR_TIER[tier],
  });
  const official = (date: string) => ctx(a.communeOfficial, date);
  const verifier = version === 1 ? ACTORS.districtVerifier : ACTORS_2025.provincialAppraiser;
  const present = COUNCIL_MEMBERS.slice(0, 8);
  const steps: JourneyStep[] = [
    {
      command: cmd(id, 'OpenDossier', {
        kind,
        unitCode: unit,
        year: Number(y),
        constructionDebt: { outstanding: false },
        securityClassification: 'safe_for_security_and_order',
      }),
      ctx: official(d(0, '01')),
    },
    ...selfAssessments(id, kind, d(0, '01'), official(d(0, '01'))),
    ...attach(id, COMMUNE_DOCS, d(0, '01'), `UBND xã ${unit}`, official(d(0, '01'))),
    {
      command: cmd(id, 'OpenPublicNotice', { channel: 'commune_office', from: d(0, '02') }),
      ctx: official(d(0, '02')),
    },
    {
      command: cmd(id, 'RecordComment', {
        commentId: 'c1',
        receivedOn: d(0, '05'),
        text: 'Đề nghị làm rõ tiêu chí 2',
      }),
      ctx: official(d(0, '05')),
    },
    {
      command: cmd(id, 'RespondToComment', { commentId: 'c1', response: 'Đã bổ sung số liệu' }),
      ctx: official(d(0, '08')),
    },
    { command: cmd(id, 'ClosePublicNotice'), ctx: official(d(0, '17')) },
    {
      command: cmd(id, 'RecordPollTally', {
        villageId: `${unit}-ban-cuon`,
        households: 120,
        respondents: 110,
        satisfied: 105,
      }),
      ctx: ctx(a.frontOfficer, d(0, '20')),
    },
    {
      command: cmd(id, 'RecordPollTally', {
        villageId: `${unit}-na-ha`,
        households: 80,
        respondents: 70,
        satisfied: 66,
      }),
      ctx: ctx(a.frontOfficer, d(0, '20')),
    },
    {
      command: cmd(id, 'IssuePollReport', { reportNo: '12/BC-MTTQ', issuedOn: d(0, '22') }),
      ctx: ctx(a.frontOfficer, d(0, '22')),
    },
    {
      command: cmd(id, 'RecordProposalMeeting', {
        heldOn: d(0, '25'),
        attendees: 40,
        for: 38,
        against: 1,
        blank: 1,
      }),
      ctx: official(d(0, '25')),
    },
    { command: cmd(id, 'SubmitDossier', { letterNo: '45/TTr-UBND' }), ctx: official(d(0, '26')) },
    {
      command: cmd(id, 'RecordVerification', {
        reportNo: '88/BC-TT',
        criteria: verificationResults(kind, d(0, '01')),
      }),
      ctx: ctx(verifier, d(1, '06')),
    },
    ...(version === 1
      ? [
          {
            command: cmd(id, 'ForwardToProvince', { letterNo: '102/TTr-UBND' }),
            ctx: ctx(verifier, d(1, '08')),
          },
        ]
      : []),
    {
      command: cmd(id, 'RecordAppraisal', {
        reportNo: '31/BC-SNN',
        complete: true,
        fieldCheck: { heldOn: d(1, '15'), passed: true },
        criteria: verificationResults(kind, d(0, '01')).slice(0, 1),
      }),
      ctx: ctx(version === 1 ? ACTORS.provincialAppraiser : ACTORS_2025.provincialAppraiser2, d(1, '20')),
    },
    {
      command: cmd(id, 'RecordCouncilBallot', {
        heldOn: d(1, '28'),
        membersTotal: 9,
        presentMemberIds: present,
        recusedMemberIds: [],
        for: 8,
        against: 0,
        blank: 0,
      }),
      ctx: ctx(a.councilSecretary, d(1, '28')),
    },
    {
      command: cmd(id, 'DecideRecognition', {
        outcome: 'recognise',
        decisionNo: '1021/QĐ-UBND',
        decidedOn: d(1, '30'),
      }),
      ctx: ctx(a.provincialChairman, d(1, '30')),
    },
    {
      command: cmd(id, 'AnnounceRecognition', { announcedOn: d(2, '05') }),
      ctx: ctx(a.provincialChairman, d(2, '05')),
    },
  ];
  const returnStep = {
    command: cmd(id, 'ReturnDossier', {
      reasons: [{ code: 'CRITERION_NOT_MET', criterionCode: '2', detail: 'Giao thông chưa đạt' }],
    }),
    ctx: ctx(verifier, d(1, '06')),
  };
  return {
    name: `commune ${tier} v${version}`,
    dossierId: id,
    steps,
    detours: {
      returned: { after: 'submitted', step: returnStep },
      withdrawn: {
        after: 'preparing',
        step: {
          command: cmd(id, 'WithdrawDossier', { reason: 'Chưa đủ điều kiện' }),
          ctx: official(d(0, '03')),
        },
      },
      councilNotApproved: {
        after: 'appraised',
        step: {
          command: cmd(id, 'RecordCouncilBallot', {
            heldOn: d(1, '28'),
            membersTotal: 9,
            presentMemberIds: present,
            recusedMemberIds: [],
            for: 5,
            against: 3,
            blank: 0,
          }),
          ctx: ctx(a.councilSecretary, d(1, '28')),
        },
      },
      refused: {
        after: 'councilApproved',
        step: {
          command: cmd(id, 'DecideRecognition', {
            outcome: 'refuse',
            decisionNo: '1022/QĐ-UBND',
            decidedOn: d(1, '30'),
          }),
          ctx: ctx(a.provincialChairman, d(1, '30')),
        },
      },
    },
  };
}

/** A village dossier: the 2022 procedure (district chairman decides) or after the reform (commune chairman). */
export function villageJourney(version: 1 | 2): Journey {
  const id = `village-v${version}`;
  const a = version === 1 ? ACTORS : { ...ACTORS, ...ACTORS_2025 };
  const unit = version === 1 ? TAN_LAP : QUANG_BACH;
  const village = version === 1 ? `${TAN_LAP}-ban-cuon` : `${QUANG_BACH}-na-ha`;
  const y = version === 1 ? '2024' : '2025';
  const m = version === 1 ? '04' : '08';
  const d = (day: string) => `${y}-${m}-${day}`;
  const decider = version === 1 ? ACTORS.districtChairman : ACTORS_2025.communeChairman;
  const ctx = (actor: DecisionContext['actor'], date: string): DecisionContext => ({ now: at(date), actor });
  const head = ctx(a.villageHead, d('01'));
  return {
    name: `village v${version}`,
    dossierId: id,
    steps: [
      {
        command: cmd(id, 'OpenDossier', {
          kind: 'VILLAGE_NTM',
          unitCode: village,
          communeCode: unit,
          year: Number(y),
        }),
        ctx: head,
      },
      ...selfAssessments(id, 'VILLAGE_NTM', d('01'), head),
      ...attach(
        id,
        ['self_assessment_report', 'notice_record', 'proposal_meeting_minutes', 'submission_letter'],
        d('01'),
        `UBND xã ${unit}`,
        head,
      ),
      {
        command: cmd(id, 'OpenPublicNotice', { channel: 'loudspeaker', from: d('02') }),
        ctx: ctx(a.communeOfficial, d('02')),
      },
      { command: cmd(id, 'ClosePublicNotice'), ctx: ctx(a.communeOfficial, d('12')) },
      {
        command: cmd(id, 'RecordProposalMeeting', {
          heldOn: d('14'),
          attendees: 20,
          for: 19,
          against: 0,
          blank: 1,
        }),
        ctx: ctx(a.communeOfficial, d('14')),
      },
      {
        command: cmd(id, 'SubmitDossier', { letterNo: '12/TTr-UBND' }),
        ctx: ctx(a.communeOfficial, d('15')),
      },
      {
        command: cmd(id, 'DecideRecognition', {
          outcome: 'recognise',
          decisionNo: '501/QĐ-UBND',
          decidedOn: d('22'),
        }),
        ctx: ctx(decider, d('22')),
      },
      { command: cmd(id, 'AnnounceRecognition', { announcedOn: d('25') }), ctx: ctx(decider, d('25')) },
    ],
    detours: {
      returned: {
        after: 'submitted',
        step: {
          command: cmd(id, 'ReturnDossier', {
            reasons: [{ code: 'DOCUMENT_INVALID', detail: 'Biên bản thiếu chữ ký' }],
          }),
          ctx: ctx(decider, d('20')),
        },
      },
      withdrawn: {
        after: 'preparing',
        step: { command: cmd(id, 'WithdrawDossier', { reason: 'Thôn sáp nhập' }), ctx: head },
      },
      refused: {
        after: 'submitted',
        step: {
          command: cmd(id, 'DecideRecognition', {
            outcome: 'refuse',
            decisionNo: '502/QĐ-UBND',
            decidedOn: d('22'),
          }),
          ctx: ctx(decider, d('22')),
        },
      },
    },
  };
}

/** Revocation of Yên Thịnh's 2021 NTM recognition: before the reform the district assesses, after it the province. */
export function revocationJourney(version: 1 | 2): Journey {
  const id = `revocation-v${version}`;
  const y = version === 1 ? '2024' : '2025';
  const m = version === 1 ? '09' : '09';
  const d = (day: string) => `${y}-${m}-${day}`;
  const assessor = version === 1 ? ACTORS.districtVerifier : ACTORS_2025.provincialAppraiser;
  const chairman = version === 1 ? ACTORS.provincialChairman : ACTORS_2025.provincialChairman;
  const unit = version === 1 ? YEN_THINH : QUANG_BACH;
  const held = { tier: 'ntm' as const, decisionNo: '2315/QĐ-UBND' };
  const ctx = (actor: DecisionContext['actor'], date: string): DecisionContext => ({
    now: at(date),
    actor,
    unitRecognition: held,
  });
  const assessment = (failing: string[]) => ({
    reportNo: '7/BC-RS',
    trigger: 'annual_review',
    criteriaSetId: 'commune-ntm-2021-2025',
    totalCriteria: 19,
    failingCriteria: failing,
  });
  return {
    name: `revocation v${version}`,
    dossierId: id,
    steps: [
      {
        command: cmd(id, 'OpenDossier', {
          kind: 'REVOCATION',
          unitCode: unit,
          year: Number(y),
          targetRecognition: { ...held, decidedOn: '2021-12-20' },
        }),
        ctx: ctx(assessor, d('02')),
      },
      {
        command: cmd(
          id,
          'RecordRevocationAssessment',
          assessment(['1', '2', '3', '4', '5', '6', '7', '8', '9', '11']),
        ),
        ctx: ctx(assessor, d('03')),
      },
      ...attach(
        id,
        ['revocation_assessment_report', 'notice_record', 'comments_summary'],
        d('03'),
        'Sở NN',
        ctx(assessor, d('03')),
      ),
      {
        command: cmd(id, 'OpenPublicNotice', { channel: 'web_portal', from: d('04') }),
        ctx: ctx(assessor, d('04')),
      },
      { command: cmd(id, 'ClosePublicNotice'), ctx: ctx(assessor, d('19')) },
      { command: cmd(id, 'SubmitDossier', { letterNo: '9/TTr-SNN' }), ctx: ctx(assessor, d('20')) },
      {
        command: cmd(id, 'DecideRevocation', {
          outcome: 'revoke',
          decisionNo: '1500/QĐ-UBND',
          decidedOn: d('25'),
        }),
        ctx: ctx(chairman, d('25')),
      },
      { command: cmd(id, 'PublishRevocation', { publishedOn: d('27') }), ctx: ctx(chairman, d('27')) },
    ],
    detours: {
      dismissed: {
        after: 'assessing',
        step: {
          command: cmd(id, 'RecordRevocationAssessment', assessment(['1', '2'])),
          ctx: ctx(assessor, d('03')),
        },
      },
      kept: {
        after: 'submitted',
        step: {
          command: cmd(id, 'DecideRevocation', {
            outcome: 'keep',
            decisionNo: '1501/QĐ-UBND',
            decidedOn: d('25'),
          }),
          ctx: ctx(chairman, d('25')),
        },
      },
      withdrawn: {
        after: 'assessed',
        step: {
          command: cmd(id, 'WithdrawDossier', { reason: 'Xã đã khắc phục' }),
          ctx: ctx(assessor, d('03')),
        },
      },
    },
  };
}

/** Nam Cường, formed on 01/07/2025, asks the province to acknowledge its NTM status. */
export function postMergerJourney(): Journey {
  const id = 'post-merger-v1';
  const d = (day: string) => `2025-08-${day}`;
  const a = ACTORS_2025;
  const ctx = (actor: DecisionContext['actor'], date: string): DecisionContext => ({ now: at(date), actor });
  const official = ctx(a.namCuongOfficial, d('04'));
  return {
    name: 'post-merger acknowledgement v1',
    dossierId: id,
    steps: [
      {
        command: cmd(id, 'OpenDossier', {
          kind: 'POST_MERGER_ACKNOWLEDGEMENT',
          unitCode: NAM_CUONG,
          year: 2025,
          predecessors: [
            { code: '02023', tier: 'ntm', decisionNo: '300/QĐ-UBND' },
            { code: '02026', tier: 'ntm', decisionNo: '301/QĐ-UBND' },
            { code: '02029', tier: null },
          ],
        }),
        ctx: official,
      },
      ...selfAssessments(id, 'POST_MERGER_ACKNOWLEDGEMENT', d('04'), official),
      ...attach(
        id,
        ['merger_status_report', 'self_assessment_report', 'submission_letter'],
        d('04'),
        'UBND xã Nam Cường',
        official,
      ),
      {
        command: cmd(id, 'SubmitDossier', { letterNo: '3/TTr-UBND' }),
        ctx: ctx(a.namCuongOfficial, d('05')),
      },
      {
        command: cmd(id, 'RecordAppraisal', {
          reportNo: '5/BC-SNNMT',
          complete: true,
          fieldCheck: { heldOn: d('12'), passed: true },
          criteria: [],
        }),
        ctx: ctx(a.provincialAppraiser, d('14')),
      },
      {
        command: cmd(id, 'RecordCouncilBallot', {
          heldOn: d('20'),
          membersTotal: 9,
          presentMemberIds: COUNCIL_MEMBERS.slice(0, 9),
          recusedMemberIds: ['hd-tv-9'],
          for: 8,
          against: 0,
          blank: 0,
        }),
        ctx: ctx(a.councilSecretary, d('20')),
      },
      {
        command: cmd(id, 'DecideAcknowledgement', {
          outcome: 'acknowledge',
          tier: 'ntm',
          decisionNo: '2001/QĐ-UBND',
          decidedOn: d('25'),
        }),
        ctx: ctx(a.provincialChairman, d('25')),
      },
    ],
    detours: {
      returned: {
        after: 'submitted',
        step: {
          command: cmd(id, 'ReturnDossier', {
            reasons: [{ code: 'DOCUMENT_MISSING', detail: 'Thiếu báo cáo' }],
          }),
          ctx: ctx(a.provincialAppraiser, d('10')),
        },
      },
      withdrawn: {
        after: 'preparing',
        step: { command: cmd(id, 'WithdrawDossier', { reason: 'Nộp lại năm sau' }), ctx: official },
      },
      councilNotApproved: {
        after: 'appraised',
        step: {
          command: cmd(id, 'RecordCouncilBallot', {
            heldOn: d('20'),
            membersTotal: 9,
            presentMemberIds: COUNCIL_MEMBERS.slice(0, 7),
            recusedMemberIds: [],
            for: 4,
            against: 3,
            blank: 0,
          }),
          ctx: ctx(a.councilSecretary, d('20')),
        },
      },
      refused: {
        after: 'councilApproved',
        step: {
          command: cmd(id, 'DecideAcknowledgement', {
            outcome: 'refuse',
            decisionNo: '2002/QĐ-UBND',
            decidedOn: d('25'),
          }),
          ctx: ctx(a.provincialChairman, d('25')),
        },
      },
    },
  };
}

/** Every journey: one per workflow id and version. */
export function allJourneys(): Journey[] {
  return [
    villageJourney(1),
    villageJourney(2),
    ...(['ntm', 'advanced', 'model'] as const).flatMap((t) => [communeJourney(t, 1), communeJourney(t, 2)]),
    revocationJourney(1),
    revocationJourney(2),
    postMergerJourney(),
  ];
}

/** A journey step that the decider refused: the fixture is out of step with the rules. */
export class JourneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JourneyError';
  }
}

/** Runs steps through the decider, stopping after the dossier first reaches `until` (if given). */
export function run(
  steps: readonly JourneyStep[],
  until?: string,
  start: DecidedEvent[] = [],
): { events: DecidedEvent[]; state: DossierState | undefined; now: string | Date | undefined } {
  const events = [...start];
  let state = events.length > 0 ? replay(events) : undefined;
  let now: string | Date | undefined;
  if (until !== undefined && state?.step === until) return { events, state, now };
  for (const { command, ctx } of steps) {
    const result = decide(state, command, ctx);
    if (!result.ok)
      throw new JourneyError(`${command.type} refused: ${result.error.code} ${result.error.message}`);
    events.push(...result.value);
    state = replay(events);
    now = ctx.now;
    if (until !== undefined && state.step === until) return { events, state, now };
  }
  if (until !== undefined) throw new JourneyError(`the journey never reaches ${until}`);
  return { events, state, now };
}

/**
 * The events that bring the journey's dossier to `step` (a main-path step or a detour), the state there, and the
 * instant of the last command (a later command should not be dated before it).
 */
export function reach(
  journey: Journey,
  step: string,
): { events: DecidedEvent[]; state: DossierState; now: string | Date } {
  const detour = journey.detours[step];
  const { events, state, now } = detour
    ? run([detour.step], step, reach(journey, detour.after).events)
    : run(journey.steps, step);
  return { events, state: state as DossierState, now: (detour ? detour.step.ctx.now : now) ?? '' };
}

/** An actor of `role` for this journey: the one that acts in it, else the fixture of the journey's period. */
export function actorFor(journey: Journey, role: Role): DomainActor {
  const inJourney = journey.steps.map((s) => s.ctx.actor).find((a) => a.role === role);
  const fixtures =
    journey.dossierId.endsWith('v2') || journey.dossierId.startsWith('post-merger')
      ? [...Object.values(ACTORS_2025), ...Object.values(ACTORS)]
      : Object.values(ACTORS);
  const actor = inJourney ?? fixtures.find((a) => a.role === role);
  if (!actor) throw new JourneyError(`no fixture actor has role ${role}`);
  return actor;
}
