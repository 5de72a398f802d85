/**
 * `pnpm bench:units`: start-up and look-up cost of the national unit reference data. Start-up: importing the domain
 * package and building the registry from the bundled file (each timed from a fresh process is the honest figure, so
 * this process times its own first load). Look-up: "which unit is responsible for this dossier on this date" —
 * `successorUnits(scope, 'commune' | 'province', date, registry)`, the function the decider, the policy and the inbox
 * use — for 100,000 random (unit, date) pairs, each timed; in the same run the baseline is a plain `Map.get` over the
 * same keys. Human lines first, then one JSON line.
 */
import { performance } from 'node:perf_hooks';

const PAIRS = 100_000;
const GOALS = { startupMs: 500, lookupP99Us: 20 };

// The reference file is a JSON module of the domain package: imported alone first, so its parse is timed apart
// from the rest of the package (XState, zod, the workflows), which any user of the domain loads anyway.
const t0 = performance.now();
const dataUrl = new URL('./data/vn-units-2025.json', import.meta.resolve('@ntm/domain'));
const { default: file } = (await import(dataUrl.href, { with: { type: 'json' } })) as {
  default: {
    before: { units: [string, string, number, string?][] };
    after: { units: [string, string, number, string?][] };
  };
};
const parsed = performance.now();
const domain = await import('@ntm/domain');
const imported = performance.now();
const units = domain.nationalUnits();
const built = performance.now();
// Start-up baseline, same run: the same rows into a plain Map (what a registry without history or lineage costs).
const plain = new Map<string, unknown>();
for (const row of [...file.before.units, ...file.after.units]) plain.set(`${row[0]}/${row[2]}`, row);
const plainBuilt = performance.now();

/** Deterministic pseudo-random numbers (mulberry32), so every run asks the same questions. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(2025);
const FIRST = domain.toDayNumber('2022-08-02');
const LAST = domain.toDayNumber('2026-12-31');

// Dossiers are opened for pre-reform communes (from 02/08/2022) or post-reform ones (from 01/07/2025); each is asked
// about on a random day between its opening window and the end of 2026, on either side of the cut-over.
const communes = units.codes().filter((c) => {
  const v = units.get(c, '2024-01-01') ?? units.get(c, '2025-07-01');
  return (
    v !== undefined &&
    ['commune', 'ward', 'town', 'special_zone'].includes(v.type) &&
    v.parentCode !== undefined
  );
});
const pairs = Array.from({ length: PAIRS }, () => {
  const code = communes[Math.floor(rand() * communes.length)]!;
  const opened = units.get(code, '2024-01-01') ? '2024-01-01' : '2025-07-01';
  const from = Math.max(FIRST, domain.toDayNumber(opened === '2024-01-01' ? '2022-08-02' : opened));
  const scope = {
    unitCode: code,
    communeCode: code,
    provinceCode: units.provinceOf(code, opened).code,
  };
  const date = domain.fromDayNumber(from + Math.floor(rand() * (LAST - from + 1)));
  return {
    scope,
    date,
    level: rand() < 0.5 ? ('commune' as const) : ('province' as const),
    key: `${code}@${date}`,
  };
});

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
function timeEach(op: (i: number) => unknown): { p50: number; p99: number; max: number; perSecond: number } {
  const times = new Float64Array(PAIRS);
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < PAIRS; i += 1) {
    const t = performance.now();
    const r = op(i);
    times[i] = (performance.now() - t) * 1000;
    if (r !== undefined) sink += 1;
  }
  const total = performance.now() - start;
  times.sort();
  if (sink < 0) console.log(sink);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times[PAIRS - 1]!,
    perSecond: Math.round(PAIRS / (total / 1000)),
  };
}

// Warm both paths once over the same keys, then measure.
const baselineMap = new Map(pairs.map((p) => [p.key, p.scope.communeCode]));
const lookup = (i: number) => {
  const p = pairs[i]!;
  return domain.successorUnits(p.scope, p.level, p.date, units);
};
for (let i = 0; i < PAIRS; i += 1) lookup(i);
const responsible = timeEach(lookup);
const baseline = timeEach((i) => baselineMap.get(pairs[i]!.key));
const unanswered = pairs.filter(
  (p) => domain.successorUnits(p.scope, p.level, p.date, units).length === 0,
).length;

const loadMs = () => parsed - t0 + built - imported;
const result = {
  bench: 'units',
  units: units.codes().length,
  pairs: PAIRS,
  startupMs: {
    parseFile: +(parsed - t0).toFixed(1),
    buildRegistry: +(built - imported).toFixed(1),
    total: +(parsed - t0 + built - imported).toFixed(1),
    baselinePlainMap: +(plainBuilt - built).toFixed(1),
    importRestOfDomain: +(imported - parsed).toFixed(1),
  },
  lookupUs: {
    p50: +responsible.p50.toFixed(2),
    p99: +responsible.p99.toFixed(2),
    max: +responsible.max.toFixed(1),
    perSecond: responsible.perSecond,
  },
  baselineMapGetUs: {
    p50: +baseline.p50.toFixed(2),
    p99: +baseline.p99.toFixed(2),
    max: +baseline.max.toFixed(1),
    perSecond: baseline.perSecond,
  },
  unanswered,
  goals: GOALS,
  met: { startup: loadMs() < GOALS.startupMs, lookupP99: responsible.p99 < GOALS.lookupP99Us },
};
console.log(
  `national units: ${result.units} codes; parse ${result.startupMs.parseFile} ms + registry ${result.startupMs.buildRegistry} ms ` +
    `(plain Map of the same rows ${result.startupMs.baselinePlainMap} ms; rest of the domain ${result.startupMs.importRestOfDomain} ms)`,
);
console.log(
  `successorUnits over ${PAIRS} (unit, date) pairs: p50 ${result.lookupUs.p50} µs, p99 ${result.lookupUs.p99} µs ` +
    `(${result.lookupUs.perSecond}/s); Map.get p50 ${result.baselineMapGetUs.p50} µs, p99 ${result.baselineMapGetUs.p99} µs; ` +
    `${unanswered} pairs with no unit on record`,
);
console.log(JSON.stringify(result));
