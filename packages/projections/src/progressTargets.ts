/**
 * Kế hoạch — the 2021-2025 plan the progress read model is measured against, derived from the domain's reference
 * data (`bacKanTargets()`), never copied. Province figures are the stated
 * totals; district figures are the communes and villages the roadmap lists per district for the period (additions,
 * not totals). What was recognised before the engine is no constant here: it is imported into the log with its
 * decisions (`pnpm import:recognitions`, ADR 0027) and counted from there like any decision.
 */
import { bacKanSeed, bacKanTargets, type BacKanSeed } from '@ntm/domain';

export interface TierTargets {
  communesNtm?: number;
  communesAdvanced?: number;
  communesModel?: number;
  villagesNtm?: number;
}

export interface ProgressTargets {
  provinceCode: string;
  period: { from: number; to: number };
  province: Required<TierTargets> & { districtUnits: number; communesTotal: number };
  /** by district code */
  districts: Record<string, TierTargets>;
}

/** The progress targets of a (parsed) Bắc Kạn seed. */
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
  };
}

/** Bắc Kạn 2021-2025, from the bundled seed. */
export const BAC_KAN_TARGETS: ProgressTargets = progressTargetsFrom();
