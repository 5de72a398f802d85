/** The revocation journey, before and after the 2025 reform. */
import type { DecisionContext } from '@ntm/domain';
import { ACTORS, ACTORS_2025, QUANG_BACH, YEN_THINH, at } from '../fixtures.js';
import { attach, cmd, type Journey } from './journey.js';

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
