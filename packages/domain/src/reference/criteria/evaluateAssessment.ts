/**
 * Judges assessed indicator values against a criteria set. Three outcomes, never two: a criterion whose threshold
 * or value is not known is "unknown", so a missing number can neither pass nor fail a commune.
 */
import type { CriteriaSet, Indicator, Threshold } from '../types.js';
import { ReferenceDataError } from '../ReferenceDataError.js';
import { criteriaSetConfirmed } from './criteriaSetFor.js';

export type AssessmentStatus = 'met' | 'not_met' | 'unknown';

/** Which thresholds apply: the region (e.g. "TDMNPB") or commune group ("group1".."group3"), and the year. */
export interface AssessmentContext {
  appliesTo: string;
  year: number;
}

export interface IndicatorResult {
  code: string;
  status: AssessmentStatus;
  value: number | boolean | null;
  threshold: number | boolean | null;
  /** why the status is unknown */
  reason?: 'value_missing' | 'threshold_unknown';
}

export interface CriterionResult {
  code: string;
  status: AssessmentStatus;
  indicators: IndicatorResult[];
}

export interface AssessmentResult {
  criteriaSetId: string;
  version: number;
  /** the region or commune group whose thresholds were applied */
  appliesTo: string;
  /**
   * True when the set has a criterion or indicator not confirmed from its legal text (the 2026-2030 indicators, a
   * fallback village set...): the result may change once the text is read, and says so.
   */
  provisional: boolean;
  /** indicators judged met or not met on an unconfirmed name or threshold */
  unconfirmedIndicators: string[];
  criteria: CriterionResult[];
  metCodes: string[];
  failingCodes: string[];
  unknownCodes: string[];
}

/** The most specific threshold: exact region and year, then region, then "*" with year, then "*". */
function pickThreshold(thresholds: readonly Threshold[], ctx: AssessmentContext): Threshold | undefined {
  const rank = (t: Threshold) => (t.appliesTo === ctx.appliesTo ? 2 : 0) + (t.year === ctx.year ? 1 : 0);
  return thresholds
    .filter(
      (t) =>
        (t.appliesTo === ctx.appliesTo || t.appliesTo === '*') &&
        (t.year === undefined || t.year === ctx.year),
    )
    .sort((a, b) => rank(b) - rank(a))[0];
}

/** Rejects a value of the wrong kind for the indicator, whether or not its threshold is known. */
function checkType(ind: Indicator, value: number | boolean): void {
  const ok =
    ind.comparator === 'boolean'
      ? typeof value === 'boolean'
      : typeof value === 'number' && Number.isFinite(value);
  if (!ok) {
    const expected = ind.comparator === 'boolean' ? 'yes/no' : 'a finite number';
    throw new ReferenceDataError(
      'INVALID_ARGUMENT',
      `indicator ${ind.code} expects ${expected}, got ${String(value)}`,
      { indicator: ind.code },
    );
  }
}

function compare(
  comparator: Indicator['comparator'],
  value: number | boolean,
  threshold: number | boolean,
): boolean {
  switch (comparator) {
    case 'boolean':
    case '==':
      return value === threshold;
    case '>=':
      return value >= threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '<':
      return value < threshold;
  }
}

function judge(
  ind: Indicator,
  value: number | boolean | null | undefined,
  ctx: AssessmentContext,
): IndicatorResult {
  const threshold = pickThreshold(ind.thresholds, ctx)?.value ?? null;
  if (value === undefined || value === null) {
    return { code: ind.code, status: 'unknown', value: null, threshold, reason: 'value_missing' };
  }
  checkType(ind, value);
  if (threshold === null) {
    return { code: ind.code, status: 'unknown', value, threshold, reason: 'threshold_unknown' };
  }
  return {
    code: ind.code,
    status: compare(ind.comparator, value, threshold) ? 'met' : 'not_met',
    value,
    threshold,
  };
}

/**
 * Per criterion: not met when any indicator is not met, met when all are met, unknown otherwise. Throws
 * `UNKNOWN_INDICATOR` for a value keyed by a code the set does not have, and `INVALID_ARGUMENT` for a value of the
 * wrong type. Pure: nothing is recorded, so a throw leaves nothing half-done.
 */
export function evaluateAssessment(
  set: CriteriaSet,
  values: Readonly<Record<string, number | boolean | null | undefined>>,
  context: AssessmentContext,
): AssessmentResult {
  const known = new Set(set.criteria.flatMap((c) => c.indicators.map((i) => i.code)));
  const stray = Object.keys(values).find((k) => !known.has(k));
  if (stray !== undefined) {
    throw new ReferenceDataError('UNKNOWN_INDICATOR', `indicator ${stray} is not in ${set.id}`, {
      indicator: stray,
      criteriaSetId: set.id,
    });
  }
  const criteria = set.criteria.map((c): CriterionResult => {
    const indicators = c.indicators.map((ind) => judge(ind, values[ind.code], context));
    const status: AssessmentStatus = indicators.some((r) => r.status === 'not_met')
      ? 'not_met'
      : indicators.every((r) => r.status === 'met')
        ? 'met'
        : 'unknown';
    return { code: c.code, status, indicators };
  });
  const codes = (s: AssessmentStatus) => criteria.filter((c) => c.status === s).map((c) => c.code);
  const judged = new Set(
    criteria.flatMap((c) => c.indicators.filter((r) => r.status !== 'unknown').map((r) => r.code)),
  );
  return {
    criteriaSetId: set.id,
    version: set.version,
    appliesTo: context.appliesTo,
    provisional: !criteriaSetConfirmed(set),
    unconfirmedIndicators: set.criteria.flatMap((c) =>
      c.indicators.filter((i) => !i.confirmed && judged.has(i.code)).map((i) => i.code),
    ),
    criteria,
    metCodes: codes('met'),
    failingCodes: codes('not_met'),
    unknownCodes: codes('unknown'),
  };
}
