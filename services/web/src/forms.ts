/**
 * Forms from the command contracts: each command's zod schema (the one the API validates with) becomes form
 * fields through its JSON Schema, and a submitted form becomes the command body. Nested objects are fieldsets
 * with dotted names (`signer.name`), arrays of objects repeated rows (`reasons.0.detail`; one per criterion of the
 * dossier where the rows are per criterion), arrays of text one value per line. Dates are typed dd/mm/yyyy.
 */
import { z } from 'zod';
import type { Lang } from './i18n.js';

type JsonSchema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  maxLength?: number;
  description?: string;
};

export type Field =
  | {
      kind: 'text' | 'date' | 'number' | 'longText' | 'lines';
      name: string;
      required: boolean;
      description?: string | undefined;
    }
  | { kind: 'boolean'; name: string; required: boolean; description?: string | undefined }
  | {
      kind: 'choice';
      name: string;
      required: boolean;
      options: string[];
      description?: string | undefined;
      /** the options are the dossier's criteria (prefilled one per row, and not enough to make a row count) */
      criterion?: boolean;
    }
  | { kind: 'group'; name: string; required: boolean; fields: Field[]; description?: string | undefined }
  | { kind: 'rows'; name: string; required: boolean; rows: Field[][]; description?: string | undefined };

/** What the dossier offers to fill rows with: its criteria codes. */
export interface FormHints {
  criteriaCodes: string[];
}

const ROWS_DEFAULT = 3;
const LONG_TEXT = 500;

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  if (schema.anyOf) {
    const types = schema.anyOf.map(typeOf);
    if (types.includes('number') || types.includes('integer'))
      return types.includes('string') ? 'string' : 'number';
    return types.find((t) => t !== undefined);
  }
  return undefined;
}

function fieldOf(name: string, schema: JsonSchema, required: boolean, hints: FormHints): Field {
  const description = schema.description;
  if (schema.enum) return { kind: 'choice', name, required, options: schema.enum.map(String), description };
  const type = typeOf(schema);
  if (type === 'object' && schema.properties) {
    return { kind: 'group', name, required, fields: fieldsOf(schema, hints, `${name}.`), description };
  }
  if (type === 'array' && schema.items) {
    const items = schema.items;
    if (typeOf(items) !== 'object') return { kind: 'lines', name, required, description };
    const perCriterion =
      items.properties?.['code'] !== undefined || items.properties?.['criterionCode'] !== undefined;
    const count = perCriterion && hints.criteriaCodes.length > 0 ? hints.criteriaCodes.length : ROWS_DEFAULT;
    const rows = Array.from({ length: count }, (_, i) => fieldsOf(items, hints, `${name}.${i}.`));
    return { kind: 'rows', name, required, rows, description };
  }
  if (type === 'boolean') return { kind: 'boolean', name, required, description };
  if (type === 'number' || type === 'integer') return { kind: 'number', name, required, description };
  if (schema.format === 'date') return { kind: 'date', name, required, description };
  if ((name.endsWith('criterionCode') || name === 'code') && hints.criteriaCodes.length > 0) {
    return { kind: 'choice', name, required, options: hints.criteriaCodes, description, criterion: true };
  }
  if ((schema.maxLength ?? 0) > LONG_TEXT) return { kind: 'longText', name, required, description };
  return { kind: 'text', name, required, description };
}

function fieldsOf(schema: JsonSchema, hints: FormHints, prefix = ''): Field[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, child]) =>
    fieldOf(`${prefix}${key}`, child, required.has(key), hints),
  );
}

/** The fields of a command's form. */
export function formFields(schema: z.ZodType, hints: FormHints): Field[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return fieldsOf(json, hints);
}

/** dd/mm/yyyy (or yyyy-mm-dd) to an ISO date; undefined when neither, or when no such day exists (31/02). */
export function parseDate(text: string): string | undefined {
  const vi = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  const iso = vi
    ? `${vi[3]}-${vi[2]!.padStart(2, '0')}-${vi[1]!.padStart(2, '0')}`
    : /^\d{4}-\d{2}-\d{2}$/.test(text.trim())
      ? text.trim()
      : undefined;
  if (iso === undefined) return undefined;
  // The calendar's own check: a date that rolls over into the next month was never a day.
  const day = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === iso ? iso : undefined;
}

/** An ISO date as the form shows it. */
export const showDate = (iso: string): string => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
};

/** A number typed the Vietnamese way (1.234,5) or plainly (1234.5). */
export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/\s/g, '');
  const normalised = /,\d+$/.test(t) ? t.replace(/\./g, '').replace(',', '.') : t;
  return /^-?\d+(\.\d+)?$/.test(normalised) ? Number(normalised) : undefined;
}

export interface FieldError {
  field: string;
  code: 'required' | 'number' | 'date' | 'invalid';
  /** the contract's message, when the error came from it */
  detail?: string;
}

/** The submitted form as the command body, and the fields it could not read. Empty rows and fields vanish. */
export function bodyFromForm(
  fields: Field[],
  form: Record<string, string>,
): { body: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const read = (list: Field[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const field of list) {
      const key = field.name.split('.').at(-1)!;
      const known = errors.length;
      const value = valueOf(field);
      if (value !== undefined) out[key] = value;
      // One message per field: a value that could not be read is not also "missing".
      else if (errors.length === known && field.required && field.kind !== 'group' && field.kind !== 'rows')
        errors.push({ field: field.name, code: 'required' });
    }
    return out;
  };
  const valueOf = (field: Field): unknown => {
    if (field.kind === 'group') {
      // An optional group left empty is absent: its own required fields apply only once it is started (the
      // opening form's complaint or revocation parts, for a commune's dossier).
      if (!field.required && !filled(field, form)) return undefined;
      const inner = read(field.fields);
      return Object.keys(inner).length > 0 || field.required ? inner : undefined;
    }
    if (field.kind === 'rows') {
      const rows = field.rows
        .filter((row) => row.some((f) => !(f.kind === 'choice' && f.criterion) && filled(f, form)))
        .map((row) => read(row));
      return rows.length > 0 || field.required ? rows : undefined;
    }
    const text = (form[field.name] ?? '').trim();
    if (text === '') return undefined;
    switch (field.kind) {
      case 'number': {
        const n = parseNumber(text);
        if (n === undefined) errors.push({ field: field.name, code: 'number' });
        return n;
      }
      case 'date': {
        const d = parseDate(text);
        if (d === undefined) errors.push({ field: field.name, code: 'date' });
        return d;
      }
      case 'boolean':
        return text === 'true' ? true : text === 'false' ? false : undefined;
      case 'lines':
        return text
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean);
      default:
        return text;
    }
  };
  const body = read(fields);
  return { body, errors };
}

/** True when the person typed or chose anything for `field` (a row with no value at all is dropped). */
function filled(field: Field, form: Record<string, string>): boolean {
  if (field.kind === 'group') return field.fields.some((f) => filled(f, form));
  if (field.kind === 'rows') return field.rows.some((row) => row.some((f) => filled(f, form)));
  return (form[field.name] ?? '').trim() !== '';
}

/** The criteria rows prefilled with one criterion each, in the dossier's order. */
export function prefill(fields: Field[], hints: FormHints): Record<string, string> {
  const values: Record<string, string> = {};
  const walk = (list: Field[]) => {
    for (const f of list) {
      if (f.kind === 'group') walk(f.fields);
      if (f.kind !== 'rows' || f.rows.length !== hints.criteriaCodes.length) continue;
      f.rows.forEach((row, i) => {
        const code = row.find((c) => c.kind === 'choice' && c.criterion);
        if (code) values[code.name] = hints.criteriaCodes[i]!;
      });
    }
  };
  walk(fields);
  return values;
}

/**
 * The contract's own check of the body (the API runs the same schema): its issues as field errors, worded in the
 * person's language by zod's own locale (the contract's few custom messages stay as written).
 */
export function contractErrors(schema: z.ZodType, body: unknown, lang: Lang = 'en'): FieldError[] {
  const parsed = schema.safeParse(body, { error: LOCALES[lang] });
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    code: 'invalid' as const,
    detail: issue.message,
  }));
}

const LOCALES = { vi: z.locales.vi().localeError, en: z.locales.en().localeError };

/** The API's validation errors (JSON pointers) as field errors. */
export function problemFieldErrors(errors: { path: string; message: string }[] | undefined): FieldError[] {
  return (errors ?? []).map((e) => ({
    field: e.path.replace(/^\//, '').replaceAll('/', '.'),
    code: 'invalid' as const,
    detail: e.message,
  }));
}

export type { Lang };
