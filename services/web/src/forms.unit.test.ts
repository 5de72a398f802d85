/** Forms from the command contracts: fields, the body a form makes, and what it refuses. */
import { describe, expect, it } from 'vitest';
import { COMMAND_SPECS } from '@ntm/contracts';
import { bodyFromForm, contractErrors, formFields, parseDate, parseNumber, prefill } from './forms.js';

const schemaOf = (type: string) => COMMAND_SPECS.find((s) => s.type === type)!.schema;

describe('command forms', () => {
  it("offers a council member's vote as a choice and makes the command body from it", () => {
    const fields = formFields(schemaOf('CastCouncilVote'), { criteriaCodes: [] });
    expect(fields[0]).toMatchObject({
      kind: 'choice',
      name: 'vote',
      options: ['approve', 'reject', 'abstain'],
    });
    const { body, errors } = bodyFromForm(fields, { vote: 'approve', reason: '' });
    expect(errors).toEqual([]);
    expect(body).toEqual({ vote: 'approve' });
    expect(contractErrors(schemaOf('CastCouncilVote'), body)).toEqual([]);
  });

  it('reads dd/mm/yyyy dates and Vietnamese numbers, and names the fields it cannot read', () => {
    expect(parseDate('5/8/2025')).toBe('2025-08-05');
    expect(parseDate('2025-08-05')).toBe('2025-08-05');
    expect(parseDate('hôm qua')).toBeUndefined();
    expect(parseDate('31/02/2025')).toBeUndefined();
    expect(parseDate('2025-13-01')).toBeUndefined();
    expect(parseDate('29/02/2024')).toBe('2024-02-29');
    expect(parseNumber('1.234,5')).toBe(1234.5);
    expect(parseNumber('12')).toBe(12);
    const fields = formFields(schemaOf('RecordPollTally'), { criteriaCodes: [] });
    const { errors } = bodyFromForm(fields, {
      villageId: '02038-na-ha',
      households: 'nhiều',
      respondents: '',
      satisfied: '3',
    });
    expect(errors).toEqual([
      { field: 'households', code: 'number' },
      { field: 'respondents', code: 'required' },
    ]);
  });

  it('gives one row per criterion of the dossier and keeps only the rows the person filled', () => {
    const hints = { criteriaCodes: ['1', '2', '3'] };
    const fields = formFields(schemaOf('ReturnDossier'), hints);
    const values = prefill(fields, hints);
    expect(values).toEqual({
      'reasons.0.criterionCode': '1',
      'reasons.1.criterionCode': '2',
      'reasons.2.criterionCode': '3',
    });
    const { body } = bodyFromForm(fields, {
      ...values,
      'reasons.1.code': 'CRITERION_NOT_MET',
      'reasons.1.detail': 'Thiếu minh chứng',
    });
    expect(body).toEqual({
      reasons: [{ code: 'CRITERION_NOT_MET', criterionCode: '2', detail: 'Thiếu minh chứng' }],
    });
  });

  it('leaves an optional group out when nothing of it is filled, and asks for its fields once it is started', () => {
    const fields = formFields(schemaOf('OpenDossier'), { criteriaCodes: [] });
    const commune = {
      kind: 'COMMUNE_NTM',
      unitCode: '02038',
      year: '2025',
      'constructionDebt.outstanding': 'false',
      securityClassification: 'safe_for_security_and_order',
    };
    const { body, errors } = bodyFromForm(fields, commune);
    expect(errors).toEqual([]);
    expect(body).toEqual({
      kind: 'COMMUNE_NTM',
      unitCode: '02038',
      year: 2025,
      constructionDebt: { outstanding: false },
      securityClassification: 'safe_for_security_and_order',
    });
    const started = bodyFromForm(fields, { ...commune, 'complaint.grounds': 'Không đúng' });
    expect(started.errors).toEqual([
      { field: 'complaint.targetDossierId', code: 'required' },
      { field: 'complaint.complainant.name', code: 'required' },
    ]);
  });

  it("words the contract's own check in the person's language", () => {
    const schema = schemaOf('RecordPollTally');
    const body = { villageId: '02038-na-ha', households: -1, respondents: 1, satisfied: 1 };
    const [vi] = contractErrors(schema, body, 'vi');
    expect(vi?.field).toBe('households');
    expect(vi?.detail).toMatch(/^Quá nhỏ/);
    expect(contractErrors(schema, body, 'en')[0]?.detail).toMatch(/^Too small/);
  });
});
