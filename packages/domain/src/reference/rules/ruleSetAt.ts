import type { RuleSet } from '../types.js';
import { RULE_SETS } from './ruleSets.js';
import { assertIsoDate } from '../calendar/isoDate.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/** The rule set in force on an ISO date; throws `RULE_SET_NOT_FOUND` before QĐ 18/2022 (02/08/2022). */
export function ruleSetAt(isoDate: string, ruleSets: readonly RuleSet[] = RULE_SETS): RuleSet {
  assertIsoDate(isoDate);
  const found = ruleSets.find(
    (r) => r.effectiveFrom <= isoDate && (r.effectiveTo === undefined || isoDate <= r.effectiveTo),
  );
  if (!found)
    throw new ReferenceDataError('RULE_SET_NOT_FOUND', `no rule set in force on ${isoDate}`, {
      date: isoDate,
    });
  return found;
}

/** The rule set a dossier pinned; throws `RULE_SET_NOT_FOUND` for an unknown id or version. */
export function ruleSetById(id: string, version: number, ruleSets: readonly RuleSet[] = RULE_SETS): RuleSet {
  const found = ruleSets.find((r) => r.id === id && r.version === version);
  if (!found)
    throw new ReferenceDataError('RULE_SET_NOT_FOUND', `no rule set ${id} v${version}`, { id, version });
  return found;
}
