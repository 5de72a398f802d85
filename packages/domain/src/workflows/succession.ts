/**
 * Reform cut-overs for dossiers pinned to an earlier procedure. A dossier keeps the workflow (its steps) and the
 * rule set (its figures) it was opened under, but who can act is the law of the day: once a rule set abolishes
 * some roles (the districts, NĐ 131/2025), their steps in dossiers still in flight are performed by the successor
 * role, for the successor unit. Nothing here changes a machine, so histories recorded before the cut-over replay
 * exactly as before.
 */
import type { DossierKind, DossierScope, Role } from '../model.js';
import type { DossierState } from '../state.js';
import {
  RULE_SETS,
  ruleSetById,
  type RuleParameter,
  type RuleSet,
  type SuccessorRole,
  type UnitRegistry,
} from '../reference/index.js';

/** The succession that governs a dossier on a day, and the rule set in force that day. */
export interface SuccessionInForce {
  /** the rule set in force on the day of the command (recorded in the event) */
  ruleSet: { id: string; version: number };
  /** the cut-over date */
  from: string;
  /** abolished role → successor */
  roles: Partial<Record<Role, SuccessorRole>>;
  /** levels at which the units merged away are succeeded by the units they merged into */
  mergedUnits: readonly SuccessorRole['level'][];
}

/**
 * What an event records when a successor performed the step: the successor role of an abolished one (`replaces`),
 * or the same role of the unit the dossier's unit was merged into (`replacesUnit`).
 */
export interface SuccessionRecord {
  ruleSet: { id: string; version: number };
  /** the abolished role the pinned workflow names for this step */
  replaces?: Role;
  /** the merged-away unit (commune or province) of the dossier whose role the actor took over */
  replacesUnit?: string;
  /** the role that performed it */
  role: Role;
  /** the successor unit the actor acted for */
  unitCode: string;
}

/**
 * The succession for `dossier` on `today` (ISO date), or undefined when its procedure is still the law: the latest
 * cut-over on or before `today` that postdates the rule set the dossier pinned. `inForce` is the rule set of the day.
 */
export function successionFor(
  dossier: Pick<DossierState, 'ruleSet'>,
  today: string,
  inForce: RuleSet | undefined,
  ruleSets: readonly RuleSet[] = RULE_SETS,
): SuccessionInForce | undefined {
  if (!inForce) return undefined;
  const pinned = ruleSetById(dossier.ruleSet.id, dossier.ruleSet.version, ruleSets);
  const cutOver = ruleSets
    .map((r) => r.succession)
    .filter((s) => s !== undefined && s.from.value <= today && pinned.effectiveFrom < s.from.value)
    .at(-1);
  return cutOver
    ? {
        ruleSet: { id: inForce.id, version: inForce.version },
        from: cutOver.from.value,
        roles: cutOver.roles.value,
        mergedUnits: cutOver.mergedUnits.value,
      }
    : undefined;
}

/** The level of the unit each role acts for, where a merger can hand that unit to another. */
const MERGE_LEVEL: Partial<Record<Role, SuccessorRole['level']>> = {
  commune_official: 'commune',
  commune_chairman: 'commune',
  front_officer: 'commune',
  provincial_appraiser: 'province',
  council_member: 'province',
  council_secretary: 'province',
  provincial_chairman: 'province',
};

/**
 * The level at which `succession.mergedUnits` can apply to a role: its commune or its province. Undefined for
 * village heads (villages are not merged in the data), district roles (succeeded by role) and the roles outside the
 * procedure (auditors, administrators).
 */
export function mergeLevelOf(role: Role): SuccessorRole['level'] | undefined {
  return MERGE_LEVEL[role];
}

/**
 * When `actor` acts for a unit that the reform merged the dossier's unit into (their own role, the successor unit),
 * the record of it; undefined when the dossier's own unit still exists, or the actor's unit is not its successor.
 */
export function mergedUnitSuccession(
  scope: DossierScope,
  actor: { role: Role; unit: string },
  today: string,
  succession: SuccessionInForce,
  units: UnitRegistry,
): SuccessionRecord | undefined {
  const level = mergeLevelOf(actor.role);
  if (level === undefined || !succeedsMergedUnit(scope, level, actor.unit, today, succession, units))
    return undefined;
  return {
    ruleSet: succession.ruleSet,
    replacesUnit: unitAt(scope, level),
    role: actor.role,
    unitCode: actor.unit,
  };
}

/**
 * Whether `unit` took over, at `level`, the dossier's unit that the reform merged away: the succession hands that
 * level on, the dossier's unit no longer exists on `today`, and `unit` is among its successor units.
 */
export function succeedsMergedUnit(
  scope: DossierScope,
  level: SuccessorRole['level'],
  unit: string,
  today: string,
  succession: SuccessionInForce,
  units: UnitRegistry,
): boolean {
  if (!succession.mergedUnits.includes(level)) return false;
  const own = unitAt(scope, level);
  if (own === unit || units.get(own, today)) return false;
  return successorUnits(scope, level, today, units).includes(unit);
}

/** The dossier's own unit at a level: its commune or its province. */
const unitAt = (scope: DossierScope, level: SuccessorRole['level']) =>
  level === 'commune' ? scope.communeCode : scope.provinceCode;

/** The role that performs `role`'s steps under `succession` (the role itself when it was not abolished). */
export function actingRole(role: Role, succession: SuccessionInForce | undefined): Role {
  return succession?.roles[role]?.role ?? role;
}

/**
 * The units a successor may act for on `today`: the dossier's commune, or the commune(s) it merged into, at the
 * successor's level (the commune itself, or its province).
 */
export function successorUnits(
  scope: DossierScope,
  level: SuccessorRole['level'],
  today: string,
  units: UnitRegistry,
): string[] {
  const eligibility = units.get(scope.communeCode, today)
    ? undefined
    : units.eligibility(scope.communeCode, 'COMMUNE_NTM', today);
  const communes =
    eligibility === undefined
      ? [scope.communeCode]
      : eligibility.eligible
        ? []
        : (eligibility.successors ?? []);
  return level === 'commune' ? communes : [...new Set(communes.map((c) => units.provinceOf(c, today).code))];
}

/**
 * Who performs `role`'s steps in a dossier of `kind`: the successor when a reform abolished the role (`actingRole`),
 * and, in a village dossier, the province's own village decider in place of the rule set's (findings §4.4: after
 * the 2025 reform who recognises villages is a provincial matter). The machine keeps naming the national roles, so
 * a province's choice changes no published workflow version; the parameter is read, and so recorded, only where a
 * province has set one.
 */
export function performerOf(
  role: Role,
  kind: DossierKind,
  input: {
    ruleSet: RuleSet;
    procedure: { villageDecider?: RuleParameter<Role> | undefined };
    succession?: SuccessionInForce | undefined;
  },
): Role {
  const acting = actingRole(role, input.succession);
  if (kind !== 'VILLAGE_NTM') return acting;
  const own = input.procedure.villageDecider;
  if (!own) return acting;
  return acting === actingRole(input.ruleSet.decider[kind].value, input.succession) ? own.value : acting;
}

/** The village decider a dossier pinned at opening, as the rule parameter it was read from. */
export function pinnedVillageDecider(state: DossierState): RuleParameter<Role> | undefined {
  const pinned = state.villageDecider;
  return pinned && { value: pinned.role, legalBasis: pinned.legalBasis, confirmed: pinned.confirmed };
}
