/**
 * Which criteria set a dossier is judged against, by dossier kind and the date it is opened. Sets are picked by
 * their effective window; a kind with no set on that date is refused rather than judged by a neighbouring set.
 */
import type { DossierKind } from '../../model.js';
import type { CriteriaSet, RuleParameter } from '../types.js';
import { COMMUNE_NTM_2021_2025 } from './communeNtm2021.js';
import { COMMUNE_ADVANCED_2021_2025 } from './communeAdvanced2021.js';
import { COMMUNE_MODEL_2021_2025, communeModelSet } from './communeModel2021.js';
import { COMMUNE_NTM_2026_2030 } from './commune2026.js';
import { COMMUNE_MODERN_2026_2030 } from './communeModern2026.js';
import {
  PROVINCIAL_CRITERIA,
  provincialModelRules,
  VILLAGE_NTM_FALLBACK,
  villageCriteriaFor,
  type CriteriaPlace,
} from './provincialCriteria.js';
import { assertIsoDate } from '../calendar/isoDate.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/**
 * National candidate sets per kind. A merged commune's acknowledgement is judged by the NTM set in force [I]; a
 * revocation is judged by the set of the tier being revoked, so it has none of its own. No advanced or model tier is
 * described for 2026-2030 [I], so those kinds have no set after 14/02/2026. Village criteria are the provinces'
 * (`PROVINCIAL_CRITERIA`); without a province, the fallback.
 */
export const CRITERIA_SETS_BY_KIND: Readonly<Record<DossierKind, readonly CriteriaSet[]>> = {
  VILLAGE_NTM: [VILLAGE_NTM_FALLBACK],
  COMMUNE_NTM: [COMMUNE_NTM_2021_2025, COMMUNE_NTM_2026_2030],
  COMMUNE_ADVANCED: [COMMUNE_ADVANCED_2021_2025],
  COMMUNE_MODEL: [COMMUNE_MODEL_2021_2025],
  REVOCATION: [],
  POST_MERGER_ACKNOWLEDGEMENT: [COMMUNE_NTM_2021_2025, COMMUNE_NTM_2026_2030],
  // A complaint is judged on the decision's own dossier, whose set it names.
  COMPLAINT: [],
};

/** Every criteria set, for lookups by id: the national ones, the provinces' and the 2026-2030 modern pilot. */
export const ALL_CRITERIA_SETS: readonly CriteriaSet[] = [
  ...new Set([
    ...Object.values(CRITERIA_SETS_BY_KIND).flat(),
    ...PROVINCIAL_CRITERIA.flatMap((p) => p.village),
    COMMUNE_MODERN_2026_2030,
  ]),
];

const inForce = (s: CriteriaSet, onDate: string) =>
  s.effectiveFrom <= onDate && (s.effectiveTo === undefined || onDate <= s.effectiveTo);

/** The criteria set a dossier is judged against, and the basis of that choice, for the dossier's provenance. */
export interface CriteriaChoice {
  set: CriteriaSet;
  basis: RuleParameter<string>;
}

/** Whether a set's every criterion and indicator is confirmed; a set that is not gives provisional results. */
export function criteriaSetConfirmed(set: CriteriaSet): boolean {
  return set.criteria.every((c) => c.confirmed && c.indicators.every((i) => i.confirmed));
}

/** The basis of a national set: its decision, confirmed only when every criterion and indicator is. */
export function criteriaSetBasis(set: CriteriaSet): RuleParameter<string> {
  const indicators = set.criteria.flatMap((c) => c.indicators);
  const unconfirmed = indicators.filter((i) => !i.confirmed).length;
  const confirmed = criteriaSetConfirmed(set);
  return confirmed
    ? { value: set.id, legalBasis: `${set.issuer}: ${set.legalRef}`, confirmed }
    : {
        value: set.id,
        legalBasis: `${set.issuer}: ${set.legalRef}`,
        confirmed,
        note: `${set.criteria.filter((c) => !c.confirmed).length} of ${set.criteria.length} criteria and ${unconfirmed} of ${indicators.length} indicators unconfirmed`,
      };
}

/**
 * The criteria set for a dossier of `kind` opened on `onDate` at `place` (its province and commune), with the basis
 * of the choice: a village is judged on its province's criteria (`villageCriteriaFor`), a model commune on the
 * national set with its province's model rules merged in when loaded. Throws `CRITERIA_SET_NOT_FOUND`.
 */
export function criteriaChoiceFor(kind: DossierKind, onDate: string, place?: CriteriaPlace): CriteriaChoice {
  assertIsoDate(onDate);
  if (kind === 'VILLAGE_NTM' && place) {
    const chosen = villageCriteriaFor(place, onDate);
    if (chosen.source === 'own') return { set: chosen.set, basis: criteriaSetBasis(chosen.set) };
    return { set: chosen.set, basis: chosen.basis };
  }
  const found = CRITERIA_SETS_BY_KIND[kind].find((s) => inForce(s, onDate));
  if (!found) {
    throw new ReferenceDataError('CRITERIA_SET_NOT_FOUND', `no criteria set for ${kind} on ${onDate}`, {
      kind,
      date: onDate,
    });
  }
  const model = kind === 'COMMUNE_MODEL' && place ? provincialModelRules(place.provinceCode) : undefined;
  const set = model ? communeModelSet(model) : found;
  const basis = criteriaSetBasis(set);
  if (kind !== 'COMMUNE_MODEL' || !place || model) return { set, basis };
  // QĐ 319 leaves the smart village and the standout fields to each province: without its decision, the national
  // wording of M2 and M3 stands in for it, and the choice says so.
  const missing = `province ${place.provinceCode} has no smart-village or standout-field criteria loaded (QĐ 319/QĐ-TTg leaves them to the province): M2 and M3 are judged on the national wording`;
  return {
    set,
    basis: { ...basis, confirmed: false, note: basis.note ? `${basis.note}; ${missing}` : missing },
  };
}

/** The criteria set for a dossier of `kind` opened on `onDate` (at `place`); throws `CRITERIA_SET_NOT_FOUND`. */
export function criteriaSetFor(kind: DossierKind, onDate: string, place?: CriteriaPlace): CriteriaSet {
  return criteriaChoiceFor(kind, onDate, place).set;
}

/**
 * The last set of `kind` that came into force on or before `onDate`, even if it has closed since: a recognition at
 * a tier the programme no longer has is revoked on the set of its tier (`CLOSED_TIER_REVOCATION`).
 */
export function lastCriteriaSetOf(kind: DossierKind, onDate: string): CriteriaSet {
  assertIsoDate(onDate);
  const found = CRITERIA_SETS_BY_KIND[kind].filter((s) => s.effectiveFrom <= onDate).at(-1);
  if (!found) {
    throw new ReferenceDataError('CRITERIA_SET_NOT_FOUND', `no criteria set for ${kind} by ${onDate}`, {
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
