import { describe, expect, it } from 'vitest';
import { UnitRegistry } from './UnitRegistry.js';
import type { LineageChange, UnitVersion } from '../types.js';

// A small map: province P with district D; communes A and B merge into A on 2025-07-01 under province Q.
const versions: UnitVersion[] = [
  { code: 'P', name: 'Province P', type: 'province', validFrom: '2020-01-01', validTo: '2025-06-30' },
  { code: 'Q', name: 'Province Q', type: 'province', validFrom: '2025-07-01' },
  {
    code: 'D',
    name: 'District D',
    type: 'district',
    parentCode: 'P',
    validFrom: '2020-01-01',
    validTo: '2025-06-30',
  },
  {
    code: 'A',
    name: 'Xã A',
    type: 'commune',
    parentCode: 'D',
    validFrom: '2020-01-01',
    validTo: '2025-06-30',
  },
  { code: 'A', name: 'Xã A mới', type: 'commune', parentCode: 'Q', validFrom: '2025-07-01' },
  {
    code: 'B',
    name: 'Xã B',
    type: 'commune',
    parentCode: 'D',
    validFrom: '2020-01-01',
    validTo: '2023-04-09',
  },
  {
    code: 'B',
    name: 'Thị trấn B',
    type: 'town',
    parentCode: 'D',
    validFrom: '2023-04-10',
    validTo: '2025-06-30',
    basis: 'NQ X',
  },
  {
    code: 'W',
    name: 'Phường W',
    type: 'ward',
    parentCode: 'D',
    validFrom: '2020-01-01',
    validTo: '2025-06-30',
  },
];
const lineage: LineageChange[] = [
  { kind: 'reclassify', effectiveDate: '2023-04-10', from: ['B'], to: ['B'], basis: 'NQ X' },
  { kind: 'merge', effectiveDate: '2025-07-01', from: ['A', 'B', 'W'], to: ['A'], basis: 'NQ Y' },
  { kind: 'merge', effectiveDate: '2025-07-01', from: ['P'], to: ['Q'], basis: 'NQ Y' },
];
const reg = new UnitRegistry(versions, lineage);

describe('UnitRegistry', () => {
  it('answers by date: the same code names different units over time', () => {
    expect(reg.get('A', '2025-06-30')?.name).toBe('Xã A');
    expect(reg.get('A', '2025-07-01')?.name).toBe('Xã A mới');
    expect(reg.get('B', '2025-07-01')).toBeUndefined();
    expect(reg.history('B').map((v) => v.type)).toEqual(['commune', 'town']);
  });

  it('walks the tree on a date', () => {
    expect(reg.parentAt('A', '2024-01-01')?.code).toBe('D');
    expect(reg.districtOf('A', '2024-01-01')?.code).toBe('D');
    expect(reg.districtOf('A', '2025-07-01')).toBeUndefined();
    expect(reg.provinceOf('A', '2024-01-01').code).toBe('P');
    expect(reg.provinceOf('A', '2025-07-01').code).toBe('Q');
    expect(reg.communesOf('D', '2024-01-01').map((v) => v.code)).toEqual(['A', 'B', 'W']);
  });

  it('refuses a district that no longer exists, and a unit that is not a district', () => {
    expect(() => reg.communesOf('D', '2025-07-01')).toThrowError(
      expect.objectContaining({ code: 'UNIT_NOT_VALID_ON_DATE' }) as Error,
    );
    expect(() => reg.communesOf('A', '2024-01-01')).toThrowError(
      expect.objectContaining({ code: 'UNIT_WRONG_TYPE' }) as Error,
    );
    expect(() => reg.communesOf('Z', '2024-01-01')).toThrowError(
      expect.objectContaining({ code: 'UNIT_NOT_FOUND' }) as Error,
    );
  });

  it('follows lineage both ways', () => {
    expect(reg.successorsOf('W')).toEqual([
      { code: 'A', kind: 'merge', effectiveDate: '2025-07-01', basis: 'NQ Y' },
    ]);
    expect(reg.successorsOf('B').map((l) => `${l.kind}:${l.code}`)).toEqual(['reclassify:B', 'merge:A']);
    expect(reg.predecessorsOf('A').map((l) => l.code)).toEqual(['A', 'B', 'W']);
    expect(() => reg.successorsOf('Z')).toThrowError(
      expect.objectContaining({ code: 'UNIT_NOT_FOUND' }) as Error,
    );
  });

  it('derives eligibility from history', () => {
    expect(reg.eligibility('B', 'COMMUNE_NTM', '2023-04-09')).toEqual({ eligible: true });
    expect(reg.eligibility('B', 'COMMUNE_NTM', '2023-04-10')).toMatchObject({
      eligible: false,
      code: 'UNIT_TYPE_NOT_ELIGIBLE',
    });
    expect(reg.eligibility('W', 'COMMUNE_ADVANCED', '2024-01-01')).toMatchObject({
      eligible: false,
      code: 'UNIT_TYPE_NOT_ELIGIBLE',
    });
    expect(reg.eligibility('W', 'COMMUNE_NTM', '2025-08-01')).toMatchObject({
      eligible: false,
      code: 'UNIT_NOT_VALID_ON_DATE',
      successors: ['A'],
    });
    expect(reg.eligibility('Z', 'COMMUNE_NTM', '2024-01-01')).toMatchObject({
      eligible: false,
      code: 'UNIT_UNKNOWN',
    });
    expect(reg.eligibility('A-thon1', 'VILLAGE_NTM', '2024-01-01')).toEqual({ eligible: true });
    expect(reg.eligibility('W-to3', 'VILLAGE_NTM', '2024-01-01')).toMatchObject({
      eligible: false,
      code: 'UNIT_TYPE_NOT_ELIGIBLE',
    });
    expect(reg.eligibility('A', 'POST_MERGER_ACKNOWLEDGEMENT', '2025-06-30')).toMatchObject({
      eligible: false,
      code: 'NO_MERGER_ON_RECORD',
    });
    expect(reg.eligibility('A', 'POST_MERGER_ACKNOWLEDGEMENT', '2025-07-01')).toEqual({ eligible: true });
  });

  it('rejects bad dates and inconsistent data with typed errors', () => {
    expect(() => reg.get('A', '2025-13-01')).toThrowError(
      expect.objectContaining({ code: 'INVALID_DATE' }) as Error,
    );
    const overlap = [
      ...versions,
      { code: 'A', name: 'dup', type: 'commune' as const, validFrom: '2024-01-01' },
    ];
    expect(() => new UnitRegistry(overlap, [])).toThrowError(
      expect.objectContaining({ code: 'UNIT_DATA_INVALID' }) as Error,
    );
    const badLineage: LineageChange[] = [
      { kind: 'merge', effectiveDate: '2025-07-01', from: ['A'], to: ['nowhere'], basis: 'x' },
    ];
    expect(() => new UnitRegistry(versions, badLineage)).toThrowError(
      expect.objectContaining({ code: 'UNIT_DATA_INVALID' }) as Error,
    );
    const backwards = [
      { code: 'X', name: 'x', type: 'commune' as const, validFrom: '2024-01-02', validTo: '2024-01-01' },
    ];
    expect(() => new UnitRegistry(backwards, [])).toThrowError(
      expect.objectContaining({ code: 'UNIT_DATA_INVALID' }) as Error,
    );
  });
});
