/**
 * A quick yes for data a zod schema accepts as it is. `compileFastCheck(schema)` walks the schema's definition once
 * and returns a plain function that answers `true` only when zod would accept the value AND return a value equal to
 * it (no unknown key to strip, every `trim` already a no-op); `false` means "not sure": ask zod, whose answer,
 * error and parsed value stay the rule. A schema using anything not understood here (a refinement, a transform, a
 * default, a coercion, a format other than a pattern) gets no fast check at all (`undefined`). Being stricter than
 * zod is always safe; being laxer is the one thing this must never be (a test compares both on every event type).
 * Why: a rebuild validates every event of the log, and zod's per-node machinery was its largest extra CPU cost
 * (docs/benchmarks.md, "Rebuild"; ADR 0045).
 */
import type { z } from 'zod';

export type FastCheck = (value: unknown) => boolean;

/** The parts of zod 4's internal definitions read here (`schema._zod.def`, each check's `_zod.def`). */
interface Node {
  _zod: { def: Def };
}
interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  coerce?: boolean;
  format?: string;
  pattern?: RegExp;
  shape?: Record<string, Node>;
  catchall?: Node;
  element?: Node;
  innerType?: Node;
  options?: Node[];
  entries?: Record<string, unknown>;
  values?: unknown[];
}
interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  length?: number;
  value?: unknown;
  inclusive?: boolean;
  tx?: (value: unknown) => unknown;
}

/** String formats that zod checks with their pattern alone. */
const PATTERN_FORMATS = new Set(['regex', 'date']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fast check of `schema`, or `undefined` when the schema uses something this module does not understand. */
export function compileFastCheck(schema: z.core.$ZodType): FastCheck | undefined {
  return compile(schema);
}

/** Each schema's fast check, compiled on first use; `null`: the schema has none (zod alone). */
const COMPILED = new WeakMap<z.core.$ZodType, FastCheck | null>();

/** `schema`'s fast check, compiled once per schema; `undefined` when it has none (zod alone). */
export function fastCheckOf(schema: z.core.$ZodType): FastCheck | undefined {
  let check = COMPILED.get(schema);
  if (check === undefined) COMPILED.set(schema, (check = compile(schema) ?? null));
  return check ?? undefined;
}

/**
 * `schema.safeParse(data)`, with data that zod would accept unchanged answered by the schema's fast check first: the
 * parsed value is then `data` itself, which zod's would equal. Anything else goes to zod, whose verdict, issues and
 * parsed value stay the rule. The caller must not mutate the parsed value if it shares `data` with anyone. Used on
 * every command body (the route's validation and the decider's own check, ADR 0047) as `parseEventData` is on event
 * data (ADR 0045).
 */
export function quickSafeParse<S extends z.ZodType>(
  schema: S,
  data: unknown,
): { success: true; data: z.output<S> } | { success: false; error: z.ZodError } {
  if (fastCheckOf(schema)?.(data)) return { success: true, data: data as z.output<S> };
  const parsed = schema.safeParse(data);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, error: parsed.error };
}

function compile(node: Node): FastCheck | undefined {
  const def = node._zod.def;
  if (def.coerce) return undefined;
  switch (def.type) {
    case 'string':
      return string(def);
    case 'number':
      return number(def);
    case 'boolean':
      return def.checks?.length ? undefined : (v) => typeof v === 'boolean';
    case 'enum':
      return enumeration(def);
    case 'literal':
      return literal(def);
    case 'array':
      return array(def);
    case 'object':
      return object(def);
    case 'optional':
    case 'nullable': {
      const inner = def.checks?.length ? undefined : compile(def.innerType!);
      if (inner === undefined) return undefined;
      const empty = def.type === 'optional' ? undefined : null;
      return (v) => v === empty || inner(v);
    }
    case 'union':
      return union(def);
    default:
      return undefined; // pipe, transform, default, catch, custom, …: zod alone
  }
}

/** A string's, a number's or an array's checks, gathered into bounds and lists; `undefined` if one is not known. */
interface Bounds {
  min: number;
  max: number;
  /** the bounds are exclusive (numbers only) */
  minExclusive: boolean;
  maxExclusive: boolean;
  int: boolean;
  patterns: RegExp[];
  overwrites: ((value: unknown) => unknown)[];
}

function bounds(def: Def, kind: 'string' | 'number' | 'array'): Bounds | undefined {
  const b: Bounds = {
    min: -Infinity,
    max: Infinity,
    minExclusive: false,
    maxExclusive: false,
    int: false,
    patterns: [],
    overwrites: [],
  };
  if (kind === 'string' && def.format !== undefined) {
    // A string format (z.iso.date) is checked by the schema itself, before its checks.
    if (!PATTERN_FORMATS.has(def.format) || !(def.pattern instanceof RegExp)) return undefined;
    b.patterns.push(def.pattern);
  }
  for (const { _zod } of def.checks ?? []) {
    const c = _zod.def;
    if (kind !== 'number' && c.check === 'min_length') b.min = Math.max(b.min, c.minimum!);
    else if (kind !== 'number' && c.check === 'max_length') b.max = Math.min(b.max, c.maximum!);
    else if (kind !== 'number' && c.check === 'length_equals') {
      b.min = Math.max(b.min, c.length!);
      b.max = Math.min(b.max, c.length!);
    } else if (
      kind === 'string' &&
      c.check === 'string_format' &&
      PATTERN_FORMATS.has(c.format!) &&
      c.pattern instanceof RegExp
    )
      b.patterns.push(c.pattern);
    // An overwrite (`trim`) changes zod's output unless it leaves the text as it is: then, and only then, yes.
    else if (kind === 'string' && c.check === 'overwrite' && typeof c.tx === 'function')
      b.overwrites.push(c.tx);
    else if (kind === 'number' && c.check === 'number_format' && c.format === 'safeint') b.int = true;
    // Several bounds of one side: the tightest wins (on a tie, the exclusive one).
    else if (kind === 'number' && c.check === 'greater_than' && typeof c.value === 'number') {
      if (c.value > b.min || (c.value === b.min && !c.inclusive))
        [b.min, b.minExclusive] = [c.value, !c.inclusive];
    } else if (kind === 'number' && c.check === 'less_than' && typeof c.value === 'number') {
      if (c.value < b.max || (c.value === b.max && !c.inclusive))
        [b.max, b.maxExclusive] = [c.value, !c.inclusive];
    } else return undefined;
  }
  return b;
}

/** Tests `text` against each pattern, resetting `lastIndex` as zod does (for patterns with the g or y flag). */
function matchesAll(patterns: RegExp[], text: string): boolean {
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    if (!pattern.test(text)) return false;
  }
  return true;
}

function string(def: Def): FastCheck | undefined {
  const b = bounds(def, 'string');
  if (b === undefined) return undefined;
  const { min, max, patterns, overwrites } = b;
  return (v) => {
    if (typeof v !== 'string' || v.length < min || v.length > max || !matchesAll(patterns, v)) return false;
    for (const overwrite of overwrites) if (overwrite(v) !== v) return false;
    return true;
  };
}

function number(def: Def): FastCheck | undefined {
  const b = bounds(def, 'number');
  if (b === undefined) return undefined;
  const { min, max, minExclusive, maxExclusive, int } = b;
  return (v) =>
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (int ? Number.isSafeInteger(v) : true) &&
    (minExclusive ? v > min : v >= min) &&
    (maxExclusive ? v < max : v <= max);
}

function enumeration(def: Def): FastCheck | undefined {
  const entries = Object.entries(def.entries ?? {});
  // z.enum([...]) only: each entry's key is its string value (a native enum's numeric entries are not handled).
  if (def.checks?.length || !entries.every(([k, v]) => k === v)) return undefined;
  const values = new Set<unknown>(entries.map(([k]) => k));
  return (v) => values.has(v);
}

function literal(def: Def): FastCheck | undefined {
  const values = def.values ?? [];
  if (
    def.checks?.length ||
    !values.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
  )
    return undefined;
  const set = new Set(values);
  return (v) => set.has(v);
}

function array(def: Def): FastCheck | undefined {
  const b = bounds(def, 'array');
  const element = compile(def.element!);
  if (b === undefined || element === undefined) return undefined;
  const { min, max } = b;
  return (v) => {
    if (!Array.isArray(v) || v.length < min || v.length > max) return false;
    for (const item of v) if (!element(item)) return false;
    return true;
  };
}

function object(def: Def): FastCheck | undefined {
  // A plain object strips unknown keys and a strict one refuses them: either way a value with one is not "as is".
  if (def.checks?.length || (def.catchall !== undefined && def.catchall._zod.def.type !== 'never'))
    return undefined;
  const fields: [string, FastCheck][] = [];
  for (const [key, field] of Object.entries(def.shape ?? {})) {
    const test = compile(field);
    if (test === undefined) return undefined;
    fields.push([key, test]);
  }
  const known = new Set(fields.map(([key]) => key));
  return (v) => {
    if (!isRecord(v)) return false;
    for (const key in v) if (!known.has(key)) return false;
    // An absent key reads as undefined, which only an optional field accepts (zod reads `input[key]` too).
    for (const [key, test] of fields) if (!test(v[key])) return false;
    return true;
  };
}

/** Options of different primitive types only (a value then matches one at most, so zod's first match is it). */
function union(def: Def): FastCheck | undefined {
  const kinds = new Map<string, FastCheck>();
  for (const option of def.options ?? []) {
    const kind = option._zod.def.type;
    const test = compile(option);
    if (!['string', 'number', 'boolean'].includes(kind) || kinds.has(kind) || test === undefined)
      return undefined;
    kinds.set(kind, test);
  }
  if (def.checks?.length || kinds.size === 0) return undefined;
  return (v) => kinds.get(typeof v)?.(v) ?? false;
}
