/**
 * Reading the 2025 "formed from" texts (thành lập trên cơ sở …): each post-reform unit names, in prose, the
 * pre-reform units it was formed from. Names, not codes, so they are matched inside the old province(s), with the
 * district the text names (or the districts named elsewhere in the same text) to tell repeated names apart. Pure
 * functions: the build script (`buildNationalUnits.ts`) does the I/O.
 */

/** Lower case, NFC, old-style tone marks moved (hoà → hòa, thuỵ → thụy), one kind of apostrophe and space. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/o([àáảãạ])/g, (_m, v: string) => `${toneOn('o', v)}a`)
    .replace(/o([èéẻẽẹ])/g, (_m, v: string) => `${toneOn('o', v)}e`)
    .replace(/(?<!q)u([ỳýỷỹỵ])/g, (_m, v: string) => `${toneOn('u', v)}y`) // not "quý": there qu is a consonant
    .replace(/\s+/g, ' ')
    .trim();
}

/** The tone of vowel `marked` (à, é, ỷ…) put on `base` instead. */
function toneOn(base: 'o' | 'u', marked: string): string {
  const tone = marked.normalize('NFD').slice(1); // the combining tone mark
  return `${base}${tone}`.normalize('NFC');
}

/**
 * Looser keys for names spelt differently in the two sources ("A Xan" / "Axan", "Ea Bar" / "EaBar", "Qui" / "Quy",
 * "Phương Liên - Trung Tự" / "Phương Liên Trung Tự"): `loose` drops spaces, hyphens and apostrophes, reads i as
 * y after q and "Nông trường" as "NT"; `ascii` also drops every diacritic and reads y as i. Used only when the exact name finds nothing, and reported.
 */
export const looseKey = (bare: string) =>
  normalizeName(bare)
    .replace(/nông trường/g, 'nt')
    .replace(/[\s'\-–.]/g, '')
    .replace(/qu([iìíỉĩị])/g, (_m, i: string) => `qu${'yỳýỷỹỵ'['iìíỉĩị'.indexOf(i)]}`);
export const asciiKey = (bare: string) =>
  looseKey(bare)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/y/g, 'i');

export const COMMUNE_PREFIXES = ['thị trấn', 'đặc khu', 'phường', 'xã'] as const;
export type CommunePrefix = (typeof COMMUNE_PREFIXES)[number];
const DISTRICT_PREFIXES = ['thành phố', 'thị xã', 'huyện', 'quận', 'tp.', 'tp'] as const;
const PROVINCE_PREFIXES = ['thành phố', 'thủ đô', 'tỉnh', 'tp.', 'tp'] as const;

function stripPrefix(name: string, prefixes: readonly string[]): { prefix?: string; bare: string } {
  const n = normalizeName(name);
  for (const p of prefixes) {
    if (n.startsWith(`${p} `)) return { prefix: p, bare: n.slice(p.length + 1).trim() };
  }
  return { bare: n };
}

/** "Xã Quang Trung" → { prefix: 'xã', bare: 'quang trung' }; no prefix when the text gives none. */
export const communeName = (name: string) => stripPrefix(name, COMMUNE_PREFIXES);
/** "Quận 5" → "5", "Thành phố Kon Tum" → "kon tum". */
export const districtBare = (name: string) => stripPrefix(name, DISTRICT_PREFIXES).bare;
/** "Tỉnh Thanh Hoá" / "Thủ Đô Hà Nội" / "TPHCM" → the bare province name. */
export function provinceBare(name: string): string {
  const bare = stripPrefix(name, PROVINCE_PREFIXES).bare;
  return bare === 'tphcm' || bare === 'hcm' ? 'hồ chí minh' : bare;
}

/** One item of a formed-from text. */
export interface FormedFromPart {
  /** the text as written */
  text: string;
  /** 'commune' (xã, phường, thị trấn, đặc khu or a bare name), 'district' (a whole huyện), 'kept' ("giữ nguyên") */
  kind: 'commune' | 'district' | 'kept';
  prefix?: CommunePrefix | undefined;
  bare: string;
  /** the district named beside it: "(huyện Trùng Khánh)" → "trùng khánh" */
  district?: string | undefined;
  /** "(phần còn lại …)", "(một phần …)": only part of the unit went here */
  partial: boolean;
}

/** Splits on commas outside parentheses (some texts leave a parenthesis open across commas). */
function topLevelItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items.map((s) => s.trim()).filter((s) => s.length > 0);
}

const DISTRICT_QUALIFIER = /^(huyện|quận|thị xã|thành phố|tp\.?)\s+(.+)$/;

/** Parses a formed-from text into its items. */
export function parseFormedFrom(text: string): FormedFromPart[] {
  return topLevelItems(text).map((item) => {
    const open = item.indexOf('(');
    const head = (open < 0 ? item : item.slice(0, open)).trim();
    const qualifiers = [...item.matchAll(/\(([^()]*)/g)].map((m) => normalizeName(m[1] ?? ''));
    const partial = qualifiers.some((q) => q.startsWith('phần') || q.startsWith('một phần'));
    const district = qualifiers.map((q) => DISTRICT_QUALIFIER.exec(q)?.[2]).find((d) => d !== undefined);
    const normalized = normalizeName(head);
    if (normalized === 'giữ nguyên') return { text: item, kind: 'kept', bare: '', partial: false };
    if (normalized.startsWith('huyện ')) {
      return { text: item, kind: 'district', bare: districtBare(head), partial };
    }
    const { prefix, bare } = communeName(head);
    return {
      text: item,
      kind: 'commune',
      prefix: prefix as CommunePrefix | undefined,
      bare,
      district,
      partial,
    };
  });
}

/** Levenshtein distance, for pairing the few names still unmatched with the units still uncovered. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
