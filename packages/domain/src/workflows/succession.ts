/**
 * Reform cut-overs for dossiers pinned to an earlier procedure. A dossier keeps the workflow (its steps) and the
 * rule set (its figures) it was opened under, but who can act is the law of the day: once a rule set abolishes
 * some roles (the districts, NĐ 131/2025), their steps in dossiers still in flight are performed by the successor
 * role, for the successor unit. Nothing here changes a machine, so histories recorded before the cut-over replay
 * exactly as before.
 */
import type { DossierScope, Role } from '../model.js';
import type { DossierState } from '../state.js';
import {
  RULE_SETS,
  ruleSetById,
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

/** What an event records when a successor performed an abolished role's step. */
export interface SuccessionRecord {
  ruleSet: { id: string; version: number };
  /** the role the pinned workflow names for this step */
  replaces: Role;
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
