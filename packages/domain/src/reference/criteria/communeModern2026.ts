/**
 * Xã nông thôn mới hiện đại (thí điểm) — the pilot modern NTM commune of QĐ 51/2025/QĐ-TTg Annex II. The annex was
 * not read (law-findings §3.1, §3.5): the set is the 2026-2030 NTM criteria, assumed to be a precondition as the
 * lower tier always was, plus one placeholder for the pilot's own criteria. Nothing here is evaluated as met until
 * the annex fills it in, and no dossier kind opens it: no procedure for the pilot was found.
 */
import type { CriteriaSet } from '../types.js';
import { criterion, indicator, perGroupUnknown } from './criteriaBuilders.js';
import { COMMUNE_NTM_2026_2030 } from './commune2026.js';

export const COMMUNE_MODERN_2026_2030: CriteriaSet = {
  id: 'commune-modern-2026-2030',
  version: 1,
  period: { from: 2026, to: 2030 },
  level: 'commune',
  tier: 'modern',
  issuer: 'Thủ tướng Chính phủ',
  legalRef: 'QĐ 51/2025/QĐ-TTg (29/12/2025) Annex II',
  effectiveFrom: '2026-02-15',
  note: 'Pilot framework; Annex II not read. The NTM 2026-2030 criteria are assumed as the precondition (H1 is a placeholder).',
  criteria: [
    ...COMMUNE_NTM_2026_2030.criteria,
    criterion(
      'H1',
      'Tiêu chí xã nông thôn mới hiện đại (thí điểm)',
      'Modern NTM commune pilot criteria',
      'modern pilot',
      [
        indicator(
          'H1.1',
          'pilot criteria of Annex II (not retrieved)',
          'unknown',
          '>=',
          perGroupUnknown(),
          false,
          'placeholder',
        ),
      ],
      false,
      'Annex II not read',
    ),
  ],
};
