/**
 * Bộ tiêu chí quốc gia về xã nông thôn mới 2021-2025 — commune NTM criteria, QĐ 318/QĐ-TTg Annex I. The 19 names and
 * the region-and-year structure are confirmed; indicator wording and values are from memory, `null` where unknown.
 * Bắc Kạn binds communes to its localised set QĐ 1304/QĐ-UBND (2022), not retrieved.
 */
import type { CriteriaSet } from '../types.js';
import { criterion as c, everywhere, indicator as i, mustHold } from './criteriaBuilders.js';

/** Northern Midlands and Mountains (Trung du và miền núi phía Bắc), Bắc Kạn's region. */
export const REGION_TDMNPB = 'TDMNPB';

const PLAN = 'planning';
const INFRA = 'socio-economic infrastructure';
const ECON = 'economy and production organisation';
const SOC = 'culture, society and environment';
const POL = 'political system';
const byRegionUnknown = [{ appliesTo: REGION_TDMNPB, value: null }];
const incomeByYear = [2022, 2023, 2024, 2025].map((year) => ({
  appliesTo: REGION_TDMNPB,
  year,
  value: null,
}));

export const COMMUNE_NTM_2021_2025: CriteriaSet = {
  id: 'commune-ntm-2021-2025',
  version: 1,
  period: { from: 2021, to: 2025 },
  level: 'commune',
  tier: 'ntm',
  issuer: 'Thủ tướng Chính phủ',
  legalRef: 'QĐ 318/QĐ-TTg (08/03/2022), Annex I',
  effectiveFrom: '2022-03-08',
  effectiveTo: '2026-02-14',
  note: 'Groups are display metadata: sources disagree on where criteria 14-19 sit.',
  criteria: [
    c(
      '1',
      'Quy hoạch',
      'Planning',
      PLAN,
      [
        mustHold('1.1', 'approved and published commune master plan'),
        mustHold('1.2', 'planning management rules issued and applied'),
      ],
      true,
    ),
    c(
      '2',
      'Giao thông',
      'Transport',
      INFRA,
      [
        i('2.1', 'commune roads asphalted or concreted', '%', '>=', everywhere(100)),
        i(
          '2.2',
          'village and inter-village roads hardened',
          '%',
          '>=',
          byRegionUnknown,
          false,
          'region-dependent',
        ),
      ],
      true,
    ),
    c(
      '3',
      'Thủy lợi và phòng, chống thiên tai',
      'Irrigation and disaster prevention',
      INFRA,
      [
        i(
          '3.1',
          'farm land irrigated and drained proactively',
          '%',
          '>=',
          everywhere(80),
          false,
          'danviet gives 80% without saying whether for NTM or advanced',
        ),
        mustHold('3.2', 'disaster readiness on the "4 on-the-spot" principle'),
      ],
      true,
    ),
    c(
      '4',
      'Điện',
      'Electricity',
      INFRA,
      [
        mustHold('4.1', 'grid meets the technical standard'),
        i('4.2', 'households with safe, regular supply', '%', '>=', byRegionUnknown),
      ],
      true,
    ),
    c(
      '5',
      'Trường học',
      'Schools',
      INFRA,
      [i('5.1', 'schools with standard facilities', '%', '>=', byRegionUnknown)],
      true,
    ),
    c(
      '6',
      'Cơ sở vật chất văn hóa',
      'Cultural facilities',
      INFRA,
      [
        mustHold('6.1', 'commune cultural hall and sports ground'),
        i('6.2', 'villages with a meeting hall', '%', '>=', everywhere(100)),
      ],
      true,
    ),
    c(
      '7',
      'Cơ sở hạ tầng thương mại nông thôn',
      'Rural commerce infrastructure',
      INFRA,
      [mustHold('7.1', 'rural market or trading place to standard')],
      true,
    ),
    c(
      '8',
      'Thông tin và Truyền thông',
      'Information and communication',
      INFRA,
      [
        mustHold('8.1', 'postal service point'),
        mustHold('8.2', 'telecom and internet services'),
        mustHold('8.3', 'loudspeaker system to the villages'),
        mustHold('8.4', 'IT used in administration'),
      ],
      true,
    ),
    c(
      '9',
      'Nhà ở dân cư',
      'Housing',
      INFRA,
      [
        i('9.1', 'makeshift or dilapidated houses', '%', '<=', everywhere(0)),
        i('9.2', 'solid or semi-solid houses', '%', '>=', byRegionUnknown),
      ],
      true,
    ),
    c(
      '10',
      'Thu nhập',
      'Income',
      ECON,
      [
        i(
          '10.1',
          'rural income per head',
          'million VND/year',
          '>=',
          incomeByYear,
          false,
          'thresholds per region and year (confirmed structure); values not retrieved',
        ),
      ],
      true,
    ),
    c(
      '11',
      'Nghèo đa chiều',
      'Multidimensional poverty',
      ECON,
      [i('11.1', 'multidimensional poverty rate', '%', '<=', byRegionUnknown)],
      true,
    ),
    c(
      '12',
      'Lao động',
      'Labour',
      ECON,
      [
        i('12.1', 'workers with training', '%', '>=', byRegionUnknown),
        i('12.2', 'trained workers with a certificate', '%', '>=', byRegionUnknown),
      ],
      true,
    ),
    c(
      '13',
      'Tổ chức sản xuất và phát triển kinh tế nông thôn',
      'Production organisation and rural economy',
      ECON,
      [
        mustHold('13.1', 'cooperative operating effectively'),
        mustHold('13.2', 'value-chain linkage for a key product'),
      ],
      true,
    ),
    c(
      '14',
      'Giáo dục và Đào tạo',
      'Education and training',
      SOC,
      [
        mustHold('14.1', 'universal pre-school, primary and lower-secondary education maintained'),
        i('14.2', 'pupils continuing after lower secondary', '%', '>=', byRegionUnknown),
      ],
      true,
    ),
    c(
      '15',
      'Y tế',
      'Health',
      SOC,
      [
        i('15.1', 'health-insurance coverage', '%', '>=', byRegionUnknown),
        mustHold('15.2', 'commune health station meets the standard'),
        i('15.3', 'stunting among children under 5', '%', '<=', byRegionUnknown),
      ],
      true,
    ),
    c(
      '16',
      'Văn hóa',
      'Culture',
      SOC,
      [i('16.1', 'villages meeting the cultural-village standard', '%', '>=', byRegionUnknown)],
      true,
    ),
    c(
      '17',
      'Môi trường và an toàn thực phẩm',
      'Environment and food safety',
      SOC,
      [
        i('17.1', 'households using clean water', '%', '>=', byRegionUnknown),
        mustHold('17.2', 'household solid waste collected and treated'),
        i('17.3', 'households with sanitary latrines', '%', '>=', byRegionUnknown),
        mustHold('17.4', 'food-safety rules complied with'),
      ],
      true,
      'the annex has about ten indicators; four are modelled',
    ),
    c(
      '18',
      'Hệ thống chính trị và tiếp cận pháp luật',
      'Political system and access to law',
      POL,
      [
        mustHold('18.1', 'officials meet the standards'),
        mustHold('18.2', 'commune meets the access-to-law standard'),
        mustHold('18.3', 'gender equality ensured'),
      ],
      true,
    ),
    c(
      '19',
      'Quốc phòng và An ninh',
      'Defence and security',
      POL,
      [
        mustHold('19.1', 'militia built and trained as required'),
        mustHold('19.2', 'security and order ensured'),
      ],
      true,
    ),
  ],
};
