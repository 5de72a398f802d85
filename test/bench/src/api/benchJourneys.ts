/** The load of the benchmarks: the scripted commune NTM journey (2022 procedure) moved to communes of Bắc Kạn. */
import { loadBacKan, type DomainActor } from '@ntm/domain';
import { communeJourney, CHO_DON, TAN_LAP, type JourneyStep } from '@ntm/testing';

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
