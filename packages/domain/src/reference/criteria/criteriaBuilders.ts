/** Small constructors that keep the criteria tables readable. */
import type { Comparator, Criterion, Indicator, Threshold } from '../types.js';

/** A criterion whose name is confirmed (or not) by the sources the domain brief names. */
export function criterion(
  code: string,
  nameVi: string,
  name: string,
  group: string,
  indicators: Indicator[],
  confirmed: boolean,
  note?: string,
): Criterion {
  return note === undefined
    ? { code, name, nameVi, group, indicators, confirmed }
    : { code, name, nameVi, group, indicators, confirmed, note };
}

/** An indicator; `confirmed` covers its wording and its threshold values. */
export function indicator(
  code: string,
  name: string,
  unit: string,
  comparator: Comparator,
  thresholds: Threshold[],
  confirmed = false,
  note?: string,
): Indicator {
  return note === undefined
    ? { code, name, unit, comparator, thresholds, confirmed }
    : { code, name, unit, comparator, thresholds, confirmed, note };
}

/** A yes/no indicator that must hold everywhere. */
export function mustHold(code: string, name: string, confirmed = false, note?: string): Indicator {
  return indicator(code, name, 'yes/no', 'boolean', [{ appliesTo: '*', value: true }], confirmed, note);
}

/** One threshold for every region, possibly unknown (null). */
export function everywhere(value: number | null): Threshold[] {
  return [{ appliesTo: '*', value }];
}

/** Thresholds per commune group ("group1".."group3"), all unknown until the annex is read. */
export function perGroupUnknown(): Threshold[] {
  return ['group1', 'group2', 'group3'].map((appliesTo) => ({ appliesTo, value: null }));
}
