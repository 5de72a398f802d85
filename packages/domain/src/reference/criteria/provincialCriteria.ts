/**
 * Bộ tiêu chí của tỉnh — what provinces set for themselves: the village NTM criteria (QĐ 263/QĐ-TTg leaves them to
 * the provinces) and, for the model tier, what counts as a smart village and a standout field (QĐ 319). Each province
 * lists its own sets here, by official code; a province that has none loaded falls back, with the reason recorded.
 *
 * To add a province: append a `ProvincialCriteria` to `PROVINCIAL_CRITERIA` with its code, its village sets (each
 * with `effectiveFrom`/`effectiveTo` and the decision it comes from) and, if loaded, its model-tier rules.
 */
import type { CriteriaSet, RuleParameter } from '../types.js';
import type { UnitRegistry } from '../units/UnitRegistry.js';
import { addCalendarDays } from '../calendar/addCalendarDays.js';
import { ReferenceDataError } from '../ReferenceDataError.js';
import { VILLAGE_BAC_KAN_2021, VILLAGE_BAC_KAN_2022_2025, villageCriteria } from './villageBacKan.js';
import type { ProvincialModelRules } from './communeModel2021.js';

export interface ProvincialCriteria {
  provinceCode: string;
  name: string;
  /** the province's village criteria sets, one per period */
  village: readonly CriteriaSet[];
  /** the province's smart-village and standout-field criteria for the model tier, once loaded */
  model?: ProvincialModelRules | undefined;
}

export const PROVINCIAL_CRITERIA: readonly ProvincialCriteria[] = [
  { provinceCode: '06', name: 'Bắc Kạn', village: [VILLAGE_BAC_KAN_2021, VILLAGE_BAC_KAN_2022_2025] },
];

/**
 * The village set of a province whose own criteria are not loaded: the 16-criteria structure of Bắc Kạn's QĐ 902
 * as a placeholder, every criterion unconfirmed, so a village dossier of any province can be carried while its
 * assessment says plainly that it does not rest on that province's decision.
 */
export const VILLAGE_NTM_FALLBACK: CriteriaSet = {
  id: 'village-ntm-fallback',
  version: 1,
  period: { from: 2021, to: 2025 },
  level: 'village',
  tier: 'ntm',
  issuer: '(none: the province has no village criteria loaded)',
  legalRef:
    'QĐ 263/QĐ-TTg (22/02/2022): village criteria are issued by each province; none loaded for this one',
  effectiveFrom: '2021-01-01',
  note: "Placeholder with the structure of Bắc Kạn's QĐ 902/2021; replace it by the province's own decision.",
  criteria: villageCriteria(false),
};

/** Where a dossier sits, for choosing a province's criteria. */
export interface CriteriaPlace {
  provinceCode: string;
  /** the commune, to find the province(s) it belonged to before a merger */
  communeCode?: string | undefined;
  units?: UnitRegistry | undefined;
}

/** A province's set as chosen for a place and a date, and why that one. */
export interface ProvincialChoice {
  set: CriteriaSet;
  /** `own`: the province's; `former_province`: the one the commune belonged to before a merger; `fallback` */
  source: 'own' | 'former_province' | 'fallback';
  basis: RuleParameter<string>;
}

const inForce = (s: CriteriaSet, date: string) =>
  s.effectiveFrom <= date && (s.effectiveTo === undefined || date <= s.effectiveTo);

const ownVillageSet = (provinceCode: string, date: string): CriteriaSet | undefined =>
  PROVINCIAL_CRITERIA.find((p) => p.provinceCode === provinceCode)?.village.find((s) => inForce(s, date));

/** The provinces a commune's predecessors belonged to, the day before each merger that formed it up to `date`. */
function formerProvinces(place: CriteriaPlace, date: string): string[] {
  const { communeCode, units } = place;
  if (!communeCode || !units) return [];
  const codes = new Set<string>();
  for (const link of units.predecessorsOf(communeCode)) {
    if (link.effectiveDate > date) continue;
    try {
      codes.add(units.provinceOf(link.code, addCalendarDays(link.effectiveDate, -1)).code);
    } catch (error) {
      if (!(error instanceof ReferenceDataError)) throw error;
    }
  }
  codes.delete(place.provinceCode);
  return [...codes].sort();
}

/**
 * The village criteria for a village of `place` on `date`: the province's own set in force; else, for a commune
 * formed from communes of one former province that had its own (Bắc Kạn's villages in Thái Nguyên after
 * 01/07/2025), that province's set, as continued in its former territory; else the fallback. Only the first is
 * confirmed as law.
 */
export function villageCriteriaFor(place: CriteriaPlace, date: string): ProvincialChoice {
  const own = ownVillageSet(place.provinceCode, date);
  if (own) {
    return {
      set: own,
      source: 'own',
      basis: { value: own.id, legalBasis: `${own.issuer}: ${own.legalRef}`, confirmed: true },
    };
  }
  const former = formerProvinces(place, date)
    .map((code) => ({ code, set: ownVillageSet(code, date) }))
    .filter((x): x is { code: string; set: CriteriaSet } => x.set !== undefined);
  if (former.length === 1 && former[0]) {
    const { code, set } = former[0];
    return {
      set,
      source: 'former_province',
      basis: {
        value: set.id,
        legalBasis: `${set.issuer}: ${set.legalRef}, in the former territory of province ${code}`,
        confirmed: false,
        note: `province ${place.provinceCode} has no village criteria loaded; the commune was formed from communes of province ${code}, whose decisions are assumed to continue there (NQ 190/2025/QH15, text not read)`,
      },
    };
  }
  return {
    set: VILLAGE_NTM_FALLBACK,
    source: 'fallback',
    basis: {
      value: VILLAGE_NTM_FALLBACK.id,
      legalBasis: VILLAGE_NTM_FALLBACK.legalRef,
      confirmed: false,
      note: `province ${place.provinceCode} has no village criteria loaded`,
    },
  };
}

/** The province's own model-tier rules (smart village, standout fields), when loaded. */
export function provincialModelRules(provinceCode: string): ProvincialModelRules | undefined {
  return PROVINCIAL_CRITERIA.find((p) => p.provinceCode === provinceCode)?.model;
}
