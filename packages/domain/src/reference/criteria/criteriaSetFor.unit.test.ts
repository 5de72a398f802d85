import { describe, expect, it } from 'vitest';
import { ALL_CRITERIA_SETS, criteriaChoiceFor, criteriaSetById, criteriaSetFor } from './criteriaSetFor.js';

const indicatorCount = (id: string) =>
  criteriaSetById(id).criteria.reduce((n, c) => n + c.indicators.length, 0);

describe('criteria sets', () => {
  it('have the counts of the legal texts: 19 / 19 / 19+3 / 16 / 10 criteria, 47 indicators for 2026-2030', () => {
    expect(criteriaSetFor('COMMUNE_NTM', '2023-01-01').criteria).toHaveLength(19);
    expect(criteriaSetFor('COMMUNE_ADVANCED', '2023-01-01').criteria).toHaveLength(19);
    expect(criteriaSetFor('COMMUNE_MODEL', '2023-01-01').criteria).toHaveLength(22);
    expect(criteriaSetFor('VILLAGE_NTM', '2021-07-01', { provinceCode: '06' }).criteria).toHaveLength(16);
    expect(criteriaSetFor('VILLAGE_NTM', '2023-01-01', { provinceCode: '06' }).criteria).toHaveLength(16);
    expect(criteriaSetFor('COMMUNE_NTM', '2026-03-01').criteria).toHaveLength(10);
    expect(indicatorCount('commune-ntm-2026-2030')).toBe(47);
  });

  it('keep the village criteria in two groups of 3 and 13', () => {
    const groups = criteriaSetById('village-ntm-backan-2021').criteria.map((c) => c.group);
    expect(new Set(groups).size).toBe(2);
    expect(groups.filter((g) => g === groups[0])).toHaveLength(3);
  });

  it('mark what is not confirmed: 2026-2030 indicators are placeholders, QĐ 1306 names are assumed', () => {
    expect(
      criteriaSetById('commune-ntm-2026-2030').criteria.every(
        (c) => c.confirmed && c.indicators.every((i) => !i.confirmed),
      ),
    ).toBe(true);
    expect(criteriaSetById('commune-ntm-2026-2030').note).toMatch(/47/);
    expect(criteriaSetById('village-ntm-backan-2022-2025').criteria.some((c) => c.confirmed)).toBe(false);
    const advanced = criteriaSetById('commune-advanced-2021-2025')
      .criteria.filter((c) => c.confirmed)
      .map((c) => c.code);
    expect(advanced).toEqual(['17', '18']);
  });

  it('pick by date at each boundary', () => {
    expect(criteriaSetFor('COMMUNE_NTM', '2022-03-08').id).toBe('commune-ntm-2021-2025');
    expect(criteriaSetFor('COMMUNE_NTM', '2026-02-14').id).toBe('commune-ntm-2021-2025');
    expect(criteriaSetFor('COMMUNE_NTM', '2026-02-15').id).toBe('commune-ntm-2026-2030');
    const backan = { provinceCode: '06' };
    expect(criteriaSetFor('VILLAGE_NTM', '2022-07-14', backan).id).toBe('village-ntm-backan-2021');
    expect(criteriaSetFor('VILLAGE_NTM', '2022-07-15', backan).id).toBe('village-ntm-backan-2022-2025');
    expect(criteriaSetFor('VILLAGE_NTM', '2022-07-15').id).toBe('village-ntm-fallback');
    expect(criteriaSetFor('COMMUNE_MODEL', '2024-01-01').id).toBe('commune-model-2021-2025');
    expect(criteriaSetFor('POST_MERGER_ACKNOWLEDGEMENT', '2025-08-01').id).toBe('commune-ntm-2021-2025');
  });

  it('refuse kinds and dates with no set, and unknown ids', () => {
    const notFound = expect.objectContaining({ code: 'CRITERIA_SET_NOT_FOUND' }) as Error;
    expect(() => criteriaSetFor('COMMUNE_NTM', '2022-03-07')).toThrowError(notFound);
    expect(() => criteriaSetFor('COMMUNE_ADVANCED', '2026-02-15')).toThrowError(notFound);
    expect(() => criteriaSetFor('REVOCATION', '2024-01-01')).toThrowError(notFound);
    expect(() => criteriaSetById('nope')).toThrowError(notFound);
    expect(() => criteriaSetFor('COMMUNE_NTM', 'soon')).toThrowError(
      expect.objectContaining({ code: 'INVALID_DATE' }) as Error,
    );
  });

  it('use unique criterion and indicator codes within each set', () => {
    for (const s of ALL_CRITERIA_SETS) {
      const codes = s.criteria.map((c) => c.code);
      const indicators = s.criteria.flatMap((c) => c.indicators.map((i) => i.code));
      expect(new Set(codes).size).toBe(codes.length);
      expect(new Set(indicators).size).toBe(indicators.length);
      expect(s.criteria.every((c) => c.indicators.length > 0)).toBe(true);
    }
  });
});

describe('the model tier of a province without its own smart-village and standout-field criteria', () => {
  it('is judged on the national wording, and the choice says it is not that province’s law', () => {
    const choice = criteriaChoiceFor('COMMUNE_MODEL', '2024-01-01', { provinceCode: '40' });
    expect(choice.set.id).toBe('commune-model-2021-2025');
    expect(choice.basis.confirmed).toBe(false);
    expect(choice.basis.note).toMatch(/province 40 has no smart-village or standout-field criteria loaded/);
  });
});
