/**
 * The Bắc Kạn administrative map 2021 → 2025 → Thái Nguyên, from the seed: province 06 and its 8 district-level
 * units until 30/06/2025, the 108 commune-level units, Vân Tùng's reclassification, and the 37 Thái Nguyên units
 * (province 19) that took them over on 01/07/2025.
 */
import type { LineageChange, UnitType, UnitVersion } from '../types.js';
import { UnitRegistry } from './UnitRegistry.js';
import { bacKanSeed, type BacKanSeed } from './bacKanSeed.js';
import { ReferenceDataError } from '../ReferenceDataError.js';
import { addCalendarDays } from '../calendar/addCalendarDays.js';

/**
 * First day the seed's unit list is taken to hold. The list is the GSO snapshot of 01/10/2022; Bắc Kạn's previous
 * merger round took effect in 2020, so the list is assumed unchanged since the 2021-2025 programme began [I].
 */
export const BAC_KAN_LIST_VALID_FROM = '2021-01-01';
/** Last day of Bắc Kạn province and of every district (two-tier local government from 01/07/2025). */
export const BAC_KAN_LAST_DAY = '2025-06-30';
export const THAI_NGUYEN_FROM = '2025-07-01';
/** District-level units that are cities (thành phố), not districts (huyện). */
const CITY_CODES = new Set(['058']);

/** Reclassifications the seed records only as prose, as data keyed by code. */
export const BAC_KAN_RECLASSIFICATIONS: readonly {
  code: string;
  effectiveDate: string;
  type: UnitType;
  name: string;
  /** the unit before the change (the national list of 01/03/2025 has only the unit after it) */
  formerType: UnitType;
  formerName: string;
  basis: string;
}[] = [
  {
    code: '01954',
    effectiveDate: '2023-04-10',
    type: 'town',
    name: 'Thị trấn Vân Tùng',
    formerType: 'commune',
    formerName: 'Xã Vân Tùng',
    basis: 'NQ 722/NQ-UBTVQH15',
  },
];

const UNIT_TYPES: Record<'Xã' | 'Phường' | 'Thị trấn', UnitType> = {
  Xã: 'commune',
  Phường: 'ward',
  'Thị trấn': 'town',
};

function preReformUnits(seed: BacKanSeed): UnitVersion[] {
  const p = seed.province.gso_code;
  const versions: UnitVersion[] = [
    {
      code: p,
      name: seed.province.name,
      type: 'province',
      validFrom: BAC_KAN_LIST_VALID_FROM,
      validTo: BAC_KAN_LAST_DAY,
    },
  ];
  for (const d of seed.districts) {
    const type = CITY_CODES.has(d.code) ? 'city' : 'district';
    versions.push({
      code: d.code,
      name: d.name,
      type,
      parentCode: p,
      validFrom: BAC_KAN_LIST_VALID_FROM,
      validTo: BAC_KAN_LAST_DAY,
    });
    for (const u of d.units_2022) {
      const base = {
        code: u.code,
        parentCode: d.code,
        validFrom: BAC_KAN_LIST_VALID_FROM,
        validTo: BAC_KAN_LAST_DAY,
      };
      const change = BAC_KAN_RECLASSIFICATIONS.find((r) => r.code === u.code);
      if (!change) {
        versions.push({ ...base, name: u.name, type: UNIT_TYPES[u.type] });
        continue;
      }
      versions.push({
        ...base,
        name: u.name,
        type: UNIT_TYPES[u.type],
        validTo: addCalendarDays(change.effectiveDate, -1),
      });
      versions.push({
        ...base,
        name: change.name,
        type: change.type,
        validFrom: change.effectiveDate,
        basis: change.basis,
      });
    }
  }
  return versions;
}

function postReform(seed: BacKanSeed): { versions: UnitVersion[]; lineage: LineageChange[] } {
  const p = seed.province.merged_into.gso_code_after_1_7_2025;
  const basis = seed.province.merged_into.basis;
  const groups = new Map<string, { name: string; from: string[] }>();
  for (const u of seed.districts.flatMap((d) => d.units_2022)) {
    const group = groups.get(u.post_2025_code) ?? { name: u.post_2025_unit, from: [] };
    group.from.push(u.code);
    groups.set(u.post_2025_code, group);
  }
  // Cross-check the per-unit mapping against the seed's list of the 37 new units, by code and by size.
  const listed = seed.post_2025_units_from_former_bac_kan;
  const consistent =
    listed.count === groups.size &&
    listed.units.length === groups.size &&
    listed.units.every((n) => groups.get(n.new_code)?.from.length === n.former_bac_kan_units.length);
  if (!consistent)
    throw new ReferenceDataError('SEED_INVALID', 'post-2025 successors disagree with the per-unit mapping');

  const versions: UnitVersion[] = [
    { code: p, name: seed.province.merged_into.name, type: 'province', validFrom: THAI_NGUYEN_FROM, basis },
  ];
  const lineage: LineageChange[] = [
    { kind: 'merge', effectiveDate: THAI_NGUYEN_FROM, from: [seed.province.gso_code], to: [p], basis },
  ];
  for (const [code, g] of groups) {
    const type: UnitType = g.name.startsWith('Phường') ? 'ward' : 'commune';
    versions.push({ code, name: g.name, type, parentCode: p, validFrom: THAI_NGUYEN_FROM, basis });
    lineage.push({ kind: 'merge', effectiveDate: THAI_NGUYEN_FROM, from: g.from, to: [code], basis });
  }
  return { versions, lineage };
}

/** Builds the registry of former Bắc Kạn units and their Thái Nguyên successors from a (parsed) seed. */
export function loadBacKan(seed: BacKanSeed = bacKanSeed()): UnitRegistry {
  const post = postReform(seed);
  const reclassify: LineageChange[] = BAC_KAN_RECLASSIFICATIONS.map((r) => ({
    kind: 'reclassify',
    effectiveDate: r.effectiveDate,
    from: [r.code],
    to: [r.code],
    basis: r.basis,
  }));
  return new UnitRegistry([...preReformUnits(seed), ...post.versions], [...reclassify, ...post.lineage]);
}
