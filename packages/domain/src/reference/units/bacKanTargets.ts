/**
 * Bắc Kạn's 2021-2025 NTM plan as data (QĐ 515 and 1414/QĐ-UBND of 2022): which communes aim for which tier, per
 * district, with the seed's stated totals kept beside the listed ones because they disagree (67 ≠ 21 + 52).
 */
import type { Tier } from '../../model.js';
import { bacKanSeed, type BacKanSeed } from './bacKanSeed.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/** The seed keys villages and counts by district short name; this table turns them into codes once. */
const DISTRICT_KEYS: Record<string, string> = {
  'TP Bắc Kạn': '058',
  'Pác Nặm': '060',
  'Ba Bể': '061',
  'Ngân Sơn': '062',
  'Bạch Thông': '063',
  'Chợ Đồn': '064',
  'Chợ Mới': '065',
  'Na Rì': '066',
};

export interface DistrictTargets {
  districtCode: string;
  name: string;
  /** communes (xã) in the district on 01/10/2022 */
  communesXa2022: number;
  /** commune codes targeted per tier in 2021-2025 */
  communes: Record<Tier, string[]>;
  /** villages to reach NTM 2022-2025; undefined where the plan sets none */
  villages2022To2025: number | undefined;
}

export interface BacKanTargets {
  provinceCode: string;
  period: { from: number; to: number };
  basis: string[];
  baseline: {
    /** after the 2021 round (seed part A) */
    communesNtm: number;
    communesAdvanced: number;
    villagesNtm: number;
    communesTotal: number;
    /** end-2020 baseline the 67 target is counted from (seed checks; the 6 recognised for 2021 are in the 52) */
    communesNtmEnd2020: number;
    districtLevelCompleted: string[];
  };
  /** totals as the seed states them; advanced is "more than 17" in the text and kept as >= 17 */
  stated: {
    communesNtm: number;
    communesAdvanced: number;
    communesModel: number;
    villagesNtm: number;
    districtLevelUnits: number;
  };
  /** district-level units to complete the NTM task (TP Bắc Kạn already done, Bạch Thông, Chợ Đồn) */
  districtLevelUnits: string[];
  districts: DistrictTargets[];
  /** all targeted commune codes per tier, and the village total, summed over districts */
  total: { communes: Record<Tier, string[]>; villages2022To2025: number };
}

function codeOf(key: string): string {
  const code = DISTRICT_KEYS[key];
  if (!code) throw new ReferenceDataError('SEED_INVALID', `unknown district key in seed: ${key}`, { key });
  return code;
}

/** The 2021-2025 plan for Bắc Kạn, built from the (parsed) seed. */
export function bacKanTargets(seed: BacKanSeed = bacKanSeed()): BacKanTargets {
  const t = seed.targets_2021_2025;
  const villages = new Map(
    Object.entries(t.villages_ntm.by_district_2022_2025).map(([k, n]) => [codeOf(k), n]),
  );
  const districts = seed.districts.map((d): DistrictTargets => {
    const targeted = (tier: Tier) =>
      seed.target_communes
        .filter((c) => c.district_code === d.code && c.targets_2021_2025.includes(tier))
        .map((c) => c.code);
    return {
      districtCode: d.code,
      name: d.name,
      communesXa2022: d.communes_xa_2022,
      communes: { ntm: targeted('ntm'), advanced: targeted('advanced'), model: targeted('model') },
      villages2022To2025: villages.get(d.code),
    };
  });
  const all = (tier: Tier) => districts.flatMap((d) => d.communes[tier]);
  return {
    provinceCode: seed.province.gso_code,
    period: { from: 2021, to: 2025 },
    basis: ['515/QĐ-UBND 04/04/2022', '1414/QĐ-UBND 29/07/2022'],
    baseline: {
      communesNtm: seed.baseline_stated_in_seed.communes_ntm,
      communesAdvanced: seed.baseline_stated_in_seed.communes_advanced,
      villagesNtm: seed.baseline_stated_in_seed.villages_ntm,
      communesTotal: seed.baseline_stated_in_seed.communes_total,
      communesNtmEnd2020: t.communes_ntm.stated_total - t.communes_ntm.stated_added_in_period,
      districtLevelCompleted: [codeOf('TP Bắc Kạn')],
    },
    stated: {
      communesNtm: t.communes_ntm.stated_total,
      communesAdvanced:
        seed.baseline_stated_in_seed.communes_advanced + t.communes_advanced.stated_added_in_period,
      communesModel: t.communes_model.stated_total,
      villagesNtm: t.villages_ntm.stated_total,
      districtLevelUnits: t.district_level.target_total,
    },
    districtLevelUnits: [codeOf('TP Bắc Kạn'), codeOf('Bạch Thông'), codeOf('Chợ Đồn')],
    districts,
    total: {
      communes: { ntm: all('ntm'), advanced: all('advanced'), model: all('model') },
      villages2022To2025: [...villages.values()].reduce((a, b) => a + b, 0),
    },
  };
}
