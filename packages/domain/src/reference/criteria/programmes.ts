/**
 * Chương trình MTQG xây dựng nông thôn mới — the national target programmes and the tiers each one recognises. A
 * dossier is opened under the programme in force on its opening day; a tier that programme does not have (advanced
 * or model from 15/02/2026) is refused rather than judged by a neighbouring period's criteria. Sources:
 * law-findings-2026-12.md §3, recognition-procedure.md §0 and §4.6.
 */
import type { Tier } from '../../model.js';
import type { RuleParameter } from '../types.js';
import { assertIsoDate } from '../calendar/isoDate.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/** A recognition tier as the programmes name them: the three of 2021-2025 and the 2026-2030 modern pilot. */
export type ProgrammeTier = Tier | 'modern';

export interface Programme {
  id: string;
  title: string;
  titleVi: string;
  legalBasis: string[];
  /** first day its criteria are picked for new dossiers (ISO date) */
  effectiveFrom: string;
  /** last day, inclusive; undefined while in force */
  effectiveTo?: string | undefined;
  /** the tiers a commune can be recognised at under this programme */
  tiers: RuleParameter<readonly ProgrammeTier[]>;
  /** tiers run as a pilot only (no dossier kind yet: the procedure is not known) */
  pilotTiers: RuleParameter<readonly ProgrammeTier[]>;
}

const QD263 = 'QĐ 263/QĐ-TTg (22/02/2022)';
const QD318_321 = 'QĐ 318, 319, 320, 321/QĐ-TTg (08/03/2022)';
const NQ257 = 'NQ 257/2025/QH15 (11/12/2025)';
const QD51 = 'QĐ 51/2025/QĐ-TTg (29/12/2025)';

export const PROGRAMMES: readonly Programme[] = [
  {
    id: 'ntm-2021-2025',
    title: 'National target programme on new rural development 2021-2025',
    titleVi: 'Chương trình MTQG xây dựng nông thôn mới giai đoạn 2021-2025',
    legalBasis: ['NQ 25/2021/QH15 (28/07/2021)', QD263, QD318_321],
    effectiveFrom: '2021-01-01',
    effectiveTo: '2026-02-14',
    tiers: {
      value: ['ntm', 'advanced', 'model'],
      legalBasis: `${QD318_321} (commune NTM and advanced sets: QĐ 318; model: QĐ 319)`,
      confirmed: true,
      note: 'law-findings §2.1: QĐ 318 holds the NTM and advanced sets, QĐ 319 the model commune',
    },
    pilotTiers: { value: [], legalBasis: QD263, confirmed: true },
  },
  {
    id: 'ntm-2026-2030',
    title: 'Merged national target programme 2026-2035, phase I (2026-2030)',
    titleVi:
      'Chương trình MTQG xây dựng nông thôn mới, giảm nghèo bền vững và phát triển vùng DTTS&MN, giai đoạn I',
    legalBasis: [NQ257, QD51, 'QĐ 417/QĐ-BNNMT (31/01/2026)'],
    effectiveFrom: '2026-02-15',
    tiers: {
      value: ['ntm', 'modern'],
      legalBasis: `${QD51} Art. 1 (Annex I: commune NTM; Annex II: pilot modern NTM commune)`,
      confirmed: false,
      note: 'law-findings §3.5: no advanced or model tier is reported for 2026-2030; the absence is not proven from the annexes',
    },
    pilotTiers: {
      value: ['modern'],
      legalBasis: `${QD51} Annex II`,
      confirmed: true,
      note: 'a pilot framework ("xã nông thôn mới hiện đại"); its criteria and procedure were not read',
    },
  },
];

/** The programme in force on an ISO date; throws `PROGRAMME_NOT_FOUND` before 2021. */
export function programmeOn(isoDate: string): Programme {
  assertIsoDate(isoDate);
  const found = PROGRAMMES.find(
    (p) => p.effectiveFrom <= isoDate && (p.effectiveTo === undefined || isoDate <= p.effectiveTo),
  );
  if (!found)
    throw new ReferenceDataError('PROGRAMME_NOT_FOUND', `no programme in force on ${isoDate}`, {
      date: isoDate,
    });
  return found;
}

/**
 * A recognition at a tier the programme in force no longer has (an advanced or model commune after 14/02/2026) can
 * still be revoked: it is judged on the last criteria set of its tier, the one it was recognised under. No
 * transitional provision was found (law-findings §3.7), so this is a default.
 */
export const CLOSED_TIER_REVOCATION: RuleParameter<'last_set_of_tier'> = {
  value: 'last_set_of_tier',
  legalBasis: `${QD51}; transitional provisions not found (law-findings §3.7)`,
  confirmed: false,
  note: 'a recognition stays in force until revoked; judged on the 2021-2025 set of its tier, as when it was granted',
};
