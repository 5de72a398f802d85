import { describe, expect, it } from 'vitest';
import { evaluateAssessment } from './evaluateAssessment.js';
import { COMMUNE_NTM_2021_2025, REGION_TDMNPB } from './communeNtm2021.js';
import { COMMUNE_MODEL_2021_2025 } from './communeModel2021.js';
import { COMMUNE_NTM_2026_2030 } from './commune2026.js';
import type { CriteriaSet } from '../types.js';
import { criterion, indicator } from './criteriaBuilders.js';

const ctx = { appliesTo: REGION_TDMNPB, year: 2024 };

/** One criterion per comparator, thresholds by region and year, to exercise the evaluator. */
const probe: CriteriaSet = {
  ...COMMUNE_NTM_2021_2025,
  id: 'probe',
  criteria: [
    criterion(
      'ge',
      'x',
      'x',
      'g',
      [
        indicator('ge.1', 'x', '%', '>=', [
          { appliesTo: '*', value: 80 },
          { appliesTo: 'TDMNPB', value: 70 },
        ]),
      ],
      true,
    ),
    criterion('le', 'x', 'x', 'g', [indicator('le.1', 'x', '%', '<=', [{ appliesTo: '*', value: 5 }])], true),
    criterion('gt', 'x', 'x', 'g', [indicator('gt.1', 'x', 'n', '>', [{ appliesTo: '*', value: 0 }])], true),
    criterion('lt', 'x', 'x', 'g', [indicator('lt.1', 'x', 'n', '<', [{ appliesTo: '*', value: 10 }])], true),
    criterion('eq', 'x', 'x', 'g', [indicator('eq.1', 'x', 'n', '==', [{ appliesTo: '*', value: 3 }])], true),
    criterion(
      'yr',
      'x',
      'x',
      'g',
      [
        indicator('yr.1', 'income', 'm VND', '>=', [
          { appliesTo: 'TDMNPB', year: 2023, value: 40 },
          { appliesTo: 'TDMNPB', year: 2024, value: 45 },
          { appliesTo: 'TDMNPB', year: 2025, value: null },
        ]),
      ],
      true,
    ),
  ],
};

const statusOf = (values: Record<string, number | boolean | null>, context = ctx) =>
  Object.fromEntries(evaluateAssessment(probe, values, context).criteria.map((c) => [c.code, c.status]));

describe('evaluateAssessment', () => {
  it('applies each comparator at its boundary', () => {
    expect(statusOf({ 'ge.1': 70, 'le.1': 5, 'gt.1': 1, 'lt.1': 9, 'eq.1': 3, 'yr.1': 45 })).toEqual({
      ge: 'met',
      le: 'met',
      gt: 'met',
      lt: 'met',
      eq: 'met',
      yr: 'met',
    });
    expect(statusOf({ 'ge.1': 69.9, 'le.1': 5.1, 'gt.1': 0, 'lt.1': 10, 'eq.1': 4, 'yr.1': 44.9 })).toEqual({
      ge: 'not_met',
      le: 'not_met',
      gt: 'not_met',
      lt: 'not_met',
      eq: 'not_met',
      yr: 'not_met',
    });
  });

  it('prefers the region threshold over "*", and picks the threshold of the year', () => {
    expect(statusOf({ 'ge.1': 75 }).ge).toBe('met'); // TDMNPB: 70
    expect(statusOf({ 'ge.1': 75 }, { appliesTo: 'DBSH', year: 2024 }).ge).toBe('not_met'); // elsewhere: 80
    expect(statusOf({ 'yr.1': 42 }, { ...ctx, year: 2023 }).yr).toBe('met');
    expect(statusOf({ 'yr.1': 42 }).yr).toBe('not_met');
  });

  it('says unknown, with the reason, when the threshold or the value is not known', () => {
    const r = evaluateAssessment(probe, { 'yr.1': 99 }, { ...ctx, year: 2025 });
    expect(r.criteria.find((c) => c.code === 'yr')).toMatchObject({
      status: 'unknown',
      indicators: [{ reason: 'threshold_unknown', threshold: null }],
    });
    expect(r.criteria.find((c) => c.code === 'ge')).toMatchObject({
      status: 'unknown',
      indicators: [{ reason: 'value_missing' }],
    });
    expect(statusOf({ 'yr.1': 99 }, { ...ctx, year: 2030 }).yr).toBe('unknown'); // no threshold for that year
    expect(r.unknownCodes).toHaveLength(6);
  });

  it('fails a criterion when any indicator fails, even if another is unknown', () => {
    const r = evaluateAssessment(COMMUNE_NTM_2021_2025, { '2.1': 90, '2.2': 50 }, ctx);
    expect(r.criteria.find((c) => c.code === '2')?.status).toBe('not_met');
    expect(r.failingCodes).toEqual(['2']);
    const yes = evaluateAssessment(
      COMMUNE_NTM_2021_2025,
      { '1.1': true, '1.2': true, '8.1': true, '8.2': true, '8.3': true, '8.4': false },
      ctx,
    );
    expect([yes.metCodes, yes.failingCodes]).toEqual([['1'], ['8']]);
  });

  it('judges the model additions: income 110% of the advanced level, one smart village, one standout field', () => {
    const r = evaluateAssessment(COMMUNE_MODEL_2021_2025, { 'M1.1': 110, 'M2.1': 1, 'M3.1': 0 }, ctx);
    expect([r.metCodes, r.failingCodes]).toEqual([['M1', 'M2'], ['M3']]);
  });

  it('leaves every 2026-2030 criterion unknown until the thresholds per commune group are filled in', () => {
    const r = evaluateAssessment(COMMUNE_NTM_2026_2030, { '1.1': 100 }, { appliesTo: 'group3', year: 2026 });
    expect(r.unknownCodes).toHaveLength(10);
  });

  it('rejects values for unknown indicators and values of the wrong type', () => {
    expect(() => evaluateAssessment(probe, { 'zz.9': 1 }, ctx)).toThrowError(
      expect.objectContaining({ code: 'UNKNOWN_INDICATOR' }) as Error,
    );
    expect(() => evaluateAssessment(probe, { 'ge.1': true }, ctx)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
    expect(() => evaluateAssessment(probe, { 'yr.1': Number.NaN }, { ...ctx, year: 2025 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
    expect(() => evaluateAssessment(COMMUNE_NTM_2021_2025, { '1.1': 1 }, ctx)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
    );
  });
});
