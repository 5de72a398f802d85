/**
 * Which criteria set a dossier is judged against, by dossier kind and the date it is opened. Sets are picked by
 * their effective window; a kind with no set on that date is refused rather than judged by a neighbouring set.
 */
import type { DossierKind } from '../../model.js';
import type { CriteriaSet } from '../types.js';
import { COMMUNE_NTM_2021_2025 } from './communeNtm2021.js';
import { COMMUNE_ADVANCED_2021_2025 } from './communeAdvanced2021.js';
import { COMMUNE_MODEL_2021_2025 } from './communeModel2021.js';
import { VILLAGE_BAC_KAN_2021, VILLAGE_BAC_KAN_2022_2025 } from './villageBacKan.js';
import { COMMUNE_NTM_2026_2030 } from './commune2026.js';
import { assertIsoDate } from '../calendar/isoDate.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/**
 * Candidate sets per kind. A merged commune's acknowledgement is judged by the NTM set in force [I]; a revocation is
 * judged by the set of the tier being revoked, so it has none of its own. No advanced or model tier is described
 * for 2026-2030 [I], so those kinds have no set after 14/02/2026.
 */
export const CRITERIA_SETS_BY_KIND: Readonly<Record<DossierKind, readonly CriteriaSet[]>> = {
  VILLAGE_NTM: [VILLAGE_BAC_KAN_2021, VILLAGE_BAC_KAN_2022_2025],
  COMMUNE_NTM: [COMMUNE_NTM_2021_2025, COMMUNE_NTM_2026_2030],
  COMMUNE_ADVANCED: [COMMUNE_ADVANCED_2021_2025],
  COMMUNE_MODEL: [COMMUNE_MODEL_2021_2025],
  REVOCATION: [],
  POST_MERGER_ACKNOWLEDGEMENT: [COMMUNE_NTM_2021_2025, COMMUNE_NTM_2026_2030],
};

/** Every criteria set, for lookups by id. */
export const ALL_CRITERIA_SETS: readonly CriteriaSet[] = [
  ...new Set(Object.values(CRITERIA_SETS_BY_KIND).flat()),
];

/** The criteria set for a dossier of `kind` opened on `onDate`; throws `CRITERIA_SET_NOT_FOUND`. */
export function criteriaSetFor(kind: DossierKind, onDate: string): CriteriaSet {
  assertIsoDate(onDate);
  const found = CRITERIA_SETS_BY_KIND[kind].find(
    (s) => s.effectiveFrom <= onDate && (s.effectiveTo === undefined || onDate <= s.effectiveTo),
  );
  if (!found) {
    throw new ReferenceDataError('CRITERIA_SET_NOT_FOUND', `no criteria set for ${kind} on ${onDate}`, {
      kind,
      date: onDate,
    });
  }
  return found;
}

/** A criteria set by id; throws `CRITERIA_SET_NOT_FOUND`. */
export function criteriaSetById(id: string): CriteriaSet {
  const found = ALL_CRITERIA_SETS.find((s) => s.id === id);
  if (!found) throw new ReferenceDataError('CRITERIA_SET_NOT_FOUND', `no criteria set ${id}`, { id });
  return found;
}
