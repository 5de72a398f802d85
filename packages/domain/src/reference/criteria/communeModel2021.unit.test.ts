import { describe, expect, it } from 'vitest';
import { COMMUNE_MODEL_2021_2025, communeModelSet } from './communeModel2021.js';
import { criterion, everywhere, indicator } from './criteriaBuilders.js';

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
    expect(set.criteria.map((c) => c.code)).toEqual(['M1', 'M3', 'M2', 'P1']);
    expect(set.criteria.find((c) => c.code === 'M2')?.indicators[0]?.thresholds).toEqual([
      { appliesTo: '*', value: 2 },
    ]);
    expect(set.legalRef).toContain('QĐ 1/2023');
    expect(COMMUNE_MODEL_2021_2025.criteria).toHaveLength(3); // the national set is untouched
  });
});
