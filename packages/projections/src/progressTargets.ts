/**
 * Kế hoạch — the 2021-2025 plan the progress read model is measured against. Province figures are the stated
 * totals of the Bắc Kạn brief; district figures are the communes and villages the roadmap lists per district for
 * the period (additions, not totals: the seed gives no district baselines). Source: the reference data
 * `bac-kan-targets-2021-2025.json` (targets_2021_2025.*.listed_count_by_district).
 */
export interface TierTargets {
  communesNtm?: number;
  communesAdvanced?: number;
  communesModel?: number;
  villagesNtm?: number;
}

export interface ProgressTargets {
  provinceCode: string;
  period: { from: number; to: number };
  province: Required<TierTargets> & { districtUnits: number };
  /** by district code */
  districts: Record<string, TierTargets>;
}

export const BAC_KAN_TARGETS: ProgressTargets = {
  provinceCode: '06',
  period: { from: 2021, to: 2025 },
  province: { communesNtm: 67, communesAdvanced: 17, communesModel: 6, villagesNtm: 207, districtUnits: 3 },
  districts: {
    '058': { communesAdvanced: 2, communesModel: 1 },
    '060': { communesNtm: 3, villagesNtm: 49 },
    '061': { communesNtm: 4, communesAdvanced: 2, communesModel: 1, villagesNtm: 47 },
    '062': { communesNtm: 4, communesAdvanced: 2, communesModel: 1, villagesNtm: 37 },
    '063': { communesNtm: 10, communesAdvanced: 2, communesModel: 1 },
    '064': { communesNtm: 16, communesAdvanced: 3, communesModel: 1 },
    '065': { communesNtm: 6, communesAdvanced: 2, villagesNtm: 29 },
    '066': { communesNtm: 9, communesAdvanced: 2, communesModel: 1, villagesNtm: 40 },
  },
};
