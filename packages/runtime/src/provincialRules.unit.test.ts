import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProvincialRules, parseProvincialRules, ProvincialRulesError } from './provincialRules.js';

const basis = 'QĐ 12/2025/QĐ-UBND (example)';
const entry = (over: Record<string, unknown> = {}) => ({
  provinceCode: '40',
  effectiveFrom: '2025-07-01',
  villageDecider: { value: 'provincial_chairman', legalBasis: basis, confirmed: true },
  ...over,
});
const problemsOf = (json: unknown): string[] => {
  try {
    parseProvincialRules(json, 'rules.json');
  } catch (error) {
    if (error instanceof ProvincialRulesError) return [...error.problems];
    throw error;
  }
  return [];
};

describe('a provincial rules file', () => {
  it('is read with each rule’s basis and confirmed flag', () => {
    const rules = parseProvincialRules(
      {
        provinces: [
          entry(),
          {
            provinceCode: '06',
            effectiveFrom: '2022-08-02',
            effectiveTo: '2025-06-30',
            villageCouncil: { value: true, legalBasis: basis, confirmed: false },
          },
        ],
      },
      'rules.json',
    );
    expect(rules).toHaveLength(2);
    expect(rules[0]!.villageDecider).toEqual({
      value: 'provincial_chairman',
      legalBasis: basis,
      confirmed: true,
    });
  });

  it.each([
    ['an unknown province code', entry({ provinceCode: '99' }), 'provinces.0.provinceCode: no province 99'],
    [
      'a province merged away before the rule takes effect (Bắc Kạn after 01/07/2025)',
      entry({ provinceCode: '06' }),
      'no province 06 exists on 2025-07-01',
    ],
    [
      'a commune code where a province is meant',
      entry({ provinceCode: '16756' }),
      'a two-digit province code',
    ],
    [
      'a district chairman after the districts were abolished',
      entry({ villageDecider: { value: 'district_chairman', legalBasis: basis, confirmed: true } }),
      'district_chairman no longer exists on 2025-07-01',
    ],
    [
      'a role that signs no decision',
      entry({ villageDecider: { value: 'village_head', legalBasis: basis, confirmed: true } }),
      'village_head does not sign decisions',
    ],
    [
      'a rule without its legal basis',
      entry({ villageDecider: { value: 'provincial_chairman', legalBasis: ' ', confirmed: true } }),
      'provinces.0.villageDecider.legalBasis',
    ],
    ['an unknown setting', entry({ villageJudge: 'x' }), 'provinces.0'],
    ['a period that ends before it starts', entry({ effectiveTo: '2025-01-01' }), 'is before effectiveFrom'],
  ])('refuses %s, naming where', (_, bad, expected) => {
    expect(problemsOf({ provinces: [bad] }).join('\n')).toContain(expected);
  });

  it('refuses two periods of one province that overlap', () => {
    const problems = problemsOf({ provinces: [entry(), entry({ effectiveFrom: '2026-01-01' })] });
    expect(problems).toEqual(['provinces.1: its period overlaps provinces.0 of the same province 40']);
  });

  it('lists every problem at once, not the first only', () => {
    expect(
      problemsOf({ provinces: [entry({ provinceCode: '99' }), entry({ effectiveTo: '2025-01-01' })] }),
    ).toHaveLength(2);
  });
});

describe('PROVINCIAL_RULES_FILE', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provincial-rules-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('unset: the encoded rules apply', async () => {
    expect(await loadProvincialRules({ PROVINCIAL_RULES_FILE: undefined })).toBeUndefined();
  });

  it('is loaded from disk', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(file, JSON.stringify({ provinces: [entry()] }));
    expect(await loadProvincialRules({ PROVINCIAL_RULES_FILE: file })).toHaveLength(1);
  });

  it('that is not JSON stops the start with the file named', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, '{ provinces: ');
    await expect(loadProvincialRules({ PROVINCIAL_RULES_FILE: file })).rejects.toThrow(
      /bad\.json.*not a readable JSON/s,
    );
  });
});
