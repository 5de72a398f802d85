/**
 * The jurisdiction policy: may this actor act on a dossier in this place? Which role may issue which command is
 * the domain's business (the workflow machine's meta); this only answers "is the dossier inside the actor's
 * territory", so the two checks never drift apart.
 */
import {
  addCalendarDays,
  mergeLevelOf,
  succeedsMergedUnit,
  RULE_SETS,
  ruleSetAt,
  successionFor,
  successorUnits,
  vietnamDate,
  type DomainActor,
  type DossierScope,
  type DossierState,
  type Role,
  type RuleSet,
  type SuccessorRole,
  type UnitRegistry,
} from '@ntm/domain';

/** What an actor wants to do: read a dossier, read its audit trail, or issue a command (by its type). */
export type Action = 'read' | 'audit' | (string & {});

/** Which unit of the dossier's scope each role's `unit` must equal. */
const JURISDICTION: Record<
  Exclude<Role, 'auditor' | 'administrator' | 'integration_client' | 'data_protection_officer'>,
  (scope: DossierScope) => string | undefined
> = {
  commune_official: (s) => s.communeCode,
  commune_chairman: (s) => s.communeCode,
  front_officer: (s) => s.communeCode,
  village_head: (s) => (s.unitCode === s.communeCode ? undefined : s.unitCode),
  district_verifier: (s) => s.districtCode,
  district_chairman: (s) => s.districtCode,
  provincial_appraiser: (s) => s.provinceCode,
  council_member: (s) => s.provinceCode,
  council_secretary: (s) => s.provinceCode,
  provincial_chairman: (s) => s.provinceCode,
};

/** True when `unit` is the dossier's unit or one of its ancestors (its subtree contains the dossier). */
function inSubtree(unit: string, scope: DossierScope): boolean {
  return [scope.unitCode, scope.communeCode, scope.districtCode, scope.provinceCode].includes(unit);
}

/** What `can` needs to apply a reform's succession to a dossier opened under an earlier procedure. */
export interface JurisdictionContext {
  /** the rule set the dossier pinned when it was opened */
  ruleSet: DossierState['ruleSet'];
  /** the instant of the request, on the business clock */
  now: string | Date;
  /** the administrative units and their lineage (who the successor units are) */
  units: UnitRegistry;
}

/**
 * Jurisdiction check, pure. Officials act within their own unit: commune roles in their commune, a village head
 * in their village only, district roles in their district (none after the districts were abolished), provincial
 * roles in their province. Auditors read and audit within their unit's subtree and never write. Administrators
 * operate the system and hold no dossier rights. With `context`, a reform's succession also counts (see
 * `successorJurisdiction`).
 */
export function can(
  actor: DomainActor,
  action: Action,
  scope: DossierScope,
  context?: JurisdictionContext,
): boolean {
  // An integration client reads the status feed of its province (`statusFeedProvince`), never a dossier.
  // A data-protection officer queries who read what (`canQueryReadTrail`), never a dossier itself.
  if (
    actor.role === 'administrator' ||
    actor.role === 'integration_client' ||
    actor.role === 'data_protection_officer'
  )
    return false;
  if (actor.role === 'auditor') {
    if (action !== 'read' && action !== 'audit') return false;
    return (
      inSubtree(actor.unit, scope) || (context !== undefined && mergedUnitJurisdiction(actor, scope, context))
    );
  }
  const unit = JURISDICTION[actor.role](scope);
  if (unit !== undefined && unit === actor.unit) return true;
  return (
    context !== undefined &&
    (successorJurisdiction(actor, scope, context) || mergedUnitJurisdiction(actor, scope, context))
  );
}

/** The level at which a merger can hand over the unit an actor acts for: by role, or an auditor's unit. */
function mergeLevelOfActor(actor: DomainActor): SuccessorRole['level'] | undefined {
  if (actor.role !== 'auditor') return mergeLevelOf(actor.role);
  const level = unitLevel(actor.unit);
  return level === 'provinceCode' ? 'province' : level === 'communeCode' ? 'commune' : undefined;
}

/**
 * Kế thừa đơn vị — succession of merged units (the domain's `succeedsMergedUnit`). When the reform merged away the
 * commune or province a dossier names, the officials (and auditors) of the unit it merged into take over the
 * dossiers opened before the cut-over, at that level, as the rule set's `mergedUnits` says (a Thái Nguyên council
 * member, 19, on a Bắc Kạn dossier whose scope says 06). A unit that still exists keeps its own dossiers.
 */
function mergedUnitJurisdiction(
  actor: DomainActor,
  scope: DossierScope,
  context: JurisdictionContext,
): boolean {
  const level = mergeLevelOfActor(actor);
  const today = dayOf(context.now);
  if (level === undefined || today === undefined) return false;
  const succession = successionFor({ ruleSet: context.ruleSet }, today, ruleSetOn(today));
  return (
    succession !== undefined && succeedsMergedUnit(scope, level, actor.unit, today, succession, context.units)
  );
}

/** The legal day (Vietnam) of an instant; undefined when it is not one. */
function dayOf(now: string | Date): string | undefined {
  const instant = new Date(now).getTime();
  return Number.isNaN(instant) ? undefined : vietnamDate(new Date(instant).toISOString());
}

/**
 * Tiếp nhận thẩm quyền — succession of jurisdiction. When a reform abolished a role after the dossier's procedure
 * was pinned (the districts, 01/07/2025), the successor role acts for the successor unit of the dossier's commune,
 * by the domain's own `successionFor` and `successorUnits`, so the policy and the decider agree on who that is
 * (a Thái Nguyên appraiser, unit 19, on a Bắc Kạn dossier whose scope still says 06).
 */
function successorJurisdiction(
  actor: DomainActor,
  scope: DossierScope,
  context: JurisdictionContext,
): boolean {
  const today = dayOf(context.now);
  if (today === undefined) return false;
  const succession = successionFor({ ruleSet: context.ruleSet }, today, ruleSetOn(today));
  if (!succession) return false;
  return Object.values(succession.roles).some(
    (successor) =>
      successor.role === actor.role &&
      successorUnits(scope, successor.level, today, context.units).includes(actor.unit),
  );
}

// Before the first rule set there is no law in force, hence no succession either.
function ruleSetOn(today: string): RuleSet | undefined {
  try {
    return ruleSetAt(today);
  } catch {
    return undefined;
  }
}

/**
 * The province whose status feed an actor may poll: an integration client's own province (a two-digit code), and
 * nobody else's; undefined for every other role.
 */
export function statusFeedProvince(actor: DomainActor): string | undefined {
  return actor.role === 'integration_client' && /^\d{2}$/.test(actor.unit) ? actor.unit : undefined;
}

/** The part of the administrative tree an actor may read, as filters on read models (undefined = nothing). */
export interface ReadFilter {
  provinceCode?: string;
  districtCode?: string;
  communeCode?: string;
  /** a village head reads their village's dossiers only */
  unitCode?: string;
  /**
   * Also readable, by a reform's succession: dossiers in these communes opened in this window (the window of a
   * pinned rule set the succession applies to). Only with a context, for successor roles and for the officials and
   * auditors of the units that merged-away units went into.
   */
  successorReads?: SuccessorReads[];
}

/**
 * Dossiers of `communeCodes` (and, when given, whose scope names one of `provinceCodes`) opened from `openedFrom`
 * and before `openedBefore` (ISO instants; none = open).
 */
export interface SuccessorReads {
  communeCodes: string[];
  provinceCodes?: string[];
  openedFrom: string;
  openedBefore?: string;
}

/** Kind of unit an official code names: 2 digits a province, 3 a district, 5 a commune, "<commune>-<key>" a village. */
function unitLevel(unit: string): keyof ReadFilter | undefined {
  if (/^\d{2}$/.test(unit)) return 'provinceCode';
  if (/^\d{3}$/.test(unit)) return 'districtCode';
  if (/^\d{5}$/.test(unit)) return 'communeCode';
  if (/^\d{5}-[a-z0-9-]+$/.test(unit)) return 'unitCode';
  return undefined;
}

const READ_LEVEL: Record<
  Exclude<Role, 'auditor' | 'administrator' | 'integration_client' | 'data_protection_officer'>,
  keyof ReadFilter
> = {
  commune_official: 'communeCode',
  commune_chairman: 'communeCode',
  front_officer: 'communeCode',
  village_head: 'unitCode',
  district_verifier: 'districtCode',
  district_chairman: 'districtCode',
  provincial_appraiser: 'provinceCode',
  council_member: 'provinceCode',
  council_secretary: 'provinceCode',
  provincial_chairman: 'provinceCode',
};

/**
 * The read-model filter equivalent to `can(actor, 'read', scope)`, for lists: a dossier passes the filter exactly
 * when the actor may read it. With `context` (the business clock and the units), also the dossiers a successor
 * role may read by a reform's succession, as `can(actor, 'read', scope, context)` does: a dossier pins the rule set
 * in force on its opening day, so the pinned rule set is a window of opening instants.
 */
export function readFilterFor(
  actor: DomainActor,
  context?: Omit<JurisdictionContext, 'ruleSet'>,
): ReadFilter | undefined {
  const own = ownReadFilter(actor);
  if (own === undefined || context === undefined) return own;
  const successorReads = successorReadsOf(actor, context);
  return successorReads.length > 0 ? { ...own, successorReads } : own;
}

function ownReadFilter(actor: DomainActor): ReadFilter | undefined {
  if (
    actor.role === 'administrator' ||
    actor.role === 'integration_client' ||
    actor.role === 'data_protection_officer'
  )
    return undefined;
  const level = actor.role === 'auditor' ? unitLevel(actor.unit) : READ_LEVEL[actor.role];
  if (level === undefined) return undefined;
  if (level === 'unitCode') {
    const village = /^(\d{5})-[a-z0-9-]+$/.exec(actor.unit);
    return village ? { communeCode: village[1]!, unitCode: actor.unit } : undefined;
  }
  return { [level]: actor.unit };
}

/** The start of a day in Vietnam (UTC+7 all year) as an ISO instant. */
const vietnamDayStart = (isoDate: string) => new Date(`${isoDate}T00:00:00+07:00`).toISOString();

// Lists ask this on every request; the answer depends only on the role, the unit and the day.
const successorReadsCache = new Map<string, SuccessorReads[]>();

function successorReadsOf(
  actor: DomainActor,
  context: Omit<JurisdictionContext, 'ruleSet'>,
): SuccessorReads[] {
  const today = dayOf(context.now);
  if (today === undefined) return [];
  const key = `${actor.role}|${actor.unit}|${today}`;
  const cached = successorReadsCache.get(key);
  if (cached) return cached;
  const { units } = context;
  const inForce = ruleSetOn(today);
  // Official codes: five digits name a commune-level unit, two a province.
  const communes = units.codes().filter((code) => /^\d{5}$/.test(code));
  const succeededBy = (code: string, level: SuccessorRole['level']) =>
    successorUnits({ unitCode: code, communeCode: code, provinceCode: '' }, level, today, units).includes(
      actor.unit,
    );
  const mergeLevel = mergeLevelOfActor(actor);
  const reads: SuccessorReads[] = [];
  const add = (read: Omit<SuccessorReads, 'openedFrom' | 'openedBefore'>, pinned: RuleSet) => {
    if (read.communeCodes.length === 0) return;
    const openedFrom = vietnamDayStart(pinned.effectiveFrom);
    const openedBefore =
      pinned.effectiveTo === undefined ? undefined : vietnamDayStart(addCalendarDays(pinned.effectiveTo, 1));
    const same = (other: SuccessorReads) =>
      other.communeCodes.join() === read.communeCodes.join() &&
      other.provinceCodes?.join() === read.provinceCodes?.join();
    // Consecutive rule sets with the same successor communes make one window.
    const previous = reads.find((r) => r.openedBefore === openedFrom && same(r));
    if (previous) {
      if (openedBefore === undefined) delete previous.openedBefore;
      else previous.openedBefore = openedBefore;
      return;
    }
    reads.push({ ...read, openedFrom, ...(openedBefore === undefined ? {} : { openedBefore }) });
  };
  for (const pinned of RULE_SETS) {
    const succession = successionFor({ ruleSet: pinned }, today, inForce);
    if (!succession) continue;
    // A successor role: the communes whose successor units, at its level, include the actor's unit.
    const levels = Object.values(succession.roles)
      .filter((successor) => successor.role === actor.role)
      .map((successor) => successor.level);
    if (levels.length > 0)
      add(
        { communeCodes: communes.filter((code) => levels.some((level) => succeededBy(code, level))) },
        pinned,
      );
    // A merged unit's successor: the dossiers whose commune (or province) no longer exists and went to the actor's.
    if (mergeLevel === undefined || !succession.mergedUnits.includes(mergeLevel)) continue;
    if (mergeLevel === 'commune') {
      add(
        { communeCodes: communes.filter((code) => !units.get(code, today) && succeededBy(code, 'commune')) },
        pinned,
      );
    } else {
      add(
        {
          communeCodes: communes.filter((code) => succeededBy(code, 'province')),
          provinceCodes: units.codes().filter((code) => /^\d{2}$/.test(code) && !units.get(code, today)),
        },
        pinned,
      );
    }
  }
  if (successorReadsCache.size > 1000) successorReadsCache.clear();
  successorReadsCache.set(key, reads);
  return reads;
}

/**
 * The read-access trail (who downloaded which document of which dossier, when) an actor may query, as a read-model
 * filter over the dossiers: an auditor's is the dossiers it may read; a data-protection officer's the dossiers of
 * its unit's subtree (it reads no dossier, only who read them). Undefined: none.
 */
export function readTrailFilterFor(
  actor: DomainActor,
  context?: Omit<JurisdictionContext, 'ruleSet'>,
): ReadFilter | undefined {
  if (actor.role === 'auditor') return readFilterFor(actor, context);
  if (actor.role !== 'data_protection_officer') return undefined;
  const level = unitLevel(actor.unit);
  return level === undefined || level === 'unitCode' ? undefined : { [level]: actor.unit };
}
