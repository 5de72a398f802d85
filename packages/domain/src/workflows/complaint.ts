/**
 * Khiếu nại — what a complaint against a decision is judged on (Law on Complaints 02/2011/QH13, law-findings §7.1):
 * which decisions can be complained of, who resolves them, the window to complain and the resolution period. The
 * figures come from the rule set the complaint pinned; the decision complained of is the other dossier's state.
 */
import { DomainError } from '../errors.js';
import { DOSSIER_KINDS, type DossierKind, type Role } from '../model.js';
import type { DossierState } from '../state.js';
import { addCalendarDays, ruleSetAt, ruleSetById, type RuleSet } from '../reference/index.js';
import { performerOf, pinnedVillageDecider, successionFor } from './succession.js';

/** The decisions a complaint can be about: recognition or its refusal, revocation or keeping it, acknowledgement. */
const COMPLAINABLE: ReadonlySet<DossierKind> = new Set(DOSSIER_KINDS.filter((kind) => kind !== 'COMPLAINT'));

/** The refusal when `target` holds no decision a complaint can be about, else null. */
export function complaintTargetProblem(
  target: DossierState | undefined,
  filing: { targetDossierId?: unknown } | undefined,
  unitCode: unknown,
): DomainError | null {
  const id = typeof filing?.targetDossierId === 'string' ? filing.targetDossierId : '?';
  const refuse = (reason: string, en: string, vi: string) =>
    new DomainError('COMPLAINT_TARGET_INVALID', en, vi, { targetDossierId: id, reason });
  if (!target || target.id !== id)
    return refuse('NOT_FOUND', `no dossier ${id} to complain of`, `không có hồ sơ ${id} để khiếu nại`);
  if (!COMPLAINABLE.has(target.kind) || !target.decision)
    return refuse(
      'NO_DECISION',
      `dossier ${id} holds no decision that can be complained of (step ${target.step})`,
      `hồ sơ ${id} chưa có quyết định có thể khiếu nại (bước ${target.step})`,
    );
  if (target.scope.unitCode !== unitCode)
    return refuse(
      'UNIT_MISMATCH',
      `the decision in ${id} is about ${target.scope.unitCode}, not ${String(unitCode)}`,
      `quyết định trong hồ sơ ${id} là của đơn vị ${target.scope.unitCode}, không phải ${String(unitCode)}`,
    );
  return null;
}

/**
 * Who resolves a first complaint: the issuer of the decision (Art. 7), i.e. the role that signs decisions of the
 * target's kind under the rule set the target pinned (or the village decider its province named), or its successor when a reform abolished that role by `today`.
 */
export function complaintIssuerRole(target: DossierState, today: string): Role {
  const pinned = ruleSetById(target.ruleSet.id, target.ruleSet.version);
  let inForce: RuleSet | undefined;
  try {
    inForce = ruleSetAt(today);
  } catch {
    inForce = undefined;
  }
  return performerOf(pinned.decider[target.kind].value, target.kind, {
    ruleSet: pinned,
    procedure: { villageDecider: pinnedVillageDecider(target) },
    succession: successionFor(target, today, inForce),
  });
}

/** The window to complain: from the decision (or the later day it was received or learned of) plus the rule's days. */
export function complaintWindow(
  ruleSet: RuleSet,
  decidedOn: string,
  learnedOn: string | undefined,
): { from: string; days: number; endsOn: string } {
  const from = learnedOn !== undefined && learnedOn > decidedOn ? learnedOn : decidedOn;
  const days = ruleSet.complaints.windowDays.value;
  return { from, days, endsOn: addCalendarDays(from, days) };
}

/** Working days to resolve an accepted complaint: longer when complex, longer again in remote areas (Art. 28). */
export function complaintResolutionDays(
  ruleSet: RuleSet,
  acceptance: { complex: boolean; remoteArea: boolean },
): number {
  const d = ruleSet.complaints.resolutionDays.value;
  if (acceptance.remoteArea) return acceptance.complex ? d.remoteComplex : d.remote;
  return acceptance.complex ? d.complex : d.normal;
}
