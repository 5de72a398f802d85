/**
 * "Who acts next", from the workflow machines: the roles that may fire some transition out of the dossier's
 * current step in the workflow version it pinned, each with the unit it acts for (the jurisdiction of its inbox).
 * Deadline bookkeeping (`DEADLINE_COMMANDS`: the worker recording it elapsed, an extension, an apology) is not the
 * step's work: it makes no one the holder.
 *
 * Reform cut-over: for a dossier pinned to a rule set older than a succession (districts abolished on 01/07/2025),
 * an abolished role's entry holds until the day before the cut-over and its successor's entry from that day, for
 * the successor unit. Rows therefore depend only on the events, never on the wall clock; readers pick the entries
 * active on their day (`queryInbox` with `now`).
 */
import {
  addCalendarDays,
  DEADLINE_COMMANDS,
  mergeLevelOf,
  nationalUnits,
  ReferenceDataError,
  RULE_SETS,
  successionFor,
  successorUnits,
  workflowByPin,
  type Role,
  type SuccessorRole,
  type UnitRegistry,
} from '@ntm/domain';
import type { DossierView } from './dossierView.js';

export interface NextActor {
  role: string;
  unitCode: string;
}

/** Hộp việc — one inbox entry; `from` / `until` (ISO dates, inclusive) bound it around a reform cut-over. */
export interface InboxEntry extends NextActor {
  /** the province of the acting unit: the dossier's own, or a successor unit's (whose readers are there) */
  provinceCode: string;
  from: string | null;
  until: string | null;
}

const FAR_FUTURE = '9999-12-31';

const COMMUNE_ROLES: readonly string[] = ['commune_official', 'commune_chairman', 'front_officer'];
/** Roles that prepare the file (as opposed to reviewing it). */
const COMMUNE_SIDE: readonly string[] = ['commune_official', 'front_officer', 'village_head'];
const DISTRICT_ROLES: readonly string[] = ['district_verifier', 'district_chairman'];

/** The unit a role acts for on this dossier, by the level the role belongs to. */
export function actingUnitOf(view: DossierView, role: string): string {
  if (role === 'village_head') return view.unitCode;
  if (COMMUNE_ROLES.includes(role)) return view.communeCode;
  if (DISTRICT_ROLES.includes(role)) return view.districtCode ?? view.provinceCode;
  return view.provinceCode;
}

/** The roles that may fire a transition out of `step` in the pinned workflow (empty for an unknown pin). */
export function rolesAt(workflow: { id: string; version: number }, step: string): Role[] {
  const wf = workflowByPin(workflow);
  if (!wf) return [];
  const roles = wf.definition.edges
    .filter((e) => e.from === step && !DEADLINE_COMMANDS.has(e.command))
    .flatMap((e) => e.roles);
  return [...new Set(roles)].sort();
}

let units: UnitRegistry | undefined;
/** The national reference units (every province, before and after 2025), loaded on first use. */
const registry = () => (units ??= nationalUnits());

/**
 * The last answers of `nextActors`, by what they depend on. One event's write asks for the same view's next actors
 * three times or more (the inbox, the deadlines, the notifications of each event, before and after it): 9 % of a
 * projection worker's CPU. Bounded: dossiers are many, the answers in use at once few. The entries are frozen, as
 * every caller shares them.
 */
const answers = new Map<string, readonly InboxEntry[]>();
const MAX_ANSWERS = 512;

/** Who may act next on the dossier, one entry per role (and per successor unit after a cut-over), sorted. */
export function nextActors(view: DossierView): readonly InboxEntry[] {
  if (view.workflowId === null || view.workflowVersion === null) return [];
  // Every field the answer reads (here, in `actingUnitOf` and in `successorUnitsOf`).
  const key = JSON.stringify([
    view.workflowId,
    view.workflowVersion,
    view.step,
    view.ruleSet?.id,
    view.ruleSet?.version,
    view.villageDecider,
    view.unitCode,
    view.communeCode,
    view.districtCode,
    view.provinceCode,
  ]);
  const known = answers.get(key);
  if (known) return known;
  const computed = Object.freeze(
    computeNextActors(view, { id: view.workflowId, version: view.workflowVersion }).map((entry) =>
      Object.freeze(entry),
    ),
  );
  if (answers.size >= MAX_ANSWERS) answers.delete(answers.keys().next().value!);
  answers.set(key, computed);
  return computed;
}

function computeNextActors(view: DossierView, workflow: { id: string; version: number }): InboxEntry[] {
  const roles = withVillageDecider(view, rolesAt(workflow, view.step));
  const succession = lastSuccession(view.ruleSet ?? null);
  // One entry per role and unit: a successor that also holds the step in its own right is active throughout.
  const entries = new Map<string, InboxEntry>();
  const add = (entry: InboxEntry) => {
    const key = `${entry.role} ${entry.unitCode}`;
    const known = entries.get(key);
    entries.set(
      key,
      known
        ? {
            ...known,
            from: known.from === null || entry.from === null ? null : min(known.from, entry.from),
            until: known.until === null || entry.until === null ? null : max(known.until, entry.until),
          }
        : entry,
    );
  };
  for (const role of roles) {
    const own = { role, unitCode: actingUnitOf(view, role), provinceCode: view.provinceCode };
    // An abolished role passes to its successor role; a role of a unit merged away, to the unit it merged into.
    const abolished = succession?.roles[role];
    const level = mergeLevelOf(role);
    const successor: SuccessorRole | undefined =
      abolished ??
      (level !== undefined &&
      succession?.mergedUnits.includes(level) &&
      !exists(own.unitCode, succession.from)
        ? { role, level }
        : undefined);
    if (!succession || !successor) {
      add({ ...own, from: null, until: null });
      continue;
    }
    add({ ...own, from: null, until: addCalendarDays(succession.from, -1) });
    for (const unitCode of successorUnitsOf(view, successor.level, succession.from)) {
      const provinceCode =
        successor.level === 'province' ? unitCode : provinceOf(unitCode, succession.from, view.provinceCode);
      add({ role: successor.role, unitCode, provinceCode, from: succession.from, until: null });
    }
  }
  return [...entries.values()].sort((a, b) =>
    a.role === b.role ? a.unitCode.localeCompare(b.unitCode) : a.role.localeCompare(b.role),
  );
}

/** A village dossier whose province named its own decider at opening: that role holds the decider's steps. */
function withVillageDecider(view: DossierView, roles: Role[]): Role[] {
  if (!view.villageDecider || !view.ruleSet) return roles;
  const pin = view.ruleSet;
  const decider = RULE_SETS.find((r) => r.id === pin.id && r.version === pin.version)?.decider.VILLAGE_NTM
    .value;
  const own = view.villageDecider as Role;
  return [...new Set(roles.map((r) => (r === decider ? own : r)))].sort();
}

const min = (a: string, b: string) => (a < b ? a : b);
const max = (a: string, b: string) => (a < b ? b : a);

/** The last reform cut-over after the dossier's pinned rule set; undefined for none or an unknown pin. */
function lastSuccession(ruleSet: { id: string; version: number } | null) {
  if (ruleSet === null) return undefined;
  try {
    return successionFor({ ruleSet }, FAR_FUTURE, RULE_SETS.at(-1));
  } catch (error) {
    if (error instanceof ReferenceDataError) return undefined;
    throw error;
  }
}

/**
 * The single entry active on `today` (or, without a day, the first entry of the procedure as pinned): kept for
 * callers that show one "next actor". `null` when nobody has to act (a closed dossier).
 */
export function nextActor(view: DossierView, today?: string): NextActor | null {
  const active = nextActors(view).filter((e) =>
    today === undefined
      ? e.from === null
      : (e.from === null || e.from <= today) && (e.until === null || today <= e.until),
  );
  const first = active[0];
  return first ? { role: first.role, unitCode: first.unitCode } : null;
}

/**
 * Who a running deadline binds: the office reviewing the file (not the commune side, which may only withdraw or
 * attach meanwhile), under the procedure as pinned. `null` when nobody has to act.
 */
export function deadlineActor(view: DossierView): NextActor | null {
  const pinned = nextActors(view).filter((e) => e.from === null);
  const reviewing = pinned.find((e) => !COMMUNE_SIDE.includes(e.role)) ?? pinned[0];
  return reviewing ? { role: reviewing.role, unitCode: reviewing.unitCode } : null;
}

/**
 * Who a running deadline binds across a reform cut-over: the pinned procedure's reviewing office (`deadlineActor`),
 * bounded to the day before the cut-over when the reform took it away, then the reviewing entries that hold the
 * dossier from the cut-over on (its successor role, or the unit its unit merged into). One entry when no reform
 * touched it. Like the inbox's entries, they depend on the events only; readers pick the day.
 */
export function deadlineHolders(view: DossierView): InboxEntry[] {
  const entries = nextActors(view);
  const pinned = entries.filter((e) => e.from === null);
  const actor = pinned.find((e) => !COMMUNE_SIDE.includes(e.role)) ?? pinned[0];
  if (!actor) return [];
  if (actor.until === null) return [actor];
  const handover = addCalendarDays(actor.until, 1);
  const successors = entries.filter((e) => e.from === handover && !COMMUNE_SIDE.includes(e.role));
  return [actor, ...successors];
}

/**
 * Who a running deadline binds on `day`: the inbox entries active that day that are not on the commune side (a
 * reform successor's from the cut-over on); all active entries when there is none.
 */
export function deadlineHoldersOn(view: DossierView, day: string): NextActor[] {
  const active = nextActors(view).filter(
    (e) => (e.from === null || e.from <= day) && (e.until === null || day <= e.until),
  );
  const reviewing = active.filter((e) => !COMMUNE_SIDE.includes(e.role));
  return (reviewing.length > 0 ? reviewing : active).map((e) => ({ role: e.role, unitCode: e.unitCode }));
}

/** Whether the reference data knows the unit on that day (an unknown code counts as gone; see successorUnitsOf). */
function exists(code: string, day: string): boolean {
  return registry().get(code, day) !== undefined;
}

/** The province of a commune on a day; `fallback` for a code the reference data does not know. */
function provinceOf(communeCode: string, day: string, fallback: string): string {
  try {
    // An unknown code is answered without the registry's error (its stack trace cost a rebuild of such dossiers 1 %).
    if (!exists(communeCode, day)) return fallback;
    return registry().provinceOf(communeCode, day).code;
  } catch (error) {
    if (!(error instanceof ReferenceDataError)) throw error;
    return fallback;
  }
}

/** Successor units from the unit lineage; units the reference data does not know keep the dossier's own. */
function successorUnitsOf(view: DossierView, level: 'commune' | 'province', day: string): string[] {
  const scope = {
    unitCode: view.unitCode,
    communeCode: view.communeCode,
    districtCode: view.districtCode ?? undefined,
    provinceCode: view.provinceCode,
  };
  let found: string[] = [];
  try {
    found = successorUnits(scope, level, day, registry());
  } catch (error) {
    // An unknown commune code (another province's data): the lineage cannot say, so the dossier's own unit stays.
    if (!(error instanceof ReferenceDataError)) throw error;
  }
  return found.length > 0 ? found : [level === 'commune' ? view.communeCode : view.provinceCode];
}
