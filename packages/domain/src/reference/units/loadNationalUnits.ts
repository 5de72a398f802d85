/**
 * Every province's units, before and after the 01/07/2025 reorganisation, from the project's own reference file
 * (`src/data/vn-units-2025.json`, built by `pnpm units:build`): 63 provinces, 696 district-level and 10,047
 * commune-level units until 30/06/2025; 34 provinces and 3,321 commune-level units from 01/07/2025; and, as codes,
 * which pre-reform units each post-reform unit was formed from (Bắc Kạn's from its hand-checked seed). Built once, on
 * first use: the file is a compact list of tuples, so importing the package stays cheap.
 */
import type { LineageChange, UnitVersion } from '../types.js';
import { UnitRegistry } from './UnitRegistry.js';
import { BAC_KAN_RECLASSIFICATIONS, THAI_NGUYEN_FROM, BAC_KAN_LAST_DAY } from './loadBacKan.js';
import { addCalendarDays } from '../calendar/addCalendarDays.js';
import {
  NATIONAL_UNIT_TYPES,
  type NationalLineageRow,
  type NationalUnitRow,
  type NationalUnitsFile,
} from './nationalUnitsFile.js';
import data from '../../data/vn-units-2025.json' with { type: 'json' };

/**
 * First day the list of 01/03/2025 is taken to hold [I]. The snapshot does not carry the changes of 2021-2025 (the
 * 2023-2025 merger round among them), except Bắc Kạn's, which are applied by hand; so for a date before 2025 a
 * province's units are those of 2025 unless its own history is loaded.
 */
export const NATIONAL_LIST_VALID_FROM = '2021-01-01';
/** Last day of the three-tier map (districts abolished, provinces and communes merged from 01/07/2025). */
export const NATIONAL_LAST_DAY_BEFORE_REFORM = BAC_KAN_LAST_DAY;
export const NATIONAL_REFORM_DAY = THAI_NGUYEN_FROM;
/** Legal basis recorded on the post-reform units and their lineage. */
export const REFORM_BASIS =
  'NQ 202/2025/QH15 (provinces) and the 2025 commune-arrangement resolutions of the NA Standing Committee';

function version(row: NationalUnitRow, validFrom: string, validTo?: string): UnitVersion {
  const unitType = NATIONAL_UNIT_TYPES[row[2]];
  if (unitType === undefined)
    throw new Error(`vn-units-2025.json: unknown type index ${row[2]} for ${row[0]}`);
  // Plain assignments, not spreads: this runs for every one of the 14,000 rows at start-up.
  const v: UnitVersion = { code: row[0], name: row[1], type: unitType, validFrom };
  if (row[3] !== undefined) v.parentCode = row[3];
  if (validTo === undefined) v.basis = REFORM_BASIS;
  else v.validTo = validTo;
  return v;
}

/** The pre-reform versions, with the reclassifications known by hand split into their two periods. */
function beforeReform(rows: readonly NationalUnitRow[]): UnitVersion[] {
  return rows.flatMap((row) => {
    const v = version(row, NATIONAL_LIST_VALID_FROM, NATIONAL_LAST_DAY_BEFORE_REFORM);
    const change = BAC_KAN_RECLASSIFICATIONS.find((r) => r.code === v.code);
    if (!change) return [v];
    return [
      {
        ...v,
        name: change.formerName,
        type: change.formerType,
        validTo: addCalendarDays(change.effectiveDate, -1),
      },
      { ...v, name: change.name, type: change.type, validFrom: change.effectiveDate, basis: change.basis },
    ];
  });
}

/**
 * The 2025 lineage as changes: a unit kept whole under its own code is a `rename` (it continues, re-parented); any
 * other is a `merge` (the 2025 arrangement), with the units of which only a part went here in `partial`.
 */
function lineage(file: NationalUnitsFile): LineageChange[] {
  const changes: LineageChange[] = [];
  const reclassify = BAC_KAN_RECLASSIFICATIONS.map((r): LineageChange => ({
    kind: 'reclassify',
    effectiveDate: r.effectiveDate,
    from: [r.code],
    to: [r.code],
    basis: r.basis,
  }));
  const rows: NationalLineageRow[] = [...file.provinceLineage, ...file.lineage];
  for (const [to, from, partial] of rows) {
    const kept = from.length === 1 && from[0] === to && partial === undefined;
    changes.push({
      kind: kept ? 'rename' : 'merge',
      effectiveDate: NATIONAL_REFORM_DAY,
      from,
      to: [to],
      basis: REFORM_BASIS,
      ...(partial === undefined ? {} : { partial }),
    });
  }
  return [...reclassify, ...changes];
}

/** Builds the national registry from a reference file (the bundled one by default). */
export function loadNationalUnits(file: NationalUnitsFile = data as NationalUnitsFile): UnitRegistry {
  return new UnitRegistry(
    [...beforeReform(file.before.units), ...file.after.units.map((row) => version(row, NATIONAL_REFORM_DAY))],
    lineage(file),
  );
}

let cached: UnitRegistry | undefined;

/** The national registry, built on first use and shared (it is immutable). */
export function nationalUnits(): UnitRegistry {
  cached ??= loadNationalUnits();
  return cached;
}
