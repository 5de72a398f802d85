/**
 * Kế hoạch — the 2021-2025 plan the progress read model is measured against, derived from the domain's reference
 * data (`bacKanTargets()` and the seed's per-commune `known_status`), never copied. Province figures are the stated
 * totals; district figures are the communes and villages the roadmap lists per district for the period (additions,
 * not totals). The baseline is what was recognised before any dossier of this engine: per unit where the seed says
 * which commune (attributed to its district), and otherwise only as a province-level figure.
 */
import { bacKanSeed, bacKanTargets, type BacKanSeed } from '@ntm/domain';

export interface TierTargets {
  communesNtm?: number;
  communesAdvanced?: number;
  communesModel?: number;
  villagesNtm?: number;
}

/** A unit recognised before the period's dossiers, as the seed records it for that commune. */
export interface BaselineUnit {
  unitCode: string;
  districtCode: string;
  tier: 'ntm' | 'advanced' | 'model';
}

export interface ProgressTargets {
  provinceCode: string;
  period: { from: number; to: number };
  province: Required<TierTargets> & { districtUnits: number; communesTotal: number };
  /** by district code */
  districts: Record<string, TierTargets>;
  /**
   * Recognised before the period's dossiers (counted from `period.from`): `province` is the stated province figure,
   * `units` the part of it the seed attributes to named communes.
   */
  baseline: { province: Required<TierTargets>; units: BaselineUnit[] };
}

/** `known_status` markers of the seed that mean "recognised at this tier before the period's dossiers". */
const BASELINE_MARKERS: { prefix: string; tier: BaselineUnit['tier'] }[] = [
  { prefix: 'ntm_recognised_', tier: 'ntm' },
  { prefix: 'advanced_recognised_', tier: 'advanced' },
  { prefix: 'model_recognised_', tier: 'model' },
];

/** The progress targets and baseline of a (parsed) Bắc Kạn seed. */
export function progressTargetsFrom(seed: BacKanSeed = bacKanSeed()): ProgressTargets {
  const plan = bacKanTargets(seed);
  const districts: Record<string, TierTargets> = {};
  for (const d of plan.districts) {
    const t: TierTargets = {};
    if (d.communes.ntm.length > 0) t.communesNtm = d.communes.ntm.length;
    if (d.communes.advanced.length > 0) t.communesAdvanced = d.communes.advanced.length;
    if (d.communes.model.length > 0) t.communesModel = d.communes.model.length;
    if (d.villages2022To2025 !== undefined) t.villagesNtm = d.villages2022To2025;
    districts[d.districtCode] = t;
  }
  const units = seed.target_communes.flatMap((c) =>
    BASELINE_MARKERS.filter((m) => c.known_status.some((s) => s.startsWith(m.prefix))).map(
      (m): BaselineUnit => ({ unitCode: c.code, districtCode: c.district_code, tier: m.tier }),
    ),
  );
  return {
    provinceCode: plan.provinceCode,
    period: plan.period,
    province: {
      communesNtm: plan.stated.communesNtm,
      communesAdvanced: plan.stated.communesAdvanced,
      communesModel: plan.stated.communesModel,
      villagesNtm: plan.stated.villagesNtm,
      districtUnits: plan.stated.districtLevelUnits,
      communesTotal: plan.baseline.communesTotal,
    },
    districts,
    baseline: {
      province: {
        communesNtm: plan.baseline.communesNtm,
        communesAdvanced: plan.baseline.communesAdvanced,
        // The seed states no model commune before the period.
        communesModel: 0,
        villagesNtm: plan.baseline.villagesNtm,
      },
      units,
    },
  };
}

/** Bắc Kạn 2021-2025, from the bundled seed. */
export const BAC_KAN_TARGETS: ProgressTargets = progressTargetsFrom();
