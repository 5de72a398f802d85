// The request validators' quick yes (ADR 0054): the same verdict, value and problem as zod's validator, with a
// value zod would return unchanged handed on as it is, and an empty query answered with the defaults once worked out.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { emptyQueryValidator, quickValidator, quickValidatorCompiler } from './quickValidation.js';
import { DOSSIER_ID } from './dossier.js';
import { jsonSafe, viewJson } from './routes/dossiers.js';

const route = (schema: z.ZodType, httpPart: string) => ({ schema, method: 'GET', url: '/x', httpPart });

describe('quick request validation', () => {
  const params = z.object({ id: z.string().regex(DOSSIER_ID) });
  const zodCheck = validatorCompiler(route(params, 'params'));
  const quick = quickValidatorCompiler(route(params, 'params'));

  it('hands on a value zod would return unchanged, and leaves anything else to zod', () => {
    const good = { id: 'd-1' };
    expect(quick(good)).toEqual({ value: good });
    expect((quick(good) as { value: unknown }).value).toBe(good);
    for (const bad of [{ id: '../etc' }, { id: 7 }, {}, { id: 'd-1', extra: 'x' }])
      expect(quick(bad)).toEqual(zodCheck(bad));
    expect(quick({ id: '../etc' })).toHaveProperty('error');
  });

  it('is zod alone for a schema without a fast check', () => {
    const coerced = validatorCompiler(route(z.object({ n: z.coerce.number() }), 'body'));
    expect(quickValidator(z.object({ n: z.coerce.number() }), coerced)).toBe(coerced);
  });

  it('answers an empty query with its defaults, a fresh object each time; any key goes to zod', () => {
    const query = z.object({
      minRevision: z.coerce.number().int().min(0).optional(),
      waitMs: z.coerce.number().int().min(0).max(5000).default(0),
    });
    const check = quickValidatorCompiler(route(query, 'querystring'));
    const first = check({}) as { value: Record<string, unknown> };
    expect(first).toEqual({ value: { waitMs: 0 } });
    first.value['waitMs'] = 99;
    expect(check(Object.create(null))).toEqual({ value: { waitMs: 0 } });
    expect(check({ minRevision: '3', waitMs: '10' })).toEqual({ value: { minRevision: 3, waitMs: 10 } });
    expect(check({ waitMs: '-1' })).toHaveProperty('error');
  });

  it('leaves an empty query to zod when zod refuses it or answers with more than primitives', () => {
    const required = validatorCompiler(route(z.object({ q: z.string() }), 'querystring'));
    const check = emptyQueryValidator(required);
    expect(check({})).toHaveProperty('error');
    expect(check({})).toEqual(required({}));
    const withList = emptyQueryValidator(
      validatorCompiler(route(z.object({ tags: z.array(z.string()).default([]) }), 'querystring')),
    );
    const a = withList({}) as { value: { tags: string[] } };
    a.value.tags.push('x');
    expect(withList({})).toEqual({ value: { tags: [] } });
  });
});

describe('the dossier view as JSON', () => {
  it('writes a state as jsonSafe does, and a bigint through jsonSafe', () => {
    const view = {
      dossierId: 'd',
      revision: 3,
      state: {
        step: 'submitted',
        on: new Date('2024-06-10T02:00:00.000Z'),
        gone: undefined,
        list: [1, undefined],
      },
    };
    expect(viewJson(view)).toBe(JSON.stringify(jsonSafe(view)));
    const withBigint = { ...view, state: { position: 12n } };
    expect(JSON.parse(viewJson(withBigint))).toEqual({ ...view, state: { position: '12' } });
  });
});
