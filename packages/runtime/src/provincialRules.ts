/**
 * A province's own procedure rules (`PROVINCIAL_RULES_FILE`): what the law leaves to provinces — whether village
 * dossiers go before an appraisal council, who announces, who recognises villages after the 2025 reform — each a
 * rule parameter with its legal basis and `confirmed` flag, for dossiers opened in a period. Without the file the
 * national defaults apply, unconfirmed. The file is checked as a whole at start-up: a process never runs on half of
 * a province's rules.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  ROLES,
  nationalUnits,
  ruleSetAt,
  type ProvincialProcedureRules,
  type Role,
  type UnitRegistry,
} from '@ntm/domain';
import type { Config } from './config.js';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const param = <T extends z.ZodType>(value: T) =>
  z
    .object({
      value,
      legalBasis: z.string().trim().min(1, 'name the provincial decision this rule comes from'),
      confirmed: z.boolean(),
      note: z.string().optional(),
    })
    .strict();
const RoleSchema = z.enum(ROLES);
/** Who may sign a village recognition: a chairman of a level that exists on the day the rule takes effect. */
const VILLAGE_DECIDERS: readonly Role[] = ['district_chairman', 'commune_chairman', 'provincial_chairman'];

const EntrySchema = z
  .object({
    provinceCode: z.string().regex(/^\d{2}$/, 'a two-digit province code'),
    effectiveFrom: IsoDate,
    effectiveTo: IsoDate.optional(),
    villageCouncil: param(z.boolean()).optional(),
    villageDecider: param(RoleSchema).optional(),
    announcers: z
      .object({ commune: param(z.array(RoleSchema).min(1)), village: param(z.array(RoleSchema).min(1)) })
      .partial()
      .strict()
      .optional(),
  })
  .strict();
const FileSchema = z.object({ provinces: z.array(EntrySchema) }).strict();

export class ProvincialRulesError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${source}: ${problems.length} problem(s) in the provincial rules:\n  - ${problems.join('\n  - ')}`,
    );
    this.name = 'ProvincialRulesError';
  }
}

/**
 * The provincial rules in `json`, checked against the schema and the reference data: each province exists on the
 * day its rules take effect (codes, never names), a village decider is a chairman whose level exists that day, and
 * one province's periods do not overlap. Throws `ProvincialRulesError` listing every problem.
 */
export function parseProvincialRules(
  json: unknown,
  source: string,
  units: UnitRegistry = nationalUnits(),
): ProvincialProcedureRules[] {
  const parsed = FileSchema.safeParse(json);
  if (!parsed.success)
    throw new ProvincialRulesError(
      source,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`),
    );
  const problems: string[] = [];
  const entries = parsed.data.provinces;
  entries.forEach((entry, i) => {
    const at = `provinces.${i}`;
    const unit = units.get(entry.provinceCode, entry.effectiveFrom);
    // A province-level unit (tỉnh, or a centrally run city) is one with no parent.
    if (!unit || unit.parentCode !== undefined)
      problems.push(`${at}.provinceCode: no province ${entry.provinceCode} exists on ${entry.effectiveFrom}`);
    if (entry.effectiveTo !== undefined && entry.effectiveTo < entry.effectiveFrom)
      problems.push(`${at}.effectiveTo: ${entry.effectiveTo} is before effectiveFrom ${entry.effectiveFrom}`);
    const decider = entry.villageDecider?.value;
    if (decider !== undefined) {
      const abolished = ruleSetAt(entry.effectiveFrom).succession?.roles.value[decider];
      if (!VILLAGE_DECIDERS.includes(decider))
        problems.push(
          `${at}.villageDecider: ${decider} does not sign decisions; one of ${VILLAGE_DECIDERS.join(', ')}`,
        );
      else if (abolished)
        problems.push(`${at}.villageDecider: ${decider} no longer exists on ${entry.effectiveFrom}`);
    }
    entries.slice(0, i).forEach((other, j) => {
      if (other.provinceCode === entry.provinceCode && overlap(other, entry))
        problems.push(`${at}: its period overlaps provinces.${j} of the same province ${entry.provinceCode}`);
    });
  });
  if (problems.length > 0) throw new ProvincialRulesError(source, problems);
  return entries;
}

const overlap = (a: { effectiveFrom: string; effectiveTo?: string | undefined }, b: typeof a) =>
  a.effectiveFrom <= (b.effectiveTo ?? '9999-12-31') && b.effectiveFrom <= (a.effectiveTo ?? '9999-12-31');

/** The configured provincial rules; undefined (the encoded ones) without `PROVINCIAL_RULES_FILE`. */
export async function loadProvincialRules(
  config: Pick<Config, 'PROVINCIAL_RULES_FILE'>,
): Promise<ProvincialProcedureRules[] | undefined> {
  const file = config.PROVINCIAL_RULES_FILE;
  if (file === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ProvincialRulesError(file, [`not a readable JSON file (${(error as Error).message})`]);
  }
  return parseProvincialRules(json, file);
}
