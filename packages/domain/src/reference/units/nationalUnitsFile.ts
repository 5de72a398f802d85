/**
 * The shape of `src/data/vn-units-2025.json`, the project's own national unit list, written by
 * `scripts/buildNationalUnits.ts`. Compact on purpose (it is parsed at start-up): a unit is a tuple, its type an
 * index into `NATIONAL_UNIT_TYPES`, its lineage codes only. No imports, so the build script can share it.
 */

/** Unit types by index, as stored in the file (a subset of `UnitType`). */
export const NATIONAL_UNIT_TYPES = [
  'province',
  'district',
  'city',
  'town',
  'commune',
  'ward',
  'special_zone',
] as const;

/** [code, name, type index, parent code (absent for a province)] */
export type NationalUnitRow = [string, string, number] | [string, string, number, string];

/** [post-reform code, pre-reform codes it was formed from, the subset of those of which only a part went] */
export type NationalLineageRow = [string, string[]] | [string, string[], string[]];

export interface NationalUnitsFile {
  source: string;
  /** the three-tier list (provinces, district-level, commune-level units) in force until 30/06/2025 */
  before: { asOf: string; units: NationalUnitRow[] };
  /** the two-tier list (provinces, commune-level units) from 01/07/2025 */
  after: { asOf: string; units: NationalUnitRow[] };
  /** [post-reform province, pre-reform provinces merged into it] */
  provinceLineage: [string, string[]][];
  lineage: NationalLineageRow[];
}
