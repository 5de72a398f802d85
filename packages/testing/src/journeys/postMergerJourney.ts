/** The post-merger acknowledgement journey. */
import type { DecisionContext } from '@ntm/domain';
import { ACTORS_2025, COUNCIL_MEMBERS, NAM_CUONG, at } from '../fixtures.js';
import { attach, cmd, councilBallotSteps, selfAssessments, type Journey } from './journey.js';

/**
 * Nam Cường, formed on 01/07/2025 from three NTM communes (Xuân Lạc 02023, Nam Cường 02026, Đồng Lạc 02029), asks
 * the province to acknowledge its NTM status.
 */
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
            { code: '02029', tier: 'ntm', decisionNo: '302/QĐ-UBND' },
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
      councilVoting: {
        after: 'appraised',
        step: councilBallotSteps(id, a.councilSecretary, d('20'), {}, { close: false })[0]!,
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
