/** The commune journeys: NTM, advanced and model tiers, under the 2022 (v1) and the two-tier (v2) procedure. */
import { criteriaSetFor, type DecisionContext, type DossierKind, type Tier } from '@ntm/domain';
import { ACTORS, ACTORS_2025, COUNCIL_MEMBERS, QUANG_BACH, TAN_LAP, at } from '../fixtures.js';
import {
  attach,
  cmd,
  councilBallotSteps,
  selfAssessments,
  type Journey,
  type JourneyStep,
} from './journey.js';

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

/**
 * A commune dossier of any tier from opening to announcement, under the 2022 (v1) or the two-tier (v2) procedure;
 * `year` moves a v2 journey to another year (2026: the 2026-2030 criteria, the procedure unconfirmed).
 */
export function communeJourney(tier: Tier, version: 1 | 2, year?: number): Journey {
  const id = `commune-${tier}-v${version}${year === undefined ? '' : `-${year}`}`;
  const kind = TIER_KIND[tier];
  const y = year !== undefined ? String(year) : version === 1 ? '2024' : '2025';
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
      // Công bố: the district before the reform (law-findings §1.10), the province after it (unconfirmed).
      ctx: ctx(version === 1 ? ACTORS.districtChairman : a.provincialChairman, d(2, '05')),
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
      councilVoting: {
        after: 'appraised',
        step: councilBallotSteps(id, a.councilSecretary, d(1, '28'), {}, { close: false })[0]!,
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
