/**
 * `pnpm units:build [dir]` — builds the project's own national unit reference file from the shared source files
 * (`units-2025-03-01.json`, `units-2025-07-01.json`, `formed-from-2025.json`; folder from the argument or
 * `VN_UNITS_DIR`). Writes `src/data/vn-units-2025.json` (codes, names, types, parents, and the 2025 lineage as codes)
 * and `src/data/vn-units-2025-lineage.md` (what could not be matched, and where Bắc Kạn's hand-checked lineage was
 * kept). The source texts themselves are never copied into the repository. Re-runnable: same input, same output.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  asciiKey,
  communeName,
  editDistance,
  looseKey,
  districtBare,
  normalizeName,
  parseFormedFrom,
  provinceBare,
  type FormedFromPart,
} from './formedFrom.js';
import { NATIONAL_UNIT_TYPES, type NationalUnitsFile } from '../src/reference/units/nationalUnitsFile.js';

interface Named {
  code: string;
  name: string;
  type: string;
}
interface Before {
  asOf: string;
  provinces: (Named & { districts: (Named & { communes: Named[] })[] })[];
}
interface After {
  asOf: string;
  provinces: (Named & { communes: Named[] })[];
}
interface FormedFrom {
  units: { id: string; name: string; parent: string | null; formedFrom: string }[];
}
interface BacKanSeed {
  province: { gso_code: string };
  districts: { units_2022: { code: string; post_2025_code: string }[] }[];
}

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '..', '..', '..');
const sourceDir = resolve(
  process.argv[2] ?? process.env['VN_UNITS_DIR'] ?? join(packageRoot, '../../../shared/data/vn-units'),
);
const outFile = join(packageRoot, 'src/data/vn-units-2025.json');
const reportFile = join(packageRoot, 'src/data/vn-units-2025-lineage.md');

const log = (line: string) => process.stderr.write(`${line}\n`);
const read = <T>(file: string): T => JSON.parse(readFileSync(join(sourceDir, file), 'utf8')) as T;

if (!existsSync(join(sourceDir, 'formed-from-2025.json'))) {
  log(`no formed-from-2025.json in ${sourceDir}: pass the vn-units folder as the argument or VN_UNITS_DIR`);
  process.exit(1);
}

log(`reading ${sourceDir}`);
const before = read<Before>('units-2025-03-01.json');
const after = read<After>('units-2025-07-01.json');
const formed = read<FormedFrom>('formed-from-2025.json');
const seed = JSON.parse(
  readFileSync(join(packageRoot, 'src/data/bac-kan-targets-2021-2025.json'), 'utf8'),
) as BacKanSeed;

const TYPE: Record<string, (typeof NATIONAL_UNIT_TYPES)[number]> = {
  Tỉnh: 'province',
  'Thành phố Trung ương': 'province',
  Huyện: 'district',
  Quận: 'district',
  'Thị xã': 'town',
  'Thành phố': 'city',
  Xã: 'commune',
  Phường: 'ward',
  'Thị trấn': 'town',
  'Đặc khu': 'special_zone',
};
const typeIndex = (t: string, level: 'province' | 'other'): number => {
  const type = level === 'province' ? 'province' : TYPE[t];
  if (type === undefined) throw new Error(`unknown unit type ${t}`);
  return NATIONAL_UNIT_TYPES.indexOf(type);
};

// ---- pre-reform index: communes by bare name, per old province -------------------------------------------------
interface OldCommune {
  code: string;
  name: string;
  prefix: string | undefined;
  bare: string;
  district: { code: string; name: string; bare: string };
  province: string;
}
const oldCommunes: OldCommune[] = [];
const oldDistricts = new Map<string, { code: string; name: string; province: string; communes: string[] }>();
const oldProvinceByBare = new Map<string, string>();
for (const p of before.provinces) {
  oldProvinceByBare.set(provinceBare(p.name), p.code);
  for (const d of p.districts) {
    oldDistricts.set(d.code, {
      code: d.code,
      name: d.name,
      province: p.code,
      communes: d.communes.map((c) => c.code),
    });
    for (const c of d.communes) {
      const { prefix, bare } = communeName(c.name);
      oldCommunes.push({
        code: c.code,
        name: c.name,
        prefix,
        bare,
        district: { code: d.code, name: d.name, bare: districtBare(d.name) },
        province: p.code,
      });
    }
  }
}
const oldByCode = new Map(oldCommunes.map((c) => [c.code, c]));

// ---- post-reform units: formed-from entries matched to codes by name inside the new province ----------------------
const newProvinceByBare = new Map(after.provinces.map((p) => [provinceBare(p.name), p]));
const formedProvinces = formed.units.filter((u) => u.parent === null);
const report = {
  unmatchedNew: [] as string[],
  notUnits: [] as string[],
  unmatchedParts: [] as string[],
  ambiguous: [] as string[],
  uncovered: [] as string[],
  codeNotAmongConstituents: [] as string[],
  bacKanDiffers: [] as string[],
  loose: [] as string[],
  byCode: [] as string[],
};

interface Resolution {
  newCode: string;
  newName: string;
  province: string;
  part: FormedFromPart;
  candidates: OldCommune[];
}
const resolutions: Resolution[] = [];
const provinceLineage: [string, string[]][] = [];
const newUnitsByCode = new Map<string, { name: string; province: string }>();
const newProvinceOfOld = new Map<string, string>();
const newProvinceOf = (oldProvince: string) => newProvinceOfOld.get(oldProvince);

formedProvinces.forEach((fp, i) => {
  const province = newProvinceByBare.get(provinceBare(fp.name));
  if (!province) throw new Error(`post-reform province ${fp.name} not in units-2025-07-01.json`);
  const oldProvinces =
    normalizeName(fp.formedFrom) === 'giữ nguyên'
      ? [oldProvinceByBare.get(provinceBare(fp.name))]
      : fp.formedFrom.split(/,| và /).map((s) => oldProvinceByBare.get(provinceBare(s.trim())));
  if (oldProvinces.some((p) => p === undefined)) throw new Error(`old provinces of ${fp.name} not all found`);
  const olds = oldProvinces as string[];
  provinceLineage.push([province.code, olds]);
  for (const o of olds) newProvinceOfOld.set(o, province.code);
  log(`[${i + 1}/${formedProvinces.length}] ${province.name} (${province.code}) from ${olds.join(', ')}`);

  const byFullName = new Map(province.communes.map((c) => [normalizeName(c.name), c]));
  const byBare = new Map(province.communes.map((c) => [communeName(c.name).bare, c]));
  const pool = oldCommunes.filter((c) => olds.includes(c.province));
  const index = (key: (bare: string) => string) => {
    const map = new Map<string, OldCommune[]>();
    for (const c of pool) map.set(key(c.bare), [...(map.get(key(c.bare)) ?? []), c]);
    return map;
  };
  const [poolByBare, poolByLoose, poolByAscii] = [index((b) => b), index(looseKey), index(asciiKey)];
  const lookUp = (bare: string, text: string, unit: string): OldCommune[] => {
    const exact = poolByBare.get(bare);
    if (exact) return exact;
    const loose = poolByLoose.get(looseKey(bare)) ?? poolByAscii.get(asciiKey(bare)) ?? [];
    if (loose.length > 0)
      report.loose.push(
        `${unit}: "${text}" read as ${loose.map((c) => `${c.name} (${c.code})`).join(' or ')}`,
      );
    return loose;
  };

  for (const unit of formed.units.filter((u) => u.parent === fp.id)) {
    const target = byFullName.get(normalizeName(unit.name)) ?? byBare.get(communeName(unit.name).bare);
    if (!target) {
      report.unmatchedNew.push(`${province.name}: ${unit.name}`);
      continue;
    }
    newUnitsByCode.set(target.code, { name: target.name, province: province.code });
    let inherited: string | undefined;
    for (const part of parseFormedFrom(unit.formedFrom)) {
      const p: FormedFromPart =
        part.kind === 'kept'
          ? { ...part, kind: 'commune', ...communeName(unit.name), prefix: undefined }
          : part;
      if (p.kind === 'district') {
        const districts = [...oldDistricts.values()].filter(
          (d) => olds.includes(d.province) && districtBare(d.name) === p.bare,
        );
        const communes = districts.flatMap((d) => d.communes.map((c) => oldByCode.get(c)!));
        resolutions.push({
          newCode: target.code,
          newName: target.name,
          province: province.code,
          part: p,
          candidates: communes,
        });
        if (communes.length === 0)
          report.notUnits.push(`${target.name} (${target.code}): "${p.text}" (a district with no communes)`);
        continue;
      }
      const all = lookUp(p.bare, p.text, `${target.name} (${target.code})`);
      const prefix = p.prefix ?? inherited;
      if (p.prefix) inherited = p.prefix;
      const typed = prefix ? all.filter((c) => c.prefix === prefix) : all;
      let candidates = typed.length > 0 ? typed : all;
      if (p.district !== undefined && candidates.length > 1) {
        const inDistrict = candidates.filter((c) => c.district.bare === p.district);
        if (inDistrict.length > 0) candidates = inDistrict;
      }
      if (all.length === 0 && p.prefix === undefined && !/^\d/.test(p.bare) && p.bare.split(' ').length > 3) {
        report.notUnits.push(`${target.name} (${target.code}): "${p.text}"`);
        continue;
      }
      resolutions.push({
        newCode: target.code,
        newName: target.name,
        province: province.code,
        part: p,
        candidates,
      });
    }
  }
});

// ---- narrowing repeated names: districts named in the same text, then siblings' districts, then what is taken ----
log('resolving repeated names');
const byUnit = new Map<string, Resolution[]>();
for (const r of resolutions) byUnit.set(r.newCode, [...(byUnit.get(r.newCode) ?? []), r]);
const narrow = (r: Resolution, keep: (c: OldCommune) => boolean) => {
  const kept = r.candidates.filter(keep);
  if (kept.length > 0 && kept.length < r.candidates.length) r.candidates = kept;
};
for (const rs of byUnit.values()) {
  const named = new Set(rs.map((r) => r.part.district).filter((d) => d !== undefined));
  for (const r of rs)
    if (r.part.kind === 'commune' && r.candidates.length > 1) narrow(r, (c) => named.has(c.district.bare));
  const siblingDistricts = new Set(
    rs.filter((r) => r.candidates.length === 1).map((r) => r.candidates[0]!.district.code),
  );
  for (const r of rs)
    if (r.part.kind === 'commune' && r.candidates.length > 1)
      narrow(r, (c) => siblingDistricts.has(c.district.code));
}
for (let changed = true; changed;) {
  changed = false;
  const taken = new Set(
    resolutions
      .filter((r) => r.part.kind === 'commune' && r.candidates.length === 1 && !r.part.partial)
      .map((r) => r.candidates[0]!.code),
  );
  for (const r of resolutions) {
    if (r.part.kind !== 'commune' || r.candidates.length < 2) continue;
    const before = r.candidates.length;
    narrow(r, (c) => !taken.has(c.code));
    changed ||= r.candidates.length < before;
  }
}

// ---- last resort: an item that matches nothing, and a unit of its old province(s) that nothing reached, whose names
// differ by at most two letters once diacritics are dropped ("Xà Phìn" / "Sà Phìn"), and by no other pairing ----------
{
  const reached = new Set(resolutions.flatMap((r) => r.candidates.map((c) => c.code)));
  const unmatched = resolutions.filter((r) => r.part.kind === 'commune' && r.candidates.length === 0);
  const pairs = unmatched.map((r) => {
    const olds = [...newProvinceOfOld].filter(([, n]) => n === r.province).map(([o]) => o);
    const close = oldCommunes.filter(
      (c) =>
        olds.includes(c.province) &&
        !reached.has(c.code) &&
        editDistance(asciiKey(c.bare), asciiKey(r.part.bare)) <= 2,
    );
    return { r, close };
  });
  for (const { r, close } of pairs) {
    const only = close[0];
    if (close.length !== 1 || only === undefined) continue;
    if (pairs.filter((p) => p.close.some((c) => c.code === only.code)).length !== 1) continue;
    r.candidates = [only];
    report.loose.push(
      `${r.newName} (${r.newCode}): "${r.part.text}" read as ${only.name} (${only.code}), the one close name left`,
    );
  }
}

// ---- lineage per new unit; Bắc Kạn's hand-checked mapping wins where it differs -------------------------------------
const lineage = new Map<string, { from: Set<string>; partial: Set<string> }>();
const entry = (code: string) => {
  const e = lineage.get(code) ?? { from: new Set<string>(), partial: new Set<string>() };
  lineage.set(code, e);
  return e;
};
for (const r of resolutions) {
  if (r.part.kind === 'district' && r.candidates.length === 0) continue;
  if (r.candidates.length === 0) {
    report.unmatchedParts.push(`${r.newName} (${r.newCode}): "${r.part.text}"`);
    continue;
  }
  if (r.part.kind === 'commune' && r.candidates.length > 1) {
    report.ambiguous.push(
      `${r.newName} (${r.newCode}): "${r.part.text}" could be ${r.candidates.map((c) => `${c.name} (${c.code}, ${c.district.name})`).join(' or ')}`,
    );
    continue;
  }
  for (const c of r.candidates) {
    entry(r.newCode).from.add(c.code);
    if (r.part.partial) entry(r.newCode).partial.add(c.code);
  }
}
// A new unit takes the code of one of its constituents: an old unit with that code that no text reached is taken to
// be one (the texts misspell a few names beyond matching, e.g. "Xá Nhè" for Sáng Nhè).
{
  const reached = new Set([...lineage.values()].flatMap((e) => [...e.from]));
  for (const [newCode, unit] of newUnitsByCode) {
    const old = oldByCode.get(newCode);
    if (old && !reached.has(newCode) && newProvinceOf(old.province) === unit.province) {
      entry(newCode).from.add(newCode);
      report.byCode.push(`${unit.name} (${newCode}) formed from ${old.name} (${newCode}), by its code`);
    }
  }
}
const bacKan = seed.province.gso_code;
const seedTo = new Map(
  seed.districts.flatMap((d) => d.units_2022.map((u) => [u.code, u.post_2025_code] as const)),
);
for (const [newCode, e] of lineage) {
  for (const code of [...e.from]) {
    if (oldByCode.get(code)?.province !== bacKan) continue;
    if (seedTo.get(code) !== newCode) {
      report.bacKanDiffers.push(
        `${oldByCode.get(code)!.name} (${code}): matched to ${newCode}, the seed says ${seedTo.get(code)}`,
      );
      e.from.delete(code);
      e.partial.delete(code);
    }
  }
}
for (const [code, newCode] of seedTo) {
  if (!newUnitsByCode.has(newCode))
    throw new Error(`the Bắc Kạn seed names ${newCode}, not a post-reform unit`);
  if (!entry(newCode).from.has(code)) {
    report.bacKanDiffers.push(
      `${oldByCode.get(code)?.name ?? code} (${code}): added to ${newCode} from the seed`,
    );
    entry(newCode).from.add(code);
  }
}
const covered = new Set([...lineage.values()].flatMap((e) => [...e.from]));
for (const c of oldCommunes) {
  if (!covered.has(c.code))
    report.uncovered.push(`${c.name} (${c.code}), ${c.district.name}, province ${c.province}`);
}
for (const [newCode, e] of lineage) {
  const old = oldByCode.get(newCode);
  if (old && !e.from.has(newCode)) {
    report.codeNotAmongConstituents.push(
      `${newUnitsByCode.get(newCode)?.name} (${newCode}) reuses the code of ${old.name}, not among its constituents`,
    );
  }
}

// ---- write ------------------------------------------------------------------------------------------------------------
const file: NationalUnitsFile = {
  source:
    'Built by packages/domain/scripts/buildNationalUnits.ts from the GSO list of 01/03/2025 (as mirrored by daohoangson/dvhcvn) ' +
    'and the post-reform list and formed-from texts of thanglequoc/vietnamese-provinces-database (MIT); facts only.',
  before: {
    asOf: before.asOf,
    units: before.provinces.flatMap((p) => [
      [p.code, p.name, typeIndex(p.type, 'province')],
      ...p.districts.flatMap((d) => [
        [d.code, d.name, typeIndex(d.type, 'other'), p.code],
        ...d.communes.map((c) => [c.code, c.name, typeIndex(c.type, 'other'), d.code]),
      ]),
    ]) as NationalUnitsFile['before']['units'],
  },
  after: {
    asOf: after.asOf,
    units: after.provinces.flatMap((p) => [
      [p.code, p.name, typeIndex(p.type, 'province')],
      ...p.communes.map((c) => [c.code, c.name, typeIndex(c.type, 'other'), p.code]),
    ]) as NationalUnitsFile['after']['units'],
  },
  provinceLineage: provinceLineage.sort((a, b) => a[0].localeCompare(b[0])),
  lineage: [...lineage]
    .filter(([, e]) => e.from.size > 0)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([code, e]) => {
      const from = [...e.from].sort();
      const partial = [...e.partial].sort();
      return partial.length > 0 ? [code, from, partial] : [code, from];
    }),
};
writeFileSync(outFile, `${JSON.stringify(file)}\n`);

const section = (title: string, why: string, lines: string[]) =>
  `## ${title} (${lines.length})\n\n${why}\n\n${lines.length ? lines.map((l) => `- ${l}`).join('\n') : '(none)'}\n`;
writeFileSync(
  reportFile,
  [
    '# 2025 lineage: what the formed-from texts did not settle',
    '',
    'Generated by `pnpm units:build` (packages/domain/scripts/buildNationalUnits.ts); do not edit by hand. Counts: ' +
      `${oldCommunes.length} pre-reform commune-level units, ${newUnitsByCode.size} post-reform units matched, ` +
      `${file.lineage.length} lineage entries, ${covered.size} pre-reform units covered.`,
    '',
    section(
      'Post-reform units not found by name',
      'Formed-from entries with no unit of that name in the post-reform list.',
      report.unmatchedNew,
    ),
    section(
      'Pre-reform units with no successor',
      'Commune-level units that no formed-from text names (matched by name in the old province).',
      report.uncovered,
    ),
    section(
      'Items that match no unit',
      'Names with no commune of that name in the old province(s).',
      report.unmatchedParts,
    ),
    section(
      'Items left ambiguous',
      'A name that repeats inside the old province(s), with no district to tell the units apart.',
      report.ambiguous,
    ),
    section(
      'Items that are not administrative units',
      'Firing ranges, coastal flats, districts without communes: no code to carry.',
      report.notUnits,
    ),
    section(
      'Codes reused from a unit that went elsewhere',
      'The new unit took an old code, but not from one of its own constituents.',
      report.codeNotAmongConstituents,
    ),
    section(
      'Names read loosely',
      'Spelt differently in the two sources; matched ignoring spaces, hyphens and, failing that, diacritics.',
      report.loose,
    ),
    section(
      'Constituents found by code',
      'No text reached the old unit whose code the new unit took; it is taken as a constituent.',
      report.byCode,
    ),
    section(
      'Bắc Kạn: the hand-checked seed kept',
      'Where the matched lineage and the seed (bac-kan-targets-2021-2025.json) disagree, the seed wins.',
      report.bacKanDiffers,
    ),
  ].join('\n'),
);
log(
  `wrote ${outFile}: ${file.before.units.length} + ${file.after.units.length} units, ${file.lineage.length} lineage entries; ` +
    `uncovered ${report.uncovered.length}, ambiguous ${report.ambiguous.length}, unmatched ${report.unmatchedParts.length}, ` +
    `new units not found ${report.unmatchedNew.length}, Bắc Kạn differences ${report.bacKanDiffers.length}`,
);
