/** A complaint against the 2025 revocation of Quảng Bạch's recognition, filed by the commune and resolved by the province. */
import type { DecisionContext } from '@ntm/domain';
import { ACTORS_2025, QUANG_BACH, at } from '../fixtures.js';
import { cmd, type Journey } from './journey.js';
import { reach } from './reach.js';
import { revocationJourney } from './revocationJourney.js';

/** The decision complained of: the revocation journey's, published on 2025-09-27 (decided 2025-09-25). */
export const complaintTargetState = () => reach(revocationJourney(2), 'published').state;

export function complaintJourney(): Journey {
  const id = 'complaint-on-revocation-v2';
  const target = complaintTargetState();
  const official = ACTORS_2025.communeOfficial;
  const chairman = ACTORS_2025.provincialChairman;
  const ctx = (actor: DecisionContext['actor'], date: string): DecisionContext => ({
    now: at(date),
    actor,
    complaintTarget: target,
  });
  const decide = (outcome: string, decisionNo: string, extra: Record<string, unknown> = {}) =>
    cmd(id, 'DecideComplaint', { outcome, decisionNo, decidedOn: '2025-10-20', ...extra });
  return {
    name: 'complaint v1',
    dossierId: id,
    steps: [
      {
        command: cmd(id, 'OpenDossier', {
          kind: 'COMPLAINT',
          unitCode: QUANG_BACH,
          year: 2025,
          complaint: {
            targetDossierId: target.id,
            complainant: { name: 'UBND xã Quảng Bạch', contact: 'ubnd@quangbach.example' },
            grounds: 'Tiêu chí 17 đã được khắc phục trước ngày rà soát',
          },
        }),
        ctx: ctx(official, '2025-10-01'),
      },
      {
        command: cmd(id, 'AcceptComplaint', { acceptedOn: '2025-10-03', complex: false, remoteArea: false }),
        ctx: ctx(chairman, '2025-10-03'),
      },
      { command: decide('annulled', '1700/QĐ-UBND'), ctx: ctx(chairman, '2025-10-20') },
    ],
    detours: {
      upheld: {
        after: 'accepted',
        step: { command: decide('upheld', '1701/QĐ-UBND'), ctx: ctx(chairman, '2025-10-20') },
      },
      amended: {
        after: 'accepted',
        step: {
          command: decide('amended', '1702/QĐ-UBND', { amendment: 'Thu hồi từ ngày 01/01/2026' }),
          ctx: ctx(chairman, '2025-10-20'),
        },
      },
      withdrawn: {
        after: 'filed',
        step: {
          command: cmd(id, 'WithdrawDossier', { reason: 'Xã rút đơn' }),
          ctx: ctx(official, '2025-10-02'),
        },
      },
    },
  };
}
