/**
 * Days off for Vietnamese state bodies, as dated data (`data/vn-holidays.json`): one entry per day with its kind
 * and source. Statutory holidays are fixed by the Labour Code 2019 Art. 112 (New Year 1 day, Tết 5 days, Hùng Kings
 * 1 day, 30/4, 1/5, National Day 2 days; Art. 111(3): a holiday on a weekend is taken on the next working day); the
 * exact Tết and National Day days, the compensatory days and bridge swaps are set each year by a Prime Minister /
 * Government Office / Ministry of Home Affairs notice, named in the entry's source. An entry marked
 * `confirmed: false` is from memory or an estimate and must be checked against that notice before a deadline
 * computed with it is relied on.
 *
 * Vietnam Culture Day (Ngày Văn hóa Việt Nam, 24/11) is deliberately absent: NQ 80-NQ/TW (07/01/2026) made it a
 * paid day off in principle and NQ 30/NQ-CP (2026) tasks an amendment of Labour Code Art. 112(1), but until that
 * amendment is law it is not a statutory holiday (law-findings 2026-12, §5). Add it to each year from the year the
 * amended Art. 112 takes effect, with the amending law as the source.
 */
import data from '../../data/vn-holidays.json' with { type: 'json' };
import { assertIsoDate, fromDayNumber, toDayNumber, weekdayOf } from './isoDate.js';
import { ReferenceDataError } from '../ReferenceDataError.js';

/** The statutory holidays of Art. 112(1), with how many days each has. */
export const STATUTORY_HOLIDAYS = {
  new_year: 1,
  tet: 5,
  victory_day: 1,
  labour_day: 1,
  national_day: 2,
  hung_kings: 1,
} as const;
export type StatutoryHoliday = keyof typeof STATUTORY_HOLIDAYS;

/**
 * One dated day of a year's calendar: a statutory holiday (listed even when it falls on a weekend), a compensatory
 * day for a statutory day on a weekend (`for`: that day), a bridge (a weekday off, worked back), or a weekend day
 * worked in exchange for a bridge (`for`: the bridge).
 */
export interface HolidayEntry {
  date: string;
  kind: StatutoryHoliday | 'compensatory' | 'bridge' | 'worked_weekend';
  for?: string;
  source: string;
  confirmed: boolean;
}

/** An official notice that fixed part of a year's schedule. */
export interface HolidayNotice {
  ref: string;
  date: string;
  issuer: string;
  about: string;
}

/** One year of days off (ngày nghỉ lễ, Tết, nghỉ bù) and weekend days worked in exchange (làm bù). */
export interface HolidayYear {
  year: number;
  /** weekdays on which state bodies are closed */
  daysOff: string[];
  /** Saturdays or Sundays worked in exchange for a bridge day */
  workingWeekendDays: string[];
  /** true only when every entry of the year is confirmed */
  confirmed: boolean;
  source: string;
  note?: string;
  /** the dated entries the lists above are derived from (absent for a hand-made list, e.g. a province's) */
  entries?: readonly HolidayEntry[];
  notices?: readonly HolidayNotice[];
  /** derived from the statute alone because the calendar has no data for the year (`statutoryFallbackYear`) */
  fallback?: true;
}

const KINDS = new Set<string>([
  ...Object.keys(STATUTORY_HOLIDAYS),
  'compensatory',
  'bridge',
  'worked_weekend',
]);
const isWeekend = (d: string) => [0, 6].includes(weekdayOf(d));

/** A year built from its dated entries; refuses entries that break the data file's own rules. */
export function holidayYear(
  year: number,
  entries: readonly HolidayEntry[],
  info: { statute: string; notices?: readonly HolidayNotice[]; note?: string },
): HolidayYear {
  const bad = (message: string): never => {
    throw new ReferenceDataError('INVALID_ARGUMENT', `holiday data ${year}: ${message}`);
  };
  for (const x of entries) {
    if (!assertIsoDate(x.date).startsWith(`${year}-`)) bad(`${x.date} is listed under year ${year}`);
    if (!KINDS.has(x.kind)) bad(`${x.date} has an unknown kind ${x.kind}`);
    if (x.source.trim() === '') bad(`${x.date} has no source`);
    if (x.kind === 'worked_weekend' && !isWeekend(x.date)) bad(`${x.date} is worked but not a weekend day`);
    if ((x.kind === 'compensatory' || x.kind === 'bridge') && isWeekend(x.date))
      bad(`${x.date} (${x.kind}) falls on a weekend`);
    if ((x.kind === 'compensatory' || x.kind === 'worked_weekend') && x.for === undefined)
      bad(`${x.date} (${x.kind}) does not say which day it is for`);
  }
  const off = entries.filter((x) => x.kind !== 'worked_weekend' && !isWeekend(x.date)).map((x) => x.date);
  if (new Set(off).size !== off.length) bad('a weekday is listed twice');
  const notices = info.notices ?? [];
  return {
    year,
    daysOff: off.sort(),
    workingWeekendDays: entries.filter((x) => x.kind === 'worked_weekend').map((x) => x.date),
    confirmed: entries.every((x) => x.confirmed),
    source: [info.statute, ...notices.map((n) => `${n.ref} (${n.date})`)].join('; '),
    ...(info.note ? { note: info.note } : {}),
    entries,
    notices,
  };
}

/** National days off 2022-2027, from `data/vn-holidays.json`. */
export const VIETNAM_HOLIDAYS: readonly HolidayYear[] = data.years.map((y) =>
  holidayYear(y.year, y.entries as HolidayEntry[], {
    statute: data.statute,
    notices: y.notices,
    ...(y.note ? { note: y.note } : {}),
  }),
);

const FIXED: readonly [StatutoryHoliday, string][] = [
  ['new_year', '01-01'],
  ['victory_day', '04-30'],
  ['labour_day', '05-01'],
  ['national_day', '09-02'],
];

/**
 * What the statute alone says of a year no notice has been entered for: the fixed solar holidays (1/1, 30/4, 1/5,
 * 2/9), each on a weekend taken on the next weekday not already off (Art. 111(3)). Tết, Hùng Kings (lunar) and the
 * second National Day day (its position is set yearly) are missing, so a deadline computed with it can fall up to
 * about 7 working days early: never later than the law allows. Always unconfirmed.
 */
export function statutoryFallbackYear(year: number): HolidayYear {
  const entries: HolidayEntry[] = [];
  const taken = new Set<string>();
  const statute = `Labour Code 2019 (45/2019/QH14) Art. 111(3), 112(1): fixed solar holidays only`;
  for (const [kind, mmdd] of FIXED) {
    const date = `${year}-${mmdd}`;
    entries.push({ date, kind, source: statute, confirmed: false });
    taken.add(date);
  }
  for (const [, mmdd] of FIXED) {
    const date = `${year}-${mmdd}`;
    if (!isWeekend(date)) continue;
    let day = toDayNumber(date) + 1;
    while (isWeekend(fromDayNumber(day)) || taken.has(fromDayNumber(day))) day += 1;
    const compensatory = fromDayNumber(day);
    taken.add(compensatory);
    entries.push({ date: compensatory, kind: 'compensatory', for: date, source: statute, confirmed: false });
  }
  return {
    ...holidayYear(year, entries, {
      statute,
      note: `no notice for ${year} is in the calendar: Tết, Hùng Kings and the second National Day day are missing`,
    }),
    fallback: true,
  };
}
