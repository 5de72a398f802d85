import { describe, expect, it } from 'vitest';
import { nationalUnits } from '../units/loadNationalUnits.js';
import { criteriaChoiceFor } from './criteriaSetFor.js';
import { PROVINCIAL_CRITERIA, villageCriteriaFor } from './provincialCriteria.js';

const units = nationalUnits();
/** Quảng Bạch (Thái Nguyên, 19) from 01/07/2025, formed from communes of Bắc Kạn (06) */
const QUANG_BACH = '02038';
/** a Thái Nguyên commune after the reform formed only from communes of the former Thái Nguyên */
const formedInThaiNguyen = units
  .codes()
  .find(
    (c) =>
      units.get(c, '2025-07-02')?.type === 'commune' &&
      units.provinceOf(c, '2025-07-02').code === '19' &&
      units.predecessorsOf(c).length > 0 &&
      units.predecessorsOf(c).every((p) => units.provinceOf(p.code, '2025-06-30').code === '19'),
  )!;

describe("a province's village criteria", () => {
  it('are its own sets, picked by date (Bắc Kạn QĐ 902/2021, then QĐ 1306/2022)', () => {
    const at = (date: string) => villageCriteriaFor({ provinceCode: '06' }, date);
    expect(at('2022-07-14')).toMatchObject({ source: 'own', set: { id: 'village-ntm-backan-2021' } });
    expect(at('2022-07-15')).toMatchObject({ source: 'own', set: { id: 'village-ntm-backan-2022-2025' } });
    expect(at('2022-07-15').basis.confirmed).toBe(true);
  });

  it('fall back, unconfirmed and saying why, for a province with none loaded', () => {
    const choice = villageCriteriaFor({ provinceCode: '10' }, '2024-05-02');
    expect(choice).toMatchObject({ source: 'fallback', set: { id: 'village-ntm-fallback' } });
    expect(choice.basis.confirmed).toBe(false);
    expect(choice.basis.note).toContain('province 10');
    expect(choice.set.criteria.every((c) => !c.confirmed)).toBe(true);
  });

  it("continue, unconfirmed, in the former territory of a merged province (Bắc Kạn's in Quảng Bạch)", () => {
    const choice = villageCriteriaFor({ provinceCode: '19', communeCode: QUANG_BACH, units }, '2025-08-01');
    expect(choice).toMatchObject({ source: 'former_province', set: { id: 'village-ntm-backan-2022-2025' } });
    expect(choice.basis.confirmed).toBe(false);
    expect(choice.basis.legalBasis).toContain('province 06');
  });

  it('fall back for a commune formed only from communes of a province with none loaded', () => {
    expect(formedInThaiNguyen).toBeDefined();
    const choice = villageCriteriaFor(
      { provinceCode: '19', communeCode: formedInThaiNguyen, units },
      '2025-08-01',
    );
    expect(choice.source).toBe('fallback');
  });

  it('are chosen by criteriaChoiceFor for a village, and list one entry per province code', () => {
    expect(criteriaChoiceFor('VILLAGE_NTM', '2024-01-01', { provinceCode: '06' }).set.id).toBe(
      'village-ntm-backan-2022-2025',
    );
    expect(criteriaChoiceFor('VILLAGE_NTM', '2024-01-01', { provinceCode: '42' }).set.id).toBe(
      'village-ntm-fallback',
    );
    const codes = PROVINCIAL_CRITERIA.map((p) => p.provinceCode);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('merge a province model rules into the model set when loaded, and leave the national set otherwise', () => {
    expect(
      criteriaChoiceFor('COMMUNE_MODEL', '2024-01-01', { provinceCode: '06' }).set.criteria,
    ).toHaveLength(22);
  });
});
