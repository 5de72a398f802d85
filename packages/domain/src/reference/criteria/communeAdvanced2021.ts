/**
 * Bộ tiêu chí xã nông thôn mới nâng cao 2021-2025 — commune advanced NTM criteria, QĐ 318/QĐ-TTg Annex II. The list of
 * 19 is from memory except "Môi trường" (17) and "Chất lượng môi trường sống" (18), which the revocation rule names.
 * Bắc Kạn's localised set is QĐ 1305/QĐ-UBND (2022), not retrieved.
 */
import type { CriteriaSet } from '../types.js';
import { criterion as c, indicator as i, mustHold } from './criteriaBuilders.js';
import { REGION_TDMNPB } from './communeNtm2021.js';

const GROUP = 'advanced';
/** One "meets the advanced level of criterion N" indicator per criterion until the annex is read. */
const atAdvancedLevel = (code: string, name: string) => [
  mustHold(`${code}.1`, `${name} at the advanced level`, false, 'placeholder for the annex indicators'),
];

export const COMMUNE_ADVANCED_2021_2025: CriteriaSet = {
  id: 'commune-advanced-2021-2025',
  version: 1,
  period: { from: 2021, to: 2025 },
  level: 'commune',
  tier: 'advanced',
  issuer: 'Thủ tướng Chính phủ',
  legalRef: 'QĐ 318/QĐ-TTg (08/03/2022), Annex II',
  effectiveFrom: '2022-03-08',
  effectiveTo: '2026-02-14',
  note: 'Precondition (ladder): the commune already holds NTM recognition.',
  criteria: [
    c('1', 'Quy hoạch', 'Planning', GROUP, atAdvancedLevel('1', 'planning'), false),
    c(
      '2',
      'Giao thông',
      'Transport',
      GROUP,
      [
        mustHold(
          '2.1',
          'commune roads maintained yearly to the "bright-green-clean-beautiful" standard',
          true,
          'danviet example',
        ),
      ],
      false,
    ),
    c(
      '3',
      'Thủy lợi và phòng, chống thiên tai',
      'Irrigation and disaster prevention',
      GROUP,
      atAdvancedLevel('3', 'irrigation'),
      false,
    ),
    c('4', 'Điện', 'Electricity', GROUP, atAdvancedLevel('4', 'electricity'), false),
    c('5', 'Giáo dục', 'Education', GROUP, atAdvancedLevel('5', 'education'), false),
    c('6', 'Văn hóa', 'Culture', GROUP, atAdvancedLevel('6', 'culture'), false),
    c(
      '7',
      'Cơ sở hạ tầng thương mại nông thôn',
      'Rural commerce infrastructure',
      GROUP,
      atAdvancedLevel('7', 'rural commerce'),
      false,
    ),
    c(
      '8',
      'Thông tin và truyền thông',
      'Information and communication',
      GROUP,
      atAdvancedLevel('8', 'ICT'),
      false,
    ),
    c('9', 'Nhà ở dân cư', 'Housing', GROUP, atAdvancedLevel('9', 'housing'), false),
    c(
      '10',
      'Thu nhập',
      'Income',
      GROUP,
      [
        i(
          '10.1',
          'rural income per head',
          'million VND/year',
          '>=',
          [2022, 2023, 2024, 2025].map((year) => ({ appliesTo: REGION_TDMNPB, year, value: null })),
        ),
      ],
      false,
    ),
    c(
      '11',
      'Nghèo đa chiều',
      'Multidimensional poverty',
      GROUP,
      atAdvancedLevel('11', 'poverty reduction'),
      false,
    ),
    c('12', 'Lao động', 'Labour', GROUP, atAdvancedLevel('12', 'labour'), false),
    c(
      '13',
      'Tổ chức sản xuất và phát triển kinh tế nông thôn',
      'Production organisation and rural economy',
      GROUP,
      atAdvancedLevel('13', 'production organisation'),
      false,
    ),
    c('14', 'Y tế', 'Health', GROUP, atAdvancedLevel('14', 'health'), false),
    c(
      '15',
      'Hành chính công',
      'Public administration',
      GROUP,
      atAdvancedLevel('15', 'public administration'),
      false,
    ),
    c('16', 'Tiếp cận pháp luật', 'Access to law', GROUP, atAdvancedLevel('16', 'access to law'), false),
    c('17', 'Môi trường', 'Environment', GROUP, atAdvancedLevel('17', 'environment'), true),
    c(
      '18',
      'Chất lượng môi trường sống',
      'Quality of the living environment',
      GROUP,
      atAdvancedLevel('18', 'living environment'),
      true,
    ),
    c(
      '19',
      'Quốc phòng và an ninh',
      'Defence and security',
      GROUP,
      atAdvancedLevel('19', 'defence and security'),
      false,
    ),
  ],
};
