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

/** Answers "what did unit `code` hold on `onDate`" (the unitRecognition read model, by code). */
export type RecognitionOf = (code: string, onDate: string) => UnitRecognition | null;

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
  /** where the statuses come from: the recognition read model, or the commune's own declaration */
  statusesFrom: 'recognitions' | 'declared';
}

const RANK: Record<Tier, number> = { ntm: 1, advanced: 2, model: 3 };

/**
 * The latest merger into `unitCode` on or before `today`, its predecessors by code, and their statuses on the eve:
 * from `recognitionOf` when the caller has the read model, else as declared in the opening (`declared`, by code; a
 * predecessor not declared counts as unrecognised). Undefined when no merger into the unit is on record.
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
  const predecessors = links.map(({ code }): MergerPredecessor => {
    const held = recognitionOf
      ? recognitionOf(code, statusOn)
      : (declared.find((p) => p.code === code) ?? null);
    return held?.tier
      ? { code, tier: held.tier, ...(held.decisionNo ? { decisionNo: held.decisionNo } : {}) }
      : { code, tier: null };
  });
  return {
    effectiveDate: last.effectiveDate,
    basis: last.basis,
    statusOn,
    predecessors,
    statusesFrom: recognitionOf ? 'recognitions' : 'declared',
  };
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
