/**
 * What the decider records about the law it applied: the rule names each event read (`rulesRead`), the provenance
 * of each decision (every rule the dossier's events read, with its basis and whether it is confirmed), and the mark
 * of a procedure unconfirmed for the period the dossier was opened in.
 */
import type { DossierScope } from './model.js';
import type { DossierState } from './state.js';
import {
  criteriaSetBasis,
  criteriaSetById,
  PROGRAMMES,
  resolveRules,
  RULE_SETS,
  type CriteriaChoice,
  type Provenance,
  type RuleParameter,
  type RuleSet,
  type RulesRecorder,
  type UnitRegistry,
} from './reference/index.js';
import { openingCriteria } from './programme.js';

/** The name a rule set's parameters are recorded under: "<id>@<version>". */
export const ruleSetName = (r: Pick<RuleSet, 'id' | 'version'>): string => `${r.id}@${r.version}`;

/** The name the criteria set a dossier is judged against is recorded under. */
export const criteriaRule = (setId: string): string => `criteria:${setId}`;

/** Records the criteria set chosen for a dossier, with the basis of the choice. */
export function recordCriteria(rec: RulesRecorder, choice: CriteriaChoice): void {
  rec.record(criteriaRule(choice.set.id), choice.basis);
}

/** The mark a dossier opened on `today` under `ruleSet` carries when its procedure is unconfirmed for the period. */
export function procedureUnconfirmed(
  ruleSet: RuleSet,
  today: string,
  rec: RulesRecorder,
): { from: string; basis: string; note: string } | undefined {
  const p = ruleSet.procedureUnconfirmedFrom;
  if (!p || today < p.value) return undefined;
  rec.record(`${ruleSetName(ruleSet)}:procedureUnconfirmedFrom`, p);
  return { from: p.value, basis: p.legalBasis, note: p.note ?? 'procedure unconfirmed for this period' };
}

/** The basis of the criteria set a dossier pinned, as chosen when it was opened. */
function criteriaBasisOf(state: DossierState, units: UnitRegistry | undefined): RuleParameter<string> {
  try {
    const choice = openingCriteria(
      {
        kind: state.kind,
        ...(state.targetRecognition ? { targetRecognition: state.targetRecognition } : {}),
      },
      state.openedOn,
      state.scope satisfies DossierScope,
      units,
    );
    if (choice.set.id === state.criteriaSetId) return choice.basis;
  } catch {
    // the choice cannot be made again (data changed since): the set's own basis is what remains
  }
  return criteriaSetBasis(criteriaSetById(state.criteriaSetId));
}

/**
 * The provenance of a decision on `state`: each rule the dossier's earlier events read and each rule this decision
 * read, with its legal basis and whether it is confirmed, sorted by name.
 */
export function decisionProvenance(
  state: DossierState,
  rec: RulesRecorder,
  units: UnitRegistry | undefined,
  /** further rule data the decision read, by the name it was wrapped under (the province's procedure rules) */
  more: Readonly<Record<string, object>> = {},
): Provenance[] {
  const current = new Map(rec.entries().map((e) => [e.rule, e]));
  const earlier = (state.rulesRead ?? []).filter((r) => !current.has(r));
  const roots: Record<string, object> = {
    ...Object.fromEntries(RULE_SETS.map((r) => [ruleSetName(r), r])),
    programme: Object.fromEntries(PROGRAMMES.map((p) => [p.id, p])),
    criteria: { [state.criteriaSetId]: criteriaBasisOf(state, units) },
    ...more,
  };
  return [...current.values(), ...resolveRules(earlier, roots)].sort((a, b) =>
    a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0,
  );
}
