import { describe, expect, it } from 'vitest';
import { loadBacKan } from './loadBacKan.js';

const reg = loadBacKan();
const BEFORE = '2022-10-01';
const AFTER = '2025-07-01';
const DISTRICTS = ['058', '060', '061', '062', '063', '064', '065', '066'];
const VAN_TUNG = '01954';
const DUC_VAN = '01951';

const communeLevel = (onDate: string) => DISTRICTS.flatMap((d) => reg.communesOf(d, onDate));

describe('loadBacKan', () => {
  it('has province 06 with 8 district-level units and 108 commune-level units (96 xã) in 2022', () => {
    expect(reg.get('06', BEFORE)?.type).toBe('province');
    expect(DISTRICTS.map((d) => reg.parentAt(d, BEFORE)?.code)).toEqual(Array(8).fill('06'));
    expect(reg.get('058', BEFORE)?.type).toBe('city');
    const units = communeLevel(BEFORE);
    expect(units).toHaveLength(108);
    const byType = (t: string) => units.filter((u) => u.type === t).length;
    expect([byType('commune'), byType('ward'), byType('town')]).toEqual([96, 6, 6]);
  });

  it('reclassifies Vân Tùng as a town from 10/04/2023 (95 xã), so it cannot take a commune dossier', () => {
    expect(reg.get(VAN_TUNG, '2023-04-09')?.type).toBe('commune');
    expect(reg.get(VAN_TUNG, '2023-04-10')).toMatchObject({ type: 'town', basis: 'NQ 722/NQ-UBTVQH15' });
    expect(communeLevel('2023-04-10').filter((u) => u.type === 'commune')).toHaveLength(95);
    expect(reg.eligibility(VAN_TUNG, 'COMMUNE_ADVANCED', '2023-04-09')).toEqual({ eligible: true });
    expect(reg.eligibility(VAN_TUNG, 'COMMUNE_MODEL', '2024-06-01')).toMatchObject({
      eligible: false,
      code: 'UNIT_TYPE_NOT_ELIGIBLE',
    });
  });

  it('dissolves Bắc Kạn into 37 Thái Nguyên units (2 wards, 35 communes) on 01/07/2025', () => {
    expect(reg.get('06', AFTER)).toBeUndefined();
    expect(reg.provinceOf('01954', AFTER).code).toBe('19');
    const successors = new Set(
      communeLevel(BEFORE).flatMap((u) =>
        reg
          .successorsOf(u.code)
          .filter((l) => l.kind === 'merge')
          .map((l) => l.code),
      ),
    );
    expect(successors.size).toBe(37);
    const types = [...successors].map((c) => reg.get(c, AFTER)!.type);
    expect(types.filter((t) => t === 'ward')).toHaveLength(2);
    expect(types.filter((t) => t === 'commune')).toHaveLength(35);
    expect([...successors].every((c) => reg.parentAt(c, AFTER)?.code === '19')).toBe(true);
  });

  it('sends dossiers after the merger to the successor code and has no district any more', () => {
    expect(reg.eligibility(DUC_VAN, 'COMMUNE_NTM', AFTER)).toMatchObject({
      eligible: false,
      code: 'UNIT_NOT_VALID_ON_DATE',
      successors: ['01954'],
    });
    expect(reg.eligibility('01954', 'COMMUNE_NTM', AFTER)).toEqual({ eligible: true }); // Xã Ngân Sơn reuses the code
    expect(
      reg
        .predecessorsOf('01954')
        .filter((l) => l.kind === 'merge')
        .map((l) => l.code),
    ).toEqual(['01945', '01951', '01954']);
    expect(reg.eligibility('01852', 'COMMUNE_MODEL', AFTER)).toMatchObject({ successors: ['01843'] }); // Nông Thượng
    expect(reg.eligibility('01843', 'COMMUNE_MODEL', AFTER)).toMatchObject({
      code: 'UNIT_TYPE_NOT_ELIGIBLE',
    }); // Phường Bắc Kạn
    expect(reg.districtOf('02014', AFTER)).toBeUndefined();
    expect(() => reg.communesOf('063', AFTER)).toThrowError(
      expect.objectContaining({ code: 'UNIT_NOT_VALID_ON_DATE' }) as Error,
    );
  });

  it('merges across former districts: Xã Bạch Thông takes Đồng Thắng from Chợ Đồn', () => {
    const from = reg.predecessorsOf('02014').map((l) => [l.code, reg.districtOf(l.code, BEFORE)?.code]);
    expect(from).toEqual([
      ['02014', '063'],
      ['02017', '063'],
      ['02059', '064'],
    ]);
    expect(reg.eligibility('02014', 'POST_MERGER_ACKNOWLEDGEMENT', AFTER)).toEqual({ eligible: true });
  });
});
