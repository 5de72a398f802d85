import type { RuleSet } from '../types.js';
import { shareMet } from './shareMet.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/** Thu hồi — whether an assessment's failing criteria are grounds to revoke a commune's recognition. */
export interface RevocationOutcome {
  revoke: boolean;
  ground?: 'half_or_more' | 'share_with_critical';
  /** failing / total, for display only: the decision itself is taken on exact integers */
  share: number;
  /** failing criteria that the rule set counts as critical for this criteria set */
  criticalFailing: string[];
  /** the criteria set whose critical criteria were applied (the advanced set for a model commune) */
  judgedOn: string;
}

/**
 * Applies the rule set's revocation grounds: ">= 50% of criteria failing", or ">= 30% failing with one critical
 * criterion among them". A set the rule judges as another (`judgedAs`: a model commune on the advanced set) uses
 * that set's critical criteria; a set the text does not name uses the rule set's inferred list when it has one
 * (`inferredCriticalCriteria`, unconfirmed: the 2026-2030 set). Throws `CRITERIA_SET_NOT_FOUND` when the rule set
 * names no critical criteria for the set, rather than silently treating none as critical.
 */
export function evaluateRevocation(
  ruleSet: RuleSet,
  criteriaSetId: string,
  failingCodes: readonly string[],
  totalCriteria: number,
): RevocationOutcome {
  const rule = ruleSet.revocation.value;
  const judgedOn = rule.judgedAs[criteriaSetId]?.value ?? criteriaSetId;
  const critical = rule.criticalCriteria[judgedOn] ?? rule.inferredCriticalCriteria?.[judgedOn]?.value;
  if (!critical) {
    throw new ReferenceDataError(
      'CRITERIA_SET_NOT_FOUND',
      `rule set ${ruleSet.id} has no revocation rule for ${criteriaSetId}`,
      { criteriaSetId },
    );
  }
  if (new Set(failingCodes).size !== failingCodes.length || failingCodes.length > totalCriteria) {
    throw new ReferenceDataError(
      'INVALID_ARGUMENT',
      `failing criteria must be distinct and at most ${totalCriteria}`,
    );
  }
  const failing = failingCodes.length;
  const criticalFailing = failingCodes.filter((c) => critical.includes(c));
  const share = failing / totalCriteria;
  if (shareMet(failing, totalCriteria, rule.anyCriteriaShare)) {
    return { revoke: true, ground: 'half_or_more', share, criticalFailing, judgedOn };
  }
  if (criticalFailing.length > 0 && shareMet(failing, totalCriteria, rule.criticalCriteriaShare)) {
    return { revoke: true, ground: 'share_with_critical', share, criticalFailing, judgedOn };
  }
  return { revoke: false, share, criticalFailing, judgedOn };
}
