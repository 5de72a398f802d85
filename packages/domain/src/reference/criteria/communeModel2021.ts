/**
 * Xã nông thôn mới kiểu mẫu 2021-2025 — a model commune meets the full advanced set (QĐ 318/QĐ-TTg Annex II) AND the
 * model additions of QĐ 319/QĐ-TTg. The smart-village model and the standout-field criteria are the province's to
 * define, so a province passes its own.
 */
import type { CriteriaSet, Criterion } from '../types.js';
import { criterion as c, everywhere, indicator as i } from './criteriaBuilders.js';
import { COMMUNE_ADVANCED_2021_2025 } from './communeAdvanced2021.js';

/** A province's own rules for the model tier (e.g. what counts as a smart village). */
export interface ProvincialModelRules {
  issuer: string;
  legalRef: string;
  /** replaces the national criteria with the same code, and adds the others */
  criteria: Criterion[];
}

const GROUP = 'model additions';

/** What QĐ 319 adds to the advanced set; codes "M1".."M3" so they never clash with the advanced "1".."19". */
export const COMMUNE_MODEL_ADDITIONS_2021_2025: readonly Criterion[] = [
  c(
    'M1',
    'Thu nhập',
    'Income above the advanced level',
    GROUP,
    [
      i(
        'M1.1',
        'income per head relative to the level required of advanced communes at review time',
        '% of advanced level',
        '>=',
        everywhere(110),
        true,
      ),
    ],
    true,
  ),
  c(
    'M2',
    'Thôn thông minh',
    'Smart village',
    GROUP,
    [
      i(
        'M2.1',
        'smart villages meeting the provincial model',
        'villages',
        '>=',
        everywhere(1),
        true,
        'the model itself is set by the province',
      ),
    ],
    true,
  ),
  c(
    'M3',
    'Lĩnh vực nổi trội',
    'Standout field',
    GROUP,
    [
      i(
        'M3.1',
        'fields (production, education, culture, tourism…) meeting the provincial standout criteria',
        'fields',
        '>=',
        everywhere(1),
        true,
      ),
    ],
    true,
  ),
];

/**
 * The model-commune criteria table: every advanced criterion, then the additions. Version 1 (same id) held the
 * additions only; dossiers opened under it pinned the codes M1..M3 in `DossierOpened` and keep them.
 */
export const COMMUNE_MODEL_2021_2025: CriteriaSet = {
  id: 'commune-model-2021-2025',
  version: 2,
  period: { from: 2021, to: 2025 },
  level: 'commune',
  tier: 'model',
  issuer: 'Thủ tướng Chính phủ',
  legalRef: `${COMMUNE_ADVANCED_2021_2025.legalRef}; QĐ 319/QĐ-TTg (08/03/2022)`,
  effectiveFrom: '2022-03-08',
  effectiveTo: '2026-02-14',
  note: 'Precondition: advanced status under the 2021-2025 set. The advanced criteria (1..19) must still be met, plus the model additions (M1..M3).',
  criteria: [...COMMUNE_ADVANCED_2021_2025.criteria, ...COMMUNE_MODEL_ADDITIONS_2021_2025],
};

/** The model-commune set with a province's own criteria merged in (same code replaces, new codes are added). */
export function communeModelSet(provincial: ProvincialModelRules): CriteriaSet {
  const overridden = new Set(provincial.criteria.map((x) => x.code));
  return {
    ...COMMUNE_MODEL_2021_2025,
    issuer: `${COMMUNE_MODEL_2021_2025.issuer}; ${provincial.issuer}`,
    legalRef: `${COMMUNE_MODEL_2021_2025.legalRef}; ${provincial.legalRef}`,
    criteria: [
      ...COMMUNE_MODEL_2021_2025.criteria.filter((x) => !overridden.has(x.code)),
      ...provincial.criteria,
    ],
  };
}
