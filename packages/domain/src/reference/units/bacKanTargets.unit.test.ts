import { describe, expect, it } from 'vitest';
import { bacKanTargets } from './bacKanTargets.js';
import { loadBacKan } from './loadBacKan.js';

const t = bacKanTargets();
const reg = loadBacKan();

describe('bacKanTargets', () => {
  it('reproduces the seed totals: 52 to NTM, 15 advanced, 6 model, 202 villages', () => {
    expect(t.total.communes.ntm).toHaveLength(52);
    expect(t.total.communes.advanced).toHaveLength(15);
    expect(t.total.communes.model).toHaveLength(6);
    expect(t.total.villages2022To2025).toBe(202);
    expect(
      new Set([...t.total.communes.ntm, ...t.total.communes.advanced, ...t.total.communes.model]).size,
    ).toBe(65);
  });

  it('has 96 xã in 2022 and the per-district NTM counts of the brief', () => {
    expect(t.districts.reduce((n, d) => n + d.communesXa2022, 0)).toBe(96);
    const ntm = Object.fromEntries(t.districts.map((d) => [d.districtCode, d.communes.ntm.length]));
    expect(ntm).toEqual({ '058': 0, '060': 3, '061': 4, '062': 4, '063': 10, '064': 16, '065': 6, '066': 9 });
    const villages = Object.fromEntries(t.districts.map((d) => [d.districtCode, d.villages2022To2025]));
    expect(villages).toEqual({
      '058': undefined,
      '060': 49,
      '061': 47,
      '062': 37,
      '063': undefined,
      '064': undefined,
      '065': 29,
      '066': 40,
    });
  });

  it('keeps the baseline and the stated totals, which do not add up from 21', () => {
    expect(t.baseline).toMatchObject({
      communesNtm: 21,
      communesAdvanced: 2,
      villagesNtm: 53,
      communesTotal: 96,
      communesNtmEnd2020: 15,
    });
    expect(t.stated).toEqual({
      communesNtm: 67,
      communesAdvanced: 17,
      communesModel: 6,
      villagesNtm: 207,
      districtLevelUnits: 3,
    });
    expect(t.baseline.communesNtmEnd2020 + t.total.communes.ntm.length).toBe(t.stated.communesNtm);
    expect(t.districtLevelUnits).toEqual(['058', '063', '064']);
  });

  it('targets only codes that were communes (xã) in the district on 01/10/2022', () => {
    for (const d of t.districts) {
      for (const code of [...d.communes.ntm, ...d.communes.advanced, ...d.communes.model]) {
        expect(reg.get(code, '2022-10-01')).toMatchObject({ type: 'commune', parentCode: d.districtCode });
      }
    }
  });
});
