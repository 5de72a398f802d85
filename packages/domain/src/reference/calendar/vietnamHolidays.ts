/**
 * Days off for Vietnamese state bodies, per year. Statutory holidays are fixed by the Labour Code 2019 Art. 112
 * (New Year 1 day, Tết 5 days, Hùng Kings 1 day, 30/4, 1/5, National Day 2 days, and a compensatory day when a
 * holiday falls on a weekend); the exact Tết days, compensatory days and bridge swaps are set each year by a
 * Prime Minister / Ministry of Home Affairs notice. Years marked `confirmed: false` are from memory and must be
 * checked against that notice before a deadline computed with them is relied on.
 *
 * Vietnam Culture Day (Ngày Văn hóa Việt Nam, 24/11) is deliberately absent: NQ 80-NQ/TW (07/01/2026) made it a
 * paid day off in principle and NQ 30/NQ-CP (2026) tasks an amendment of Labour Code Art. 112(1), but until that
 * amendment is law it is not a statutory holiday (law-findings 2026-12, §5). Add it to each year's `daysOff` from
 * the year the amended Art. 112 takes effect, with the amending law as the source.
 */

/** One year of days off (ngày nghỉ lễ, Tết, nghỉ bù) and weekend days worked in exchange (làm bù). */
export interface HolidayYear {
  year: number;
  /** weekdays on which state bodies are closed */
  daysOff: string[];
  /** Saturdays or Sundays worked in exchange for a bridge day */
  workingWeekendDays: string[];
  confirmed: boolean;
  source: string;
  note?: string;
}

const MEMORY = 'statutory list (Labour Code 2019 Art. 112) with the yearly schedule from memory';
const STATUTE = 'Labour Code 2019 (45/2019/QH14) Art. 111(3), 112';

/**
 * National days off 2022-2027. Each year has the statute's 5 Tết weekdays (statutory days falling on a weekend are
 * compensated) and 2 National Day weekdays (2/9 and the day before or after it, Art. 112(1)(đ)); see each source.
 */
export const VIETNAM_HOLIDAYS: readonly HolidayYear[] = [
  {
    year: 2022,
    daysOff: [
      '2022-01-03', // New Year (Sat) compensated
      '2022-01-31',
      '2022-02-01',
      '2022-02-02',
      '2022-02-03',
      '2022-02-04', // Tết Nhâm Dần
      '2022-04-11', // Hùng Kings 10/3 lunar = Sun 10/04, compensated
      '2022-05-02',
      '2022-05-03', // 30/4 (Sat) and 1/5 (Sun) compensated
      '2022-09-01',
      '2022-09-02', // National Day
    ],
    workingWeekendDays: [],
    confirmed: false,
    source: `${STATUTE}; schedule from memory, consistent with the statute and the weekday arithmetic (law-findings 2026-12 §5)`,
  },
  {
    year: 2023,
    daysOff: [
      '2023-01-02', // New Year (Sun) compensated
      '2023-01-20',
      '2023-01-23',
      '2023-01-24',
      '2023-01-25',
      '2023-01-26', // Tết Quý Mão
      '2023-05-01',
      '2023-05-02',
      '2023-05-03', // Hùng Kings (Sat 29/4), 30/4 (Sun), 1/5
      '2023-09-01',
      '2023-09-04', // National Day (Sat 2/9) and the extra day
    ],
    workingWeekendDays: [],
    confirmed: false,
    source: `${STATUTE}; National Day 1/9-4/9 as reported (theotoi.net); rest consistent (law-findings 2026-12 §5)`,
  },
  {
    year: 2024,
    daysOff: [
      '2024-01-01',
      '2024-02-08',
      '2024-02-09',
      '2024-02-12',
      '2024-02-13',
      '2024-02-14', // Tết Giáp Thìn
      '2024-04-18', // Hùng Kings
      '2024-04-29',
      '2024-04-30',
      '2024-05-01', // 29/4 bridged, worked back on Sat 4/5
      '2024-09-02',
      '2024-09-03',
    ],
    workingWeekendDays: ['2024-05-04'],
    confirmed: true,
    source: `${STATUTE}; 29/4 swapped with Sat 4/5 (VPCP 2450/VPCP-KGVX, 12/04/2024, baotintuc.vn); National Day 31/8-3/9`,
  },
  {
    year: 2025,
    daysOff: [
      '2025-01-01',
      '2025-01-27',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31', // Tết Ất Tỵ
      '2025-04-07', // Hùng Kings
      '2025-04-30',
      '2025-05-01',
      '2025-05-02', // 2/5 bridged, worked back on Sat 26/4
      '2025-09-01',
      '2025-09-02',
    ],
    workingWeekendDays: ['2025-04-26'],
    confirmed: true,
    source: `${STATUTE}; 2/5 swapped with Sat 26/4, National Day 30/8-2/9 (thoidai.com.vn; VietnamPlus)`,
  },
  {
    year: 2026,
    daysOff: [
      '2026-01-01',
      '2026-01-02', // bridged, worked back on Sat 10/1 (VPCP 12729/VPCP-KGVX, 25/12/2025)
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20', // Tết Bính Ngọ: 14/2-22/2
      '2026-04-27', // Hùng Kings on Sun 26/4, compensated
      '2026-04-30',
      '2026-05-01',
      '2026-09-01', // the statutory second National Day day (Art. 112(1)(đ)); 1/9 rather than 3/9 is assumed
      '2026-09-02',
    ],
    workingWeekendDays: ['2026-01-10'],
    confirmed: false,
    source:
      `${STATUTE}; New Year 1/1-4/1 with 2/1 swapped to Sat 10/1 (VPCP 12729/VPCP-KGVX, 25/12/2025); ` +
      'Tết 14/02-22/02 (Thông báo 9441/TB-BNV, 16/10/2025: vietbao.vn, congan.com.vn)',
    note: 'National Day has 2 statutory days; whether the second is 1/9 or 3/9 (Thông báo 9441/TB-BNV) was not read',
  },
  {
    year: 2027,
    daysOff: [
      '2027-01-01',
      '2027-02-05',
      '2027-02-08',
      '2027-02-09', // Tết Đinh Mùi (mùng 1 = Sat 6/2): weekdays of the 5 statutory days
      '2027-02-10',
      '2027-02-11', // 10/2 and 11/2 compensate the statutory days on Sat 6/2 and Sun 7/2 (Art. 111(3); assumed)
      '2027-04-16', // Hùng Kings (10/3 lunar = Fri 16/4, recomputed with Hồ Ngọc Đức's algorithm)
      '2027-04-30',
      '2027-05-03', // 1/5 (Sat) compensated
      '2027-09-02',
      '2027-09-03', // the statutory second National Day day; 3/9 rather than 1/9 is assumed
    ],
    workingWeekendDays: [],
    confirmed: false,
    source: MEMORY,
    note: 'No official schedule existed when this was written; the Tết days and the second National Day day are estimates',
  },
];
