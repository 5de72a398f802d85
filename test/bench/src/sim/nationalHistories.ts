/**
 * The dossier histories of `pnpm sim:national`: the scripted journeys of @ntm/testing (every workflow, both
 * procedure versions) moved by code (`relocate`) to the communes and provinces of the national unit list
 * (`nationalUnits()`, ADR 0015), and run through the domain's `decide` one command at a time, as the API does. A
 * history the decider refuses is a bug of the generator and throws: nothing is appended that the domain would not
 * have accepted.
 *
 * Plans come in a fixed cycle (`PLAN_CYCLE`), each kind taking the next unit of its own list, so that even a tiny
 * run holds every kind and a large one spreads over every commune of the country:
 * - before the reform (dates 2023-2025, the 2022 procedure with district verification): village NTM, commune
 *   NTM (some returned and resubmitted), advanced, revocation, and commune dossiers submitted before 01/07/2025 and
 *   finished after it by the successor province (the cut-over, ADR 0018);
 * - after it (dates from 08/2025, the two-tier procedure): village NTM, commune NTM / advanced / model, revocation,
 *   and post-merger acknowledgement of a commune formed from several (its real predecessors, by code).
 * Deterministic: plan n always yields the same dossier id and commands, so an interrupted run resumes by skipping
 * the streams the store already has.
 */
import {
  decide,
  evolve,
  nationalUnits,
  replay,
  type DecidedEvent,
  type DecisionContext,
  type DomainActor,
  type DossierState,
} from '@ntm/domain';
import { toNewEvents } from '@ntm/application';
import { dossierStreamId, type NewEvent } from '@ntm/event-store';
import {
  BAC_KAN,
  CHO_DON,
  NAM_CUONG,
  QUANG_BACH,
  TAN_LAP,
  THAI_NGUYEN,
  YEN_THINH,
  communeJourney,
  postMergerJourney,
  relocate,
  revocationJourney,
  uuidFor,
  villageJourney,
  type JourneyStep,
} from '@ntm/testing';

/** The kinds of plan, in the order of the cycle. */
export const PLAN_CYCLE = [
  'village-v1',
  'commune-ntm-v1',
  'village-v1',
  'commune-ntm-v1-returned',
  'commune-advanced-v1',
  'village-v2',
  'commune-ntm-cutover',
  'revocation-v1',
  'commune-ntm-v2',
  'village-v2',
  'post-merger',
  'commune-advanced-v2',
  'commune-model-v2',
  'revocation-v2',
] as const;
export type PlanKind = (typeof PLAN_CYCLE)[number];

/** Kinds of the two-tier period, some of whose dossiers are still under way at `SIM_NOW`. */
const IN_FLIGHT = new Set<PlanKind>([
  'village-v2',
  'commune-ntm-v2',
  'post-merger',
  'commune-advanced-v2',
  'commune-model-v2',
  'revocation-v2',
]);

/** The instant the simulated API's clock is fixed at: after every generated date, in the two-tier period. */
export const SIM_NOW = '2025-12-15T02:00:00.000Z';

const BEFORE = '2024-01-01';
const AFTER = '2025-08-01';

interface PreCommune {
  code: string;
  district: string;
  province: string;
}
interface PostCommune {
  code: string;
  province: string;
}
interface MergedCommune extends PostCommune {
  predecessors: string[];
}

/** The communes of the country before and after the reform, by code; every 20th post-reform one is kept free. */
export interface NationalCommunes {
  before: PreCommune[];
  after: PostCommune[];
  merged: MergedCommune[];
  /** post-reform communes the simulation leaves without a commune dossier: the API load opens theirs */
  reserved: PostCommune[];
}

export function nationalCommunes(): NationalCommunes {
  const units = nationalUnits();
  const codes = units.codes();
  const before = codes
    .filter((c) => units.get(c, BEFORE)?.type === 'commune')
    .map((code) => ({
      code,
      district: units.parentAt(code, BEFORE)!.code,
      province: units.provinceOf(code, BEFORE).code,
    }));
  const allAfter = codes
    .filter((c) => units.get(c, AFTER)?.type === 'commune')
    .map((code) => ({ code, province: units.provinceOf(code, AFTER).code }));
  const beforeCodes = new Set(before.map((c) => c.code));
  // Reserved: new codes only (a code kept from before the reform may hold the simulation's recognitions).
  const reserved = allAfter.filter((c, i) => i % 20 === 19 && !beforeCodes.has(c.code));
  const after = allAfter.filter((_, i) => i % 20 !== 19);
  const isCommune = (c: string) => units.get(c, BEFORE)?.type === 'commune';
  const merged = after
    .map((c) => ({ ...c, predecessors: units.predecessorsOf(c.code).map((l) => l.code) }))
    .filter((c) => c.predecessors.length >= 2 && c.predecessors.every(isCommune));
  return { before, after, merged, reserved };
}

/** One generated dossier: its stream, the plan that made it, and its events as the API would append them. */
export interface SimDossier {
  n: number;
  plan: PlanKind;
  dossierId: string;
  streamId: string;
  events: NewEvent[];
  /** the dossier's step after its last event */
  step: string;
  workflow: { id: string; version: number } | undefined;
  /** units passed over for this plan, with the reason */
  passedOver: string[];
}

/** Dates of a journey moved by whole years (`2024-` → `2023-`), in its commands and its clock. */
function shiftYear(steps: readonly JourneyStep[], from: number, to: number): JourneyStep[] {
  if (from === to) return [...steps];
  const re = new RegExp(`\\b${from}-(\\d\\d-\\d\\d)`, 'g');
  const move = (s: string) => s.replace(re, `${to}-$1`);
  return steps.map(({ command, ctx }) => {
    const c = JSON.parse(move(JSON.stringify(command))) as JourneyStep['command'];
    if ('year' in c && c.year === from) (c as unknown as { year: number }).year = to;
    return { command: c, ctx: { ...ctx, now: move(String(ctx.now)) } };
  });
}

/** Dates moved by months within a year (`2025-05-` → `2025-07-`). */
function shiftMonths(steps: readonly JourneyStep[], months: Record<string, string>): JourneyStep[] {
  const move = (s: string) =>
    s.replace(
      /\b(\d{4})-(\d\d)-(\d\d)/g,
      (m, y: string, mo: string, d: string) => `${y}-${months[mo] ?? mo}-${d}`,
    );
  return steps.map(({ command, ctx }) => ({
    command: JSON.parse(move(JSON.stringify(command))) as JourneyStep['command'],
    ctx: { ...ctx, now: move(String(ctx.now)) },
  }));
}

/** Each actor named after its unit (one official per commune, one appraiser per province, …). */
function ownActors(steps: readonly JourneyStep[]): JourneyStep[] {
  const own = (a: DomainActor): DomainActor => ({ ...a, id: `${a.id}@${a.unit}` });
  return steps.map(({ command, ctx }) => ({
    command,
    ctx: { ...ctx, actor: own(ctx.actor), ...(ctx.onBehalfOf ? { onBehalfOf: own(ctx.onBehalfOf) } : {}) },
  }));
}

/** The village's own name in its commune (the journeys all use one village). */
export function village(steps: readonly JourneyStep[], from: string, to: string): JourneyStep[] {
  return steps.map(({ command, ctx }) => ({
    command: JSON.parse(JSON.stringify(command).replaceAll(`-${from}"`, `-${to}"`)) as JourneyStep['command'],
    ctx: { ...ctx, actor: { ...ctx.actor, unit: ctx.actor.unit.replace(`-${from}`, `-${to}`) } },
  }));
}

const ROLE_AFTER_REFORM: Record<string, string> = {
  district_verifier: 'provincial_appraiser',
  // Công bố: the chairman of the successor commune once districts are gone.
  district_chairman: 'commune_chairman',
};

/**
 * A 2022-procedure commune dossier opened and submitted in spring 2025 in a commune that merged away on
 * 01/07/2025, finished from July by the successor province's appraisers, council and chairman (ADR 0018).
 */
function cutover(c: PreCommune, successor: string, successorProvince: string): JourneyStep[] {
  const steps = relocate(shiftYear(communeJourney('ntm', 1).steps, 2024, 2025), {
    [TAN_LAP]: c.code,
    [CHO_DON]: c.district,
    [BAC_KAN]: c.province,
  });
  const submitted = steps.findIndex((s) => s.command.type === 'SubmitDossier');
  const head = steps.slice(0, submitted + 1);
  const tail = shiftMonths(steps.slice(submitted + 1), { '05': '07', '06': '08' }).map(({ command, ctx }) => {
    const role = ROLE_AFTER_REFORM[ctx.actor.role] ?? ctx.actor.role;
    // The verifier and the appraiser of one dossier must differ (segregation of duties).
    const id = ctx.actor.role === 'district_verifier' ? 'snnmt-verifier' : ctx.actor.id;
    const unit = role === 'commune_chairman' ? successor : successorProvince;
    return { command, ctx: { ...ctx, actor: { id, role: role as DomainActor['role'], unit } } };
  });
  return [...head, ...tail];
}

/** The commands of plan `n` (`kind`, the `round`-th time through that kind's unit list). */
function planSteps(kind: PlanKind, index: number, communes: NationalCommunes): JourneyStep[] {
  const pick = <T>(list: T[]) => list[index % list.length]!;
  const round = (list: unknown[]) => Math.floor(index / list.length);
  const v1 = (c: PreCommune) => ({
    [TAN_LAP]: c.code,
    [YEN_THINH]: c.code,
    [CHO_DON]: c.district,
    [BAC_KAN]: c.province,
  });
  const v2 = (c: PostCommune) => ({ [QUANG_BACH]: c.code, [NAM_CUONG]: c.code, [THAI_NGUYEN]: c.province });
  const year = (r: number) => (r % 2 === 0 ? 2024 : 2023);
  switch (kind) {
    case 'village-v1': {
      const c = pick(communes.before);
      const r = round(communes.before);
      return village(
        shiftYear(relocate(villageJourney(1).steps, v1(c)), 2024, year(r)),
        'ban-cuon',
        `thon-${r + 1}`,
      );
    }
    case 'village-v2': {
      const c = pick(communes.after);
      return village(relocate(villageJourney(2).steps, v2(c)), 'na-ha', `thon-${round(communes.after) + 1}`);
    }
    case 'commune-ntm-v1':
    case 'commune-advanced-v1': {
      const c = pick(communes.before);
      const tier = kind === 'commune-ntm-v1' ? 'ntm' : 'advanced';
      return relocate(
        shiftYear(communeJourney(tier, 1).steps, 2024, year(round(communes.before) + 1)),
        v1(c),
      );
    }
    case 'commune-ntm-v1-returned': {
      const c = pick(communes.before);
      const j = communeJourney('ntm', 1);
      const steps = relocate(shiftYear(j.steps, 2024, 2023), v1(c));
      const returned = relocate(shiftYear([j.detours['returned']!.step], 2024, 2023), v1(c))[0]!;
      const submitted = steps.findIndex((s) => s.command.type === 'SubmitDossier');
      const official = steps[submitted]!.ctx;
      const resubmit: JourneyStep = {
        command: {
          type: 'ResubmitDossier',
          dossierId: j.dossierId,
          letterNo: '46/TTr-UBND',
          changes: 'Bổ sung số liệu tiêu chí 2',
        },
        ctx: { ...official, now: returned.ctx.now.toString().replace('T02', 'T08') },
      };
      return [...steps.slice(0, submitted + 1), returned, resubmit, ...steps.slice(submitted + 1)];
    }
    case 'commune-ntm-cutover': {
      const units = nationalUnits();
      // A commune with a successor on 01/07/2025 (18 pre-reform units have none on record: the next one).
      let k = index;
      while (units.successorsOn(communes.before[k % communes.before.length]!.code, AFTER).length === 0) k++;
      const c = communes.before[k % communes.before.length]!;
      const successor = units.successorsOn(c.code, AFTER)[0]!;
      return cutover(c, successor, units.provinceOf(successor, AFTER).code);
    }
    case 'revocation-v1':
      return relocate(revocationJourney(1).steps, v1(pick(communes.before)));
    case 'revocation-v2':
      return relocate(revocationJourney(2).steps, v2(pick(communes.after)));
    case 'commune-ntm-v2':
    case 'commune-advanced-v2':
    case 'commune-model-v2': {
      const tier = kind === 'commune-ntm-v2' ? 'ntm' : kind === 'commune-advanced-v2' ? 'advanced' : 'model';
      return relocate(communeJourney(tier, 2).steps, v2(pick(communes.after)));
    }
    case 'post-merger': {
      const c = pick(communes.merged);
      const steps = relocate(postMergerJourney().steps, v2(c));
      const open = steps[0]!.command as unknown as {
        predecessors: { code: string; tier: string; decisionNo: string }[];
      };
      open.predecessors = c.predecessors.map((code, i) => ({
        code,
        tier: 'ntm',
        decisionNo: `${300 + i}/QĐ-UBND`,
      }));
      return steps;
    }
  }
}

/** Runs `steps` through `decide` for dossier `dossierId`, folding with `evolve`; throws at the first refusal. */
export function decideAll(
  dossierId: string,
  steps: readonly JourneyStep[],
): { events: NewEvent[]; state: DossierState } {
  let state: DossierState | undefined;
  const events: NewEvent[] = [];
  steps.forEach(({ command, ctx }, i) => {
    const decided = decide(state, { ...command, dossierId }, ctx);
    if (!decided.ok) {
      throw new Error(
        `${command.type} (step ${i}, ${ctx.actor.role}@${ctx.actor.unit}) refused: ${decided.error.code} ${decided.error.message}`,
      );
    }
    state = state ? decided.value.reduce((s, e) => evolve(s, e), state) : replay(decided.value);
    events.push(...envelope(decided.value, ctx, state, dossierId, events.length, i));
  });
  return { events, state: state! };
}

/** The store envelope the API's command handler puts around decided events (`toNewEvents`). */
function envelope(
  decided: DecidedEvent[],
  ctx: DecisionContext,
  state: DossierState,
  dossierId: string,
  first: number,
  step: number,
): NewEvent[] {
  const correlationId = uuidFor(`${dossierId}-c`, step);
  return toNewEvents(decided, {
    actor: ctx.actor,
    onBehalfOf: ctx.onBehalfOf,
    correlationId,
    causationId: correlationId,
    occurredAt: new Date(ctx.now).toISOString(),
    workflow: state.workflow,
    eventId: (k) => uuidFor(dossierId, first + k),
  });
}

/** The plan kind and dossier id of plan `n`, known without deciding it (a resumed run skips stored ones). */
export function simPlan(n: number, seed = 'sim'): { plan: PlanKind; dossierId: string; streamId: string } {
  const dossierId = uuidFor(`${seed}-dossier`, n);
  return { plan: PLAN_CYCLE[n % PLAN_CYCLE.length]!, dossierId, streamId: dossierStreamId(dossierId) };
}

/** Plan `n` of the simulation, decided. */
export function simDossier(n: number, communes: NationalCommunes, seed = 'sim'): SimDossier {
  const { plan, dossierId } = simPlan(n, seed);
  // The how-manieth plan of this kind: picks that kind's next unit.
  const perCycle = PLAN_CYCLE.filter((k) => k === plan).length;
  const nth = PLAN_CYCLE.slice(0, n % PLAN_CYCLE.length).filter((k) => k === plan).length;
  const index = Math.floor(n / PLAN_CYCLE.length) * perCycle + nth;
  // A unit the reference data cannot carry through this plan (e.g. a lineage gap, ADR 0015) is passed over for the
  // next unit of the kind's list, and named: the run reports how many.
  const passedOver: string[] = [];
  for (let next = index; ; next++) {
    try {
      const all = ownActors(planSteps(plan, next, communes));
      // A third of the dossiers of the two-tier period are still under way on the simulated day, each stopped at a
      // step of its own: they fill the inboxes and the open deadlines.
      const underWay = IN_FLIGHT.has(plan) && index % 3 === 2;
      const steps = underWay ? all.slice(0, 1 + ((index * 7919) % (all.length - 1))) : all;
      const { events, state } = decideAll(dossierId, steps);
      return {
        n,
        plan,
        dossierId,
        streamId: dossierStreamId(dossierId),
        events,
        step: state.step,
        workflow: state.workflow,
        passedOver,
      };
    } catch (error) {
      if (passedOver.length >= 20) throw error;
      passedOver.push(`${plan} #${next}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
