/**
 * Đơn vị hành chính — administrative units with their history. A code can name different units over time (the
 * 2025 reform reused old commune codes for the merged communes), so every question is asked "on a date".
 */
import type { DossierKind } from '../../model.js';
import type { LineageChange, UnitType, UnitVersion } from '../types.js';
import { assertIsoDate } from '../calendar/isoDate.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/** A unit that took over from another (successor) or that another took over from (predecessor). */
export interface LineageLink {
  code: string;
  kind: LineageChange['kind'];
  effectiveDate: string;
  basis: string;
}

export type IneligibilityCode =
  'UNIT_UNKNOWN' | 'UNIT_NOT_VALID_ON_DATE' | 'UNIT_TYPE_NOT_ELIGIBLE' | 'NO_MERGER_ON_RECORD';

export type Eligibility =
  { eligible: true } | { eligible: false; code: IneligibilityCode; reason: string; successors?: string[] };

const DISTRICT_LEVEL: readonly UnitType[] = ['district', 'city', 'town'];
const COMMUNE_LEVEL: readonly UnitType[] = ['commune', 'ward', 'town'];

/** ISO dates order as strings; `localeCompare` would collate them, at a cost a national list notices. */
const byDate = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function coversDate(v: UnitVersion, date: string): boolean {
  return v.validFrom <= date && (v.validTo === undefined || date <= v.validTo);
}

/** Answers questions about units on a date. Built from versions and lineage; validates them once. */
export class UnitRegistry {
  readonly #versions = new Map<string, UnitVersion[]>();
  /** lineage changes by the codes on each side, in date order: look-ups stay O(1) for a national list */
  readonly #bySide = { from: new Map<string, LineageChange[]>(), to: new Map<string, LineageChange[]>() };
  /** codes by the parent any of their versions names */
  readonly #children = new Map<string, Set<string>>();
  /** dates already checked: a look-up asks about a handful of days many times (bounded, cleared when full) */
  readonly #checkedDates = new Set<string>();

  constructor(versions: readonly UnitVersion[], lineage: readonly LineageChange[]) {
    // A national list repeats a handful of dates: each distinct one is checked once.
    const checked = new Set<string>();
    const iso = (d: string) => {
      if (!checked.has(d)) checked.add(assertIsoDate(d));
      return d;
    };
    for (const v of versions) {
      iso(v.validFrom);
      if (v.validTo !== undefined && iso(v.validTo) < v.validFrom) {
        throw new ReferenceDataError('UNIT_DATA_INVALID', `unit ${v.code} ends before it starts`, {
          code: v.code,
        });
      }
      const list = this.#versions.get(v.code) ?? [];
      list.push(v);
      this.#versions.set(v.code, list);
      if (v.parentCode !== undefined) {
        const children = this.#children.get(v.parentCode) ?? new Set<string>();
        children.add(v.code);
        this.#children.set(v.parentCode, children);
      }
    }
    for (const [code, list] of this.#versions) {
      list.sort((a, b) => byDate(a.validFrom, b.validFrom));
      for (let i = 1; i < list.length; i += 1) {
        const prevEnd = list[i - 1]!.validTo;
        if (prevEnd === undefined || prevEnd >= list[i]!.validFrom) {
          throw new ReferenceDataError('UNIT_DATA_INVALID', `versions of unit ${code} overlap`, { code });
        }
      }
    }
    for (const change of lineage) {
      iso(change.effectiveDate);
      const unknown = [...change.from, ...change.to].find((c) => !this.#versions.has(c));
      if (unknown !== undefined) {
        throw new ReferenceDataError('UNIT_DATA_INVALID', `lineage names unknown unit ${unknown}`, {
          code: unknown,
        });
      }
    }
    for (const change of [...lineage].sort((a, b) => byDate(a.effectiveDate, b.effectiveDate))) {
      for (const side of ['from', 'to'] as const) {
        for (const code of new Set(change[side])) {
          const list = this.#bySide[side].get(code) ?? [];
          list.push(change);
          this.#bySide[side].set(code, list);
        }
      }
    }
  }

  /** The version of `code` valid on `onDate`, or undefined when none is. */
  get(code: string, onDate: string): UnitVersion | undefined {
    this.#checkDate(onDate);
    return this.#versions.get(code)?.find((v) => coversDate(v, onDate));
  }

  /** Every code the registry knows, whatever its dates and level. */
  codes(): string[] {
    return [...this.#versions.keys()];
  }

  /** All versions of `code`, oldest first; throws `UNIT_NOT_FOUND`. */
  history(code: string): UnitVersion[] {
    const list = this.#versions.get(code);
    if (!list) throw new ReferenceDataError('UNIT_NOT_FOUND', `unknown unit code ${code}`, { code });
    return [...list];
  }

  /** The parent of `code` on `onDate` (undefined for a province); throws when `code` is not valid then. */
  parentAt(code: string, onDate: string): UnitVersion | undefined {
    const unit = this.#require(code, onDate);
    return unit.parentCode === undefined ? undefined : this.get(unit.parentCode, onDate);
  }

  /** Units that took over from `code` (merge, split, reclassification, rename), in date order. */
  successorsOf(code: string): LineageLink[] {
    this.history(code);
    return this.#links(code, 'from', 'to');
  }

  /** Units that `code` took over from, in date order. */
  predecessorsOf(code: string): LineageLink[] {
    this.history(code);
    return this.#links(code, 'to', 'from');
  }

  /**
   * Đơn vị kế thừa — the units that hold `code`'s affairs on `onDate`: the unit itself while it exists, else the
   * units it merged or split into that exist then (following later changes), sorted; empty when none is on record.
   */
  successorsOn(code: string, onDate: string): string[] {
    if (this.get(code, onDate)) return [code];
    return this.#versions.has(code) ? this.#currentSuccessors(code, onDate) : [];
  }

  /** Commune-level units (xã, phường, thị trấn) of a district-level unit on `onDate`. */
  communesOf(districtCode: string, onDate: string): UnitVersion[] {
    const district = this.#require(districtCode, onDate);
    if (
      !DISTRICT_LEVEL.includes(district.type) ||
      district.parentCode === undefined ||
      this.get(district.parentCode, onDate)?.type !== 'province'
    ) {
      throw new ReferenceDataError(
        'UNIT_WRONG_TYPE',
        `${districtCode} is not a district-level unit on ${onDate}`,
        { code: districtCode },
      );
    }
    const result: UnitVersion[] = [];
    for (const code of this.#children.get(districtCode) ?? []) {
      const v = this.get(code, onDate);
      if (v?.parentCode === districtCode && COMMUNE_LEVEL.includes(v.type)) result.push(v);
    }
    return result.sort((a, b) => a.code.localeCompare(b.code));
  }

  /** The district-level unit of a commune on `onDate`; undefined from 01/07/2025, when districts were abolished. */
  districtOf(communeCode: string, onDate: string): UnitVersion | undefined {
    const parent = this.parentAt(communeCode, onDate);
    return parent?.type === 'province' ? undefined : parent;
  }

  /** The province that contains `code` on `onDate` (the unit itself when it is a province). */
  provinceOf(code: string, onDate: string): UnitVersion {
    let unit = this.#require(code, onDate);
    while (unit.type !== 'province') {
      if (unit.parentCode === undefined) {
        throw new ReferenceDataError('UNIT_DATA_INVALID', `unit ${unit.code} has no province`, {
          code: unit.code,
        });
      }
      unit = this.#require(unit.parentCode, onDate);
    }
    return unit;
  }

  /**
   * Whether a dossier of `kind` may be opened for `code` on `onDate`, derived from history: only a commune (xã)
   * valid on that date qualifies; a village dossier (code "<commune>-<village>") needs its commune to be one; a
   * post-merger acknowledgement needs a merger into the unit on record.
   */
  eligibility(code: string, kind: DossierKind, onDate: string): Eligibility {
    this.#checkDate(onDate);
    const unitCode = kind === 'VILLAGE_NTM' ? (code.split('-')[0] ?? code) : code;
    const unit = this.get(unitCode, onDate);
    if (!unit) {
      if (!this.#versions.has(unitCode)) {
        return { eligible: false, code: 'UNIT_UNKNOWN', reason: `unknown unit code ${unitCode}` };
      }
      const successors = this.#currentSuccessors(unitCode, onDate);
      return {
        eligible: false,
        code: 'UNIT_NOT_VALID_ON_DATE',
        reason:
          `unit ${unitCode} does not exist on ${onDate}` +
          (successors.length ? `; its successor is ${successors.join(', ')}` : ''),
        successors,
      };
    }
    if (unit.type !== 'commune') {
      const basis = unit.basis ? ` (${unit.basis})` : '';
      return {
        eligible: false,
        code: 'UNIT_TYPE_NOT_ELIGIBLE',
        reason: `${unit.name} is a ${unit.type} on ${onDate}${basis}; only a commune (xã) can take a ${kind} dossier`,
      };
    }
    if (
      kind === 'POST_MERGER_ACKNOWLEDGEMENT' &&
      !(this.#bySide.to.get(unitCode) ?? []).some((c) => c.kind === 'merge' && c.effectiveDate <= onDate)
    ) {
      return {
        eligible: false,
        code: 'NO_MERGER_ON_RECORD',
        reason: `no merger into ${unitCode} on or before ${onDate}`,
      };
    }
    return { eligible: true };
  }

  #checkDate(onDate: string): void {
    if (this.#checkedDates.has(onDate)) return;
    assertIsoDate(onDate);
    if (this.#checkedDates.size >= 4096) this.#checkedDates.clear();
    this.#checkedDates.add(onDate);
  }

  #require(code: string, onDate: string): UnitVersion {
    const unit = this.get(code, onDate);
    if (unit) return unit;
    if (!this.#versions.has(code))
      throw new ReferenceDataError('UNIT_NOT_FOUND', `unknown unit code ${code}`, { code });
    throw new ReferenceDataError('UNIT_NOT_VALID_ON_DATE', `unit ${code} does not exist on ${onDate}`, {
      code,
      date: onDate,
    });
  }

  #links(code: string, side: 'from' | 'to', other: 'from' | 'to'): LineageLink[] {
    return (this.#bySide[side].get(code) ?? []).flatMap((c) =>
      c[other].map((o) => ({ code: o, kind: c.kind, effectiveDate: c.effectiveDate, basis: c.basis })),
    );
  }

  /** Follows merges and splits until units valid on `onDate` are reached. */
  #currentSuccessors(code: string, onDate: string, seen = new Set<string>()): string[] {
    seen.add(code);
    const result = new Set<string>();
    for (const link of this.#links(code, 'from', 'to')) {
      if (link.effectiveDate > onDate) continue;
      if (this.get(link.code, onDate)) result.add(link.code);
      else if (!seen.has(link.code))
        this.#currentSuccessors(link.code, onDate, seen).forEach((c) => result.add(c));
    }
    return [...result].sort();
  }
}
