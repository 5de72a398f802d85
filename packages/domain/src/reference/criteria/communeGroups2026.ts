/**
 * Nhóm xã — the three commune groups of the 2026-2030 criteria (QĐ 51/2025/QĐ-TTg). Each criterion's thresholds
 * are set per group, so a 2026-2030 assessment is judged against the thresholds of the commune's group. Which group
 * a commune is in follows from facts about it, as the sources report the definitions (law-findings §3.4, SEC):
 * group 1 is checked first, then group 3, and group 2 is the rest.
 */
import type { RuleParameter } from '../types.js';

export type CommuneGroup2026 = 'group1' | 'group2' | 'group3';

/** What decides a commune's group; each fact is established by the province, outside the engine. */
export interface CommuneGroupFacts {
  /** next to an existing urban area and expected to urbanise */
  adjacentToUrbanAndUrbanising: boolean;
  /** agriculture makes up under 10 % of the commune's economy */
  agricultureShareUnder10Percent: boolean;
  /** planned as a new urban area */
  plannedAsUrban: boolean;
  /** a Region II or III commune in the ethnic-minority and mountain areas */
  regionIIorIIIEthnicMountain: boolean;
}

const SOURCE =
  'QĐ 51/2025/QĐ-TTg Annex I, as reported by thoibaotaichinhvietnam.vn (…-189751) and vneconomy.vn (law-findings §3.4)';

/** The definitions of the groups as data, with their source; the wording is a secondary source's. */
export const COMMUNE_GROUPS_2026: Readonly<Record<CommuneGroup2026, RuleParameter<string>>> = {
  group1: {
    value:
      'next to an existing urban area and expected to urbanise, or agriculture under 10 % of the economy, or planned as a new urban area',
    legalBasis: SOURCE,
    confirmed: true,
    note: 'secondary sources agree on the three alternatives; the annex text was not read',
  },
  group2: { value: 'every commune in neither group 1 nor group 3', legalBasis: SOURCE, confirmed: true },
  group3: {
    value: 'Region II and III communes in ethnic-minority and mountain areas',
    legalBasis: SOURCE,
    confirmed: true,
    note: 'which list of Region II/III communes applies to the merged communes of 2025 was not found',
  },
};

/**
 * The group of a commune from its facts. A commune that meets both a group 1 and the group 3 definition is put in
 * group 1: the sources list group 1 first and say nothing of the overlap, so this order is an assumption.
 */
export function communeGroup2026(facts: CommuneGroupFacts): CommuneGroup2026 {
  if (facts.adjacentToUrbanAndUrbanising || facts.agricultureShareUnder10Percent || facts.plannedAsUrban)
    return 'group1';
  return facts.regionIIorIIIEthnicMountain ? 'group3' : 'group2';
}

/** The overlap rule above, as a parameter a reader of the provenance can see is unconfirmed. */
export const COMMUNE_GROUP_OVERLAP: RuleParameter<'group1_first'> = {
  value: 'group1_first',
  legalBasis: SOURCE,
  confirmed: false,
  note: 'a commune meeting both the group 1 and the group 3 definitions: the sources do not say which applies',
};
