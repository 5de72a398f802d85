/**
 * Bộ tiêu chí thôn nông thôn mới, Bắc Kạn — village criteria: 16 criteria in two groups (QĐ 902/QĐ-UBND, 2021).
 * The 2022-2025 set (QĐ 1306/QĐ-UBND of 15/07/2022) was not retrieved; it is assumed to keep the same structure.
 */
import type { CriteriaSet } from '../types.js';
import { criterion, mustHold } from './criteriaBuilders.js';

const COMMUNITY = 'community organisation';
const DEVELOPMENT = 'village development activities';

const NAMES: readonly [nameVi: string, name: string, group: string][] = [
  ['Ban phát triển thôn', 'Village development board elected and recognised by the commune', COMMUNITY],
  ['Hương ước', 'Approved village covenant signed up to by households', COMMUNITY],
  ['Kế hoạch có sự tham gia', 'Participatory plan per criterion certified by the commune', COMMUNITY],
  ['Giao thông', 'Transport', DEVELOPMENT],
  ['Thủy lợi', 'Irrigation', DEVELOPMENT],
  ['Điện', 'Electricity', DEVELOPMENT],
  ['Cơ sở vật chất văn hóa', 'Cultural facilities', DEVELOPMENT],
  ['Nhà ở và công trình phụ', 'Housing and outbuildings', DEVELOPMENT],
  ['Giáo dục', 'Education', DEVELOPMENT],
  ['Y tế', 'Health', DEVELOPMENT],
  ['Văn hóa', 'Culture', DEVELOPMENT],
  ['Mô hình sản xuất', 'Production models', DEVELOPMENT],
  ['Kinh tế hộ', 'Household economy', DEVELOPMENT],
  ['Môi trường và cảnh quan nông thôn', 'Environment and rural landscape', DEVELOPMENT],
  ['An ninh, trật tự', 'Security and order', DEVELOPMENT],
  ['Hệ thống chính trị', 'Political system', DEVELOPMENT],
];

/** The 16 criteria of QĐ 902/2021, names confirmed or not; also the structure of the fallback village set. */
export function villageCriteria(namesConfirmed: boolean) {
  return NAMES.map(([nameVi, name, group], idx) => {
    const code = String(idx + 1);
    const meets = mustHold(
      `${code}.1`,
      `${name}: met as certified by the commune`,
      false,
      'placeholder: the indicator texts were not retrieved',
    );
    return criterion(code, nameVi, name, group, [meets], namesConfirmed);
  });
}

export const VILLAGE_BAC_KAN_2021: CriteriaSet = {
  id: 'village-ntm-backan-2021',
  version: 1,
  period: { from: 2021, to: 2021 },
  level: 'village',
  tier: 'ntm',
  issuer: 'UBND tỉnh Bắc Kạn',
  legalRef: 'QĐ 902/QĐ-UBND (16/06/2021)',
  effectiveFrom: '2021-06-16',
  effectiveTo: '2022-07-14',
  criteria: villageCriteria(true),
};

export const VILLAGE_BAC_KAN_2022_2025: CriteriaSet = {
  id: 'village-ntm-backan-2022-2025',
  version: 1,
  period: { from: 2022, to: 2025 },
  level: 'village',
  tier: 'ntm',
  issuer: 'UBND tỉnh Bắc Kạn',
  legalRef: 'QĐ 1306/QĐ-UBND (15/07/2022)',
  effectiveFrom: '2022-07-15',
  note: 'Text not retrieved: the QĐ 902/2021 structure is assumed, and criterion names are unconfirmed for this set.',
  criteria: villageCriteria(false),
};
