/** The village journey, before and after the 2025 reform. */
import type { DecisionContext, ProvincialProcedureRules, Role } from '@ntm/domain';
import {
  ACTORS,
  ACTORS_2025,
  BAC_KAN,
  COUNCIL_MEMBERS,
  QUANG_BACH,
  TAN_LAP,
  THAI_NGUYEN,
  at,
} from '../fixtures.js';
import { attach, cmd, selfAssessments, type Journey } from './journey.js';

/**
 * A province's own rules that put village dossiers before an appraisal council (TT 55/2023 budgets one). No
 * province's text is encoded, so tests switch it on for the province they run in.
 */
export function villageCouncilOn(
  provinceCode: string,
  effectiveFrom = '2022-08-02',
): ProvincialProcedureRules[] {
  return [
    {
      provinceCode,
      effectiveFrom,
      villageCouncil: {
        value: true,
        legalBasis: `test rules of province ${provinceCode}`,
        confirmed: false,
      },
    },
  ];
}

/**
 * A province's own rules that name who recognises villages (after the reform a provincial matter, findings §4.4).
 * No province's text is encoded, so tests name one for the province they run in.
 */
export function villageDeciderOf(
  provinceCode: string,
  role: Role,
  effectiveFrom = '2025-07-01',
): ProvincialProcedureRules[] {
  return [
    {
      provinceCode,
      effectiveFrom,
      villageDecider: {
        value: role,
        legalBasis: `test rules of province ${provinceCode}: the ${role} recognises villages`,
        confirmed: true,
      },
    },
  ];
}

/** A journey whose opening runs while the given provincial rules are in force (later steps are given none). */
export function openedUnder(journey: Journey, rules: ProvincialProcedureRules[]): Journey {
  return {
    ...journey,
    steps: journey.steps.map((s, i) => (i === 0 ? { ...s, ctx: { ...s.ctx, provincialRules: rules } } : s)),
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
  // Where the province holds a village appraisal council, it votes before the decision.
  const ballot = (inFavour: number) => ({
    command: cmd(id, 'RecordCouncilBallot', {
      heldOn: d('18'),
      membersTotal: 7,
      presentMemberIds: COUNCIL_MEMBERS.slice(0, 7),
      recusedMemberIds: [],
      for: inFavour,
      against: 7 - inFavour,
      blank: 0,
    }),
    ctx: {
      ...ctx(a.councilSecretary, d('18')),
      provincialRules: villageCouncilOn(version === 1 ? BAC_KAN : THAI_NGUYEN),
    },
  });
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
      councilApproved: { after: 'submitted', step: ballot(7) },
      councilNotApproved: { after: 'submitted', step: ballot(4) },
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
