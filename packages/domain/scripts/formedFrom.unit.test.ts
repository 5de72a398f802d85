import { describe, expect, it } from 'vitest';
import {
  asciiKey,
  editDistance,
  looseKey,
  normalizeName,
  parseFormedFrom,
  provinceBare,
} from './formedFrom.js';

describe('formed-from texts', () => {
  it('normalises case, old-style tone marks and apostrophes', () => {
    expect(normalizeName('Tỉnh Thanh Hoá')).toBe(normalizeName('tỉnh Thanh Hóa'));
    expect(normalizeName('Xã Ea H’leo')).toBe("xã ea h'leo");
    expect(normalizeName('Phường Thuỵ Khuê')).toBe(normalizeName('Phường Thụy Khuê'));
    expect(provinceBare('Thủ Đô Hà Nội')).toBe('hà nội');
    expect(provinceBare('TPHCM')).toBe('hồ chí minh');
  });

  it('reads the district beside a name, partial units, kept units and whole districts', () => {
    expect(parseFormedFrom('Xã Quang Trung (huyện Trùng Khánh), Xã Tri Phương')).toMatchObject([
      { kind: 'commune', prefix: 'xã', bare: 'quang trung', district: 'trùng khánh', partial: false },
      { kind: 'commune', prefix: 'xã', bare: 'tri phương', partial: false },
    ]);
    // a parenthesis left open across a comma stays one item
    expect(
      parseFormedFrom(
        'Phường Bồ Đề (phần còn lại sau khi sáp nhập vào phường Hồng Hà, phường Long Biên), Xã A',
      ),
    ).toMatchObject([{ bare: 'bồ đề', partial: true }, { bare: 'a' }]);
    expect(
      parseFormedFrom('Phường Quang Trung (quận Hà Đông) (phần còn lại sau khi sáp nhập)'),
    ).toMatchObject([{ bare: 'quang trung', district: 'hà đông', partial: true }]);
    expect(parseFormedFrom('giữ nguyên')).toMatchObject([{ kind: 'kept' }]);
    expect(parseFormedFrom('Huyện Lý Sơn')).toMatchObject([{ kind: 'district', bare: 'lý sơn' }]);
    expect(parseFormedFrom('Phường 5, Phường 9 (Quận 5)')).toMatchObject([
      { bare: '5', district: undefined },
      { bare: '9', district: '5' },
    ]);
  });

  it('matches spellings that differ only in spacing, hyphens, "Nông trường" or diacritics', () => {
    expect(looseKey('A Xan')).toBe(looseKey('Axan'));
    expect(looseKey('Phương Liên - Trung Tự')).toBe(looseKey('Phương Liên Trung Tự'));
    expect(looseKey('Mỹ Quí')).toBe(looseKey('Mỹ Quý'));
    expect(looseKey('Nông trường Lệ Ninh')).toBe(looseKey('NT Lệ Ninh'));
    expect(asciiKey('Sỹ Bình')).toBe(asciiKey('Sĩ Bình'));
    expect(editDistance(asciiKey('Xà Phìn'), asciiKey('Sà Phìn'))).toBe(1);
  });
});
