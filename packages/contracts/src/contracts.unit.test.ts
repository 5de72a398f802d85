import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  COMMAND_SPECS,
  ContractError,
  EVENT_SCHEMAS,
  liftEvent,
  ProblemDetails,
  LongText,
  RecordCouncilBallotBody,
  ShortText,
  upcast,
} from './index.js';

describe('command specs', () => {
  it('have unique types and slugs, and exactly one creating command', () => {
    expect(new Set(COMMAND_SPECS.map((s) => s.type)).size).toBe(COMMAND_SPECS.length);
    expect(new Set(COMMAND_SPECS.map((s) => s.slug)).size).toBe(COMMAND_SPECS.length);
    expect(COMMAND_SPECS.filter((s) => s.creates).map((s) => s.type)).toEqual(['OpenDossier']);
  });
  it('are strict and described, so the OpenAPI document explains them', () => {
    for (const spec of COMMAND_SPECS) {
      expect(spec.schema.description, spec.type).toBeTruthy();
      expect(spec.schema.safeParse({ unexpected: true }).success, spec.type).toBe(false);
      expect(() => z.toJSONSchema(spec.schema), spec.type).not.toThrow();
    }
  });
  it('check ballot arithmetic: recused members are present and do not vote', () => {
    const ballot = {
      heldOn: '2024-05-28',
      membersTotal: 9,
      presentMemberIds: ['a', 'b', 'c'],
      recusedMemberIds: ['c'],
      for: 2,
      against: 0,
      blank: 0,
    };
    expect(RecordCouncilBallotBody.safeParse(ballot).success).toBe(true);
    expect(RecordCouncilBallotBody.safeParse({ ...ballot, for: 3 }).success).toBe(false);
    expect(RecordCouncilBallotBody.safeParse({ ...ballot, recusedMemberIds: ['z'] }).success).toBe(false);
    expect(RecordCouncilBallotBody.safeParse({ ...ballot, presentMemberIds: ['a', 'a', 'c'] }).success).toBe(
      false,
    );
  });
});

describe('upcast', () => {
  it('lifts DocumentAttached v1 (isOriginal) to v2 (copy)', () => {
    const v1 = { documentId: 'd', isOriginal: false };
    expect(upcast('DocumentAttached', 1, v1)).toEqual({
      schemaVersion: 2,
      data: { documentId: 'd', copy: 'copy', dossierVersion: 1 },
    });
    expect(upcast('DocumentAttached', 2, { documentId: 'd', copy: 'original' }).data).toEqual({
      documentId: 'd',
      copy: 'original',
    });
  });
  it('refuses unknown types and versions with a typed error', () => {
    expect(() => upcast('Nope', 1, {})).toThrow(ContractError);
    expect(() => upcast('DossierOpened', 2, {})).toThrow(/no schema version 2/);
    expect(() => upcast('DossierOpened', 0, {})).toThrow(ContractError);
  });
  it('knows a current version for every event schema', () => {
    for (const [type, { schemaVersion }] of Object.entries(EVENT_SCHEMAS))
      expect(upcast(type, schemaVersion, {}).schemaVersion).toBe(schemaVersion);
  });
});

describe('liftEvent', () => {
  const tally = { villageId: '02032-ban-cuon', households: 120, respondents: 110, satisfied: 105 };
  it('lifts and parses stored data into its typed event', () => {
    const lifted = liftEvent('PollTallyRecorded', 1, tally);
    expect(lifted).toEqual({ type: 'PollTallyRecorded', schemaVersion: 1, data: tally });
    if (lifted.type === 'PollTallyRecorded') expect(lifted.data.households + 1).toBe(121);
  });
  it('refuses data that breaks the schema, naming the fields', () => {
    const error = (() => {
      try {
        liftEvent('PollTallyRecorded', 1, { ...tally, households: '120' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ code: 'EVENT_DATA_INVALID' });
    expect((error as ContractError).issues.join()).toContain('households');
    expect(() => liftEvent('Nope', 1, {})).toThrow(ContractError);
  });
});

it('problem details carry a stable code', () => {
  expect(
    ProblemDetails.safeParse({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'NOTICE_PERIOD_NOT_OVER',
    }).success,
  ).toBe(true);
  expect(ProblemDetails.safeParse({ type: 'about:blank', title: 'Conflict', status: 409 }).success).toBe(
    false,
  );
});

describe('text fields', () => {
  // The event store refuses U+0000 (jsonb cannot hold it) and unpaired surrogates (not Unicode): the contract
  // refuses them first, so a client gets a 400 naming the field instead of a 500 from the append.
  it.each([
    ['U+0000', 'Biên bản\u0000số 1'],
    ['a lone high surrogate', 'Biên bản \uD800'],
    ['a lone low surrogate', '\uDC00 số 1'],
    ['two high surrogates', '\uD800\uD800'],
  ])('refuse %s', (_name, text) => {
    for (const schema of [ShortText, LongText]) {
      const result = schema.safeParse(text);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/U\+0000|surrogate/);
    }
  });
  it('keep Vietnamese text and paired surrogates (emoji)', () => {
    for (const schema of [ShortText, LongText])
      expect(schema.parse(' UBND xã Tân Lập 📄 ')).toBe('UBND xã Tân Lập 📄');
  });
});
