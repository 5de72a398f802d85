/**
 * Bộ tiêu chí quốc gia về xã nông thôn mới 2026-2030 — QĐ 51/2025/QĐ-TTg (in force 15/02/2026): 10 criteria and 47
 * indicators with thresholds per commune group (group1 urbanising, group3 Region II/III ethnic-minority and
 * mountain communes, group2 the rest). The criterion names are confirmed; the indicator names are not known here,
 * so they are numbered placeholders (`confirmed: false`), spread over the criteria only so that the total of 47
 * holds. Replace them, and their split per criterion, from the decision's annex.
 */
import type { CriteriaSet } from '../types.js';
import { criterion, indicator, perGroupUnknown } from './criteriaBuilders.js';

const CRITERIA: readonly [nameVi: string, name: string, placeholderIndicators: number][] = [
  ['Quy hoạch', 'Planning', 4],
  ['Hạ tầng kinh tế - xã hội', 'Socio-economic infrastructure', 6],
  ['Phát triển kinh tế nông thôn', 'Rural economic development', 5],
  ['Đào tạo nguồn nhân lực nông thôn', 'Rural workforce training', 4],
  ['Văn hóa - Giáo dục - Y tế', 'Culture, education and health', 6],
  ['Giảm nghèo và an sinh xã hội', 'Poverty reduction and social security', 4],
  ['Khoa học, công nghệ và chuyển đổi số', 'Science, technology and digital transformation', 4],
  ['Môi trường và cảnh quan nông thôn', 'Environment and rural landscape', 6],
  ['Hệ thống chính trị và hành chính công', 'Political system and public administration', 4],
  ['Tiếp cận pháp luật, quốc phòng và an ninh', 'Access to law, defence and security', 4],
];

export const COMMUNE_NTM_2026_2030: CriteriaSet = {
  id: 'commune-ntm-2026-2030',
  version: 1,
  period: { from: 2026, to: 2030 },
  level: 'commune',
  tier: 'ntm',
  issuer: 'Thủ tướng Chính phủ',
  legalRef: 'QĐ 51/2025/QĐ-TTg (29/12/2025)',
  effectiveFrom: '2026-02-15',
  note: 'Indicators are numbered placeholders so that the count of 47 holds; names, split and thresholds are unknown.',
  criteria: CRITERIA.map(([nameVi, name, count], idx) => {
    const code = String(idx + 1);
    const indicators = Array.from({ length: count }, (_, k) =>
      indicator(
        `${code}.${k + 1}`,
        `indicator ${code}.${k + 1} (name not retrieved)`,
        'unknown',
        '>=',
        perGroupUnknown(),
        false,
        'placeholder',
      ),
    );
    return criterion(code, nameVi, name, 'national 2026-2030', indicators, true);
  }),
};
