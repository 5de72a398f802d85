import { describe, expect, it } from 'vitest';
import {
  COMMUNE_MODEL_2021_2025,
  COMMUNE_MODEL_ADDITIONS_2021_2025,
  communeModelSet,
} from './communeModel2021.js';
import { COMMUNE_ADVANCED_2021_2025 } from './communeAdvanced2021.js';
import { criterion, everywhere, indicator } from './criteriaBuilders.js';

const advancedCodes = COMMUNE_ADVANCED_2021_2025.criteria.map((c) => c.code);

describe('COMMUNE_MODEL_2021_2025', () => {
  it('is the full advanced set plus the model additions M1..M3 (QĐ 318 + QĐ 319)', () => {
    expect(COMMUNE_MODEL_2021_2025.criteria.map((c) => c.code)).toEqual([...advancedCodes, 'M1', 'M2', 'M3']);
    expect(COMMUNE_MODEL_2021_2025.criteria).toHaveLength(22);
    expect(COMMUNE_MODEL_2021_2025.version).toBe(2);
  });

  it('asks for income >= 110% of the advanced level, >= 1 smart village and >= 1 standout field', () => {
    const thresholds = COMMUNE_MODEL_ADDITIONS_2021_2025.map((c) => [
      c.code,
      c.indicators[0]?.comparator,
      c.indicators[0]?.thresholds[0]?.value,
    ]);
    expect(thresholds).toEqual([
      ['M1', '>=', 110],
      ['M2', '>=', 1],
      ['M3', '>=', 1],
    ]);
  });
});

describe('communeModelSet', () => {
  it('lets a province replace the smart-village criterion and add its own, keeping the national ones', () => {
    const smart = criterion(
      'M2',
      'Thôn thông minh',
      'Smart village',
      'model additions',
      [indicator('M2.1', 'smart villages', 'villages', '>=', everywhere(2), true)],
      true,
    );
    const extra = criterion(
      'P1',
      'Du lịch',
      'Tourism',
      'provincial',
      [indicator('P1.1', 'homestays', 'n', '>=', everywhere(5), true)],
      true,
    );
    const set = communeModelSet({ issuer: 'UBND tỉnh X', legalRef: 'QĐ 1/2023', criteria: [smart, extra] });
    expect(set.criteria.map((c) => c.code)).toEqual([...advancedCodes, 'M1', 'M3', 'M2', 'P1']);
    expect(set.criteria.find((c) => c.code === 'M2')?.indicators[0]?.thresholds).toEqual([
      { appliesTo: '*', value: 2 },
    ]);
    expect(set.legalRef).toContain('QĐ 1/2023');
    expect(COMMUNE_MODEL_2021_2025.criteria).toHaveLength(22); // the national set is untouched
  });
});
