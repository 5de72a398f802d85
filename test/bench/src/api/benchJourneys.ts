/** The load of the benchmarks: the scripted commune NTM journey (2022 procedure) moved to communes of Bắc Kạn. */
import { loadBacKan, nationalUnits, type DomainActor } from '@ntm/domain';
import { BAC_KAN, communeJourney, CHO_DON, relocate, TAN_LAP, type JourneyStep } from '@ntm/testing';

/** After the last date of the scripted journey, before the 2025 reform: every step stays lawful. */
export const BENCH_NOW = '2024-06-10T02:00:00.000Z';

/** The communes (not towns) of Bắc Kạn's districts on the benchmark's date, each with its district. */
export function benchCommunes(): { commune: string; district: string }[] {
  const on = BENCH_NOW.slice(0, 10);
  const units = loadBacKan();
  return ['058', '060', '061', '062', '063', '064', '065', '066'].flatMap((d) =>
    units
      .communesOf(d, on)
      .filter((c) => c.type === 'commune')
      .map((c) => ({ commune: c.code, district: d })),
  );
}

/** The scripted journey moved to another commune of the province: same steps, that commune's officials. */
export function journeyFor(commune: string, district: string): JourneyStep[] {
  const move = (actor: DomainActor): DomainActor =>
    actor.unit === TAN_LAP
      ? { ...actor, id: `${actor.id}-${commune}`, unit: commune }
      : actor.unit === CHO_DON
        ? { ...actor, id: `${actor.id}-${district}`, unit: district }
        : actor;
  return communeJourney('ntm', 1).steps.map((s) => ({
    command: JSON.parse(JSON.stringify(s.command).replaceAll(TAN_LAP, commune)) as JourneyStep['command'],
    ctx: { ...s.ctx, actor: move(s.ctx.actor) },
  }));
}

/** A commune with its district and province on the benchmark's date. */
export interface BenchCommune {
  commune: string;
  district: string;
  province: string;
}

/**
 * Every commune of the country on the benchmark's date, Bắc Kạn's first: for loads that run more journeys than
 * Bắc Kạn has communes (95), since a commune whose NTM dossier has been decided cannot open another.
 */
export function nationalBenchCommunes(): BenchCommune[] {
  const on = BENCH_NOW.slice(0, 10);
  const units = nationalUnits();
  const all = units
    .codes()
    .filter((code) => units.get(code, on)?.type === 'commune')
    .map((code) => ({
      commune: code,
      district: units.parentAt(code, on)!.code,
      province: units.provinceOf(code, on).code,
    }));
  return [...all.filter((c) => c.province === BAC_KAN), ...all.filter((c) => c.province !== BAC_KAN)];
}

/** The scripted journey moved to a commune anywhere: its officials, its district's and its province's. */
export function journeyTo(c: BenchCommune): JourneyStep[] {
  return relocate(communeJourney('ntm', 1).steps, {
    [TAN_LAP]: c.commune,
    [CHO_DON]: c.district,
    [BAC_KAN]: c.province,
  });
}
