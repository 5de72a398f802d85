/**
 * Request validation with a quick yes first (ADRs 0045, 0047, 0054): a value the schema's compiled check accepts is
 * one zod would return unchanged, so it is taken as it is; anything else is judged by zod's validator, whose verdict
 * and problem stand. Every route's params, query and body go through it: zod's per-node machinery on the dossier id
 * of every path cost more than the fast check on the whole command body.
 */
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { fastCheckOf } from '@ntm/contracts';

type Validator = ReturnType<typeof validatorCompiler>;
type RouteSchema = Parameters<typeof validatorCompiler>[0];

/**
 * `zodCheck` behind `schema`'s fast check, when it has one. The value is the request's own (parsed body, params,
 * query or a copy of headers): nothing else holds it, so handing it on unchanged is what zod's copy would be.
 */
export function quickValidator(schema: unknown, zodCheck: Validator): Validator {
  const isZod = typeof schema === 'object' && schema !== null && '_zod' in schema;
  const fast = isZod ? fastCheckOf(schema as z.core.$ZodType) : undefined;
  return fast ? (value: unknown) => (fast(value) ? { value } : zodCheck(value)) : zodCheck;
}

/**
 * An empty query string (most reads) gets zod's answer for `{}`, its defaults filled in, worked out once and copied
 * each time (the handler owns `request.query`). Only an answer of primitive values is reused, so the copy shares
 * nothing; a query with any key, or any other answer to `{}` (a refusal), goes to zod every time.
 */
export function emptyQueryValidator(zodCheck: Validator): Validator {
  let empty: object | null | undefined;
  return (value: unknown) => {
    if (!isEmpty(value)) return zodCheck(value);
    if (empty === undefined) {
      const { value: parsed } = zodCheck({}) as { value?: unknown };
      const reusable =
        typeof parsed === 'object' &&
        parsed !== null &&
        Object.values(parsed).every((v) => v === null || typeof v !== 'object');
      empty = reusable ? parsed : null;
    }
    return empty === null ? zodCheck(value) : { value: { ...empty } };
  };
}

const isEmpty = (value: unknown): boolean => {
  if (typeof value !== 'object' || value === null) return false;
  for (const _ in value) return false;
  return true;
};

/** The app's validator compiler: fastify-type-provider-zod's, each validator behind its schema's fast check. */
export const quickValidatorCompiler = (route: RouteSchema): Validator => {
  const zodCheck = validatorCompiler(route);
  const fast = quickValidator(route.schema, zodCheck);
  return fast === zodCheck && route.httpPart === 'querystring' ? emptyQueryValidator(zodCheck) : fast;
};
