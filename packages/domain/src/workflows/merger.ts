/**
 * Sáp nhập — the merger that formed a commune, read from the unit lineage by code, with each predecessor's
 * recognition on the eve of the merger. Ministry guidance for merged communes (5424/BNN-VPĐP, 267/BNN-VPĐP; the
 * procedure parameter `mergerPaths`) splits the cases: formed only from recognised communes, the province
 * acknowledges the new unit at the lowest of their tiers; formed also from unrecognised ones, the full procedure.
 */
import type { Tier } from '../model.js';
import { addCalendarDays, type UnitRegistry } from '../reference/index.js';

/** A unit's recognition on a day: the highest tier it held then, or null. */
export interface UnitRecognition {
  tier: Tier;
  decisionNo: string;
}

/**
 * Answers "what did unit `code` hold on `onDate`" from the unitRecognition read model, by code: its highest tier
 * then, `null` when it held none, `undefined` when the read model has no decision on the unit at all (recognised
 * on paper before the engine kept its record): then the commune's declaration stands for it.
 */
export type RecognitionOf = (code: string, onDate: string) => UnitRecognition | null | undefined;

export interface MergerPredecessor {
  code: string;
  tier: Tier | null;
  decisionNo?: string | undefined;
}

/** The merger as a post-merger dossier records it. */
export interface MergerRecord {
  effectiveDate: string;
  basis: string;
  /** the day the predecessors' statuses were read: the eve of the merger */
  statusOn: string;
  predecessors: MergerPredecessor[];
  /**
   * where the statuses come from: the recognition read model, the commune's own declaration, or both (`mixed`: the
   * read model knew some predecessors, the declaration stands for the others)
   */
  statusesFrom: 'recognitions' | 'declared' | 'mixed';
  /** declared statuses the read model contradicts (the opening is refused with MERGER_STATUS_MISMATCH) */
  mismatches: StatusMismatch[];
}

/** A predecessor whose declared status is not the one on record. */
export interface StatusMismatch {
  code: string;
  declared: { tier: Tier | null; decisionNo?: string | undefined };
  recorded: { tier: Tier | null; decisionNo?: string | undefined };
}

const RANK: Record<Tier, number> = { ntm: 1, advanced: 2, model: 3 };

/**
 * The latest merger into `unitCode` on or before `today`, its predecessors by code, and their statuses on the eve.
 * A predecessor the read model (`recognitionOf`) has decisions on is judged on its record, and a declaration that
 * says otherwise (tier, or decision number when given) is a mismatch; one it knows nothing of is judged on the
 * commune's declaration (`declared`, by code; a predecessor not declared counts as unrecognised). Undefined when no
 * merger into the unit is on record.
 */
export function mergerOf(
  unitCode: string,
  today: string,
  units: UnitRegistry,
  declared: readonly MergerPredecessor[] = [],
  recognitionOf?: RecognitionOf,
): MergerRecord | undefined {
  const merges = units.predecessorsOf(unitCode).filter((l) => l.kind === 'merge' && l.effectiveDate <= today);
  const last = merges.at(-1);
  if (!last) return undefined;
  const links = merges.filter((l) => l.effectiveDate === last.effectiveDate);
  const statusOn = addCalendarDays(last.effectiveDate, -1);
  const mismatches: StatusMismatch[] = [];
  let fromRecord = 0;
  const predecessors = links.map(({ code }): MergerPredecessor => {
    const said = declared.find((p) => p.code === code);
    const recorded = recognitionOf?.(code, statusOn);
    if (recorded !== undefined) fromRecord += 1;
    if (recorded !== undefined && said && !agrees(said, recorded)) {
      mismatches.push({ code, declared: statusOf(said), recorded: statusOf(recorded) });
    }
    const held = recorded !== undefined ? recorded : (said ?? null);
    return held?.tier
      ? { code, tier: held.tier, ...(held.decisionNo ? { decisionNo: held.decisionNo } : {}) }
      : { code, tier: null };
  });
  return {
    effectiveDate: last.effectiveDate,
    basis: last.basis,
    statusOn,
    predecessors,
    statusesFrom: fromRecord === 0 ? 'declared' : fromRecord === links.length ? 'recognitions' : 'mixed',
    mismatches,
  };
}

const statusOf = (p: { tier: Tier | null; decisionNo?: string | undefined } | null) =>
  p?.tier ? { tier: p.tier, ...(p.decisionNo ? { decisionNo: p.decisionNo } : {}) } : { tier: null };

/** A declaration agrees with the record on the tier, and on the decision number when it names one. */
function agrees(said: MergerPredecessor, recorded: UnitRecognition | null): boolean {
  if ((said.tier ?? null) !== (recorded?.tier ?? null)) return false;
  return said.decisionNo === undefined || recorded === null || said.decisionNo === recorded.decisionNo;
}

/** The lowest tier among the predecessors, or null when one of them held none. */
export function lowestTier(predecessors: readonly MergerPredecessor[]): Tier | null {
  let lowest: Tier | null = null;
  for (const p of predecessors) {
    if (p.tier === null) return null;
    if (lowest === null || RANK[p.tier] < RANK[lowest]) lowest = p.tier;
  }
  return lowest;
}

/** Whether `tier` is above `than` on the ladder NTM < advanced < model. */
export const tierAbove = (tier: Tier, than: Tier): boolean => RANK[tier] > RANK[than];
