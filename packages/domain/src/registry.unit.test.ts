import { describe, expect, it } from 'vitest';
import { vietnamDate } from './index.js';
import { DomainError } from './errors.js';
import { WORKFLOWS, workflowByPin, workflowFor } from './workflows/registry.js';

describe('workflowFor', () => {
  it('pins the 2022 procedure until 30/06/2025 and the two-tier one from 01/07/2025', () => {
    expect(workflowFor('COMMUNE_NTM', '2025-06-30')).toMatchObject({ id: 'commune-ntm', version: 1 });
    expect(workflowFor('COMMUNE_NTM', '2025-07-01')).toMatchObject({ id: 'commune-ntm', version: 2 });
    expect(workflowFor('VILLAGE_NTM', '2025-07-01')).toMatchObject({ id: 'village-ntm', version: 2 });
    expect(workflowFor('COMMUNE_MODEL', '2022-08-01')).toBeUndefined();
    expect(workflowFor('POST_MERGER_ACKNOWLEDGEMENT', '2026-01-01')).toMatchObject({ version: 1 });
  });
  it('has one machine per kind and version, each with a unique pin', () => {
    expect(new Set(WORKFLOWS.map((w) => `${w.id}@${w.version}`)).size).toBe(WORKFLOWS.length);
    expect(new Set(WORKFLOWS.map((w) => w.kind)).size).toBe(7);
    expect(workflowByPin({ id: 'commune-ntm', version: 3 })).toBeUndefined();
  });
  it('lists roles for every transition', () => {
    for (const w of WORKFLOWS)
      for (const e of w.definition.edges)
        expect(e.roles.length, `${w.id} ${e.from} ${e.command}`).toBeGreaterThan(0);
  });
  it('has the district step only in the 2022 commune procedure', () => {
    const roles = (id: string, version: number) =>
      new Set(workflowByPin({ id, version })!.definition.edges.flatMap((e) => e.roles));
    expect(roles('commune-ntm', 1).has('district_verifier')).toBe(true);
    expect(roles('commune-ntm', 2).has('district_verifier')).toBe(false);
    expect(roles('village-ntm', 2).has('district_chairman')).toBe(false);
  });
});

describe('vietnamDate', () => {
  it('reads the legal day at UTC+7', () => {
    expect(vietnamDate('2024-04-16T16:59:59Z')).toBe('2024-04-16');
    expect(vietnamDate('2024-04-16T17:00:00Z')).toBe('2024-04-17');
  });
});

it('domain errors map to a kind the API can turn into a status', () => {
  const e = new DomainError(
    'NOTICE_PERIOD_NOT_OVER',
    'the notice period ends on 2024-05-12',
    'thời gian niêm yết kết thúc vào ngày 2024-05-12',
    { endsOn: '2024-05-12' },
  );
  expect(e).toBeInstanceOf(Error);
  expect(e.kind).toBe('conflict');
  expect(new DomainError('SEGREGATION_OF_DUTIES', 'x', 'x').kind).toBe('forbidden');
  expect(new DomainError('VALIDATION_FAILED', 'x', 'x').kind).toBe('unprocessable');
});
