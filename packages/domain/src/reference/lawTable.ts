/**
 * Which figures are confirmed law and which are defaults: every rule parameter of the reference data (rule sets,
 * procedure parameters, programmes, commune groups, criteria sets and the provinces' criteria), with its value,
 * basis and `confirmed` flag, read from the data itself so the table in docs/domain.md cannot drift from it (a test
 * compares them; `pnpm docs:workflows` rewrites it).
 */
import type { RevocationRule, RuleParameter, ShareThreshold, SuccessorRole } from './types.js';
import { isRuleParameter, provenanceOf } from './rules/provenance.js';
import { RULE_SETS } from './rules/ruleSets.js';
import { PROCEDURE_RULES } from './rules/procedureRules.js';
import { CLOSED_TIER_REVOCATION, PROGRAMMES } from './criteria/programmes.js';
import { COMMUNE_GROUP_OVERLAP, COMMUNE_GROUPS_2026 } from './criteria/communeGroups2026.js';
import { ALL_CRITERIA_SETS, criteriaSetBasis } from './criteria/criteriaSetFor.js';
import { PROVINCIAL_CRITERIA, VILLAGE_NTM_FALLBACK } from './criteria/provincialCriteria.js';

/** One parameter as the table shows it; `in` lists the rule-set versions (or other holders) where it holds. */
export interface LawTableRow {
  rule: string;
  value: string;
  in: string[];
  basis: string;
  confirmed: boolean;
  note?: string | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const share = (t: ShareThreshold) => `${t.inclusive ? '>=' : '>'} ${Math.round(t.share * 100)}%`;

/** The two structures worth reading in the table: the revocation grounds and the succession's role mapping. */
function structureText(v: unknown): string | undefined {
  if (isObject(v) && 'anyCriteriaShare' in v) {
    const r = v as unknown as RevocationRule;
    const lists = Object.entries(r.criticalCriteria).map(([set, codes]) => `${set}: ${codes.join(', ')}`);
    return `${share(r.anyCriteriaShare)} failing, or ${share(r.criticalCriteriaShare)} with a critical one (${lists.join('; ')})`;
  }
  if (isObject(v) && Object.values(v).every((x) => isObject(x) && 'role' in x && 'level' in x)) {
    return Object.entries(v as Record<string, SuccessorRole>)
      .map(([from, to]) => `${from} → ${to.role} (${to.level})`)
      .join('; ');
  }
  return undefined;
}

/** A structure's value as text or short JSON, or a pointer to the source when it is too long for a table. */
function valueText(p: RuleParameter<unknown>): string {
  const shown = provenanceOf('', p).value ?? structureText(p.value);
  if (shown !== undefined) return shown;
  const json = JSON.stringify(p.value);
  return json.length <= 100 ? json : '(structure: see the source file)';
}

/** Every rule parameter under `root`, with its path; a parameter's own value is walked too (nested parameters). */
function parametersIn(
  root: unknown,
  path: string,
  out: [string, RuleParameter<unknown>][] = [],
): [string, RuleParameter<unknown>][] {
  if (!isObject(root)) return out;
  for (const [key, v] of Object.entries(root)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (isRuleParameter(v)) {
      out.push([at, v]);
      parametersIn(v.value, at, out);
    } else parametersIn(v, at, out);
  }
  return out;
}

/** The rows of the table, grouped: a parameter identical across holders is one row naming them all. */
export function lawTableRows(): LawTableRow[] {
  const rows = new Map<string, LawTableRow>();
  const add = (rule: string, holder: string, p: RuleParameter<unknown>) => {
    const row = { rule, value: valueText(p), basis: p.legalBasis, confirmed: p.confirmed, note: p.note };
    const key = JSON.stringify(row);
    const seen = rows.get(key);
    if (seen) seen.in.push(holder);
    else rows.set(key, { ...row, in: [holder] });
  };
  for (const rs of RULE_SETS) {
    for (const [path, p] of parametersIn(rs, '')) add(path, `${rs.id}@${rs.version}`, p);
  }
  for (const pr of PROCEDURE_RULES) {
    for (const [path, p] of parametersIn(pr, '')) add(`procedure:${path}`, pr.ruleSetId, p);
  }
  for (const programme of PROGRAMMES) {
    add('programme.tiers', programme.id, programme.tiers);
    add('programme.pilotTiers', programme.id, programme.pilotTiers);
  }
  add('programme.closedTierRevocation', 'all programmes', CLOSED_TIER_REVOCATION);
  for (const [group, p] of Object.entries(COMMUNE_GROUPS_2026)) add(`communeGroups2026.${group}`, 'QĐ 51', p);
  add('communeGroups2026.overlap', 'QĐ 51', COMMUNE_GROUP_OVERLAP);
  for (const set of ALL_CRITERIA_SETS) {
    const basis =
      set.id === VILLAGE_NTM_FALLBACK.id
        ? {
            value: set.id,
            legalBasis: set.legalRef,
            confirmed: false,
            note: `every province but ${PROVINCIAL_CRITERIA.map((p) => `${p.name} (${p.provinceCode})`).join(', ')}`,
          }
        : criteriaSetBasis(set);
    add('criteria', set.id, basis);
  }
  return [...rows.values()];
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The table as Markdown, confirmed and unconfirmed counted in its first line. */
export function renderLawTable(): string {
  const rows = lawTableRows();
  const confirmed = rows.filter((r) => r.confirmed).length;
  return [
    `${rows.length} parameters: ${confirmed} confirmed by a source, ${rows.length - confirmed} defaults (\`confirmed: false\`).`,
    '',
    '| parameter | value | in | basis | confirmed | note |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${r.rule}\` | ${cell(r.value)} | ${r.in.join(', ')} | ${cell(r.basis)} | ${r.confirmed ? 'yes' : '**no**'} | ${cell(r.note ?? '')} |`,
    ),
  ].join('\n');
}
