/**
 * Law provenance: which rule parameters a decision read. The decider hands the checks and the event builders a
 * recording view of the rule set (`RulesRecorder.wrap`), so what is recorded is what the code actually read, not a
 * list kept by hand beside it; each read is named `<root>:<path>` (e.g. "two-tier-2025@3:poll.passShare.ntm") and
 * resolved to its legal basis and `confirmed` flag for the decision's provenance.
 */
import type { RuleParameter, ShareThreshold } from '../types.js';

/** A rule read, with its basis; the shape `ProvenanceEntry` of the contracts. */
export interface Provenance {
  rule: string;
  value?: string | undefined;
  basis: string;
  confirmed: boolean;
  note?: string | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A value with its basis: the leaves of the rule data that provenance is about. */
export function isRuleParameter(v: unknown): v is RuleParameter<unknown> {
  return isObject(v) && 'value' in v && typeof v.legalBasis === 'string' && typeof v.confirmed === 'boolean';
}

const isShare = (v: unknown): v is ShareThreshold =>
  isObject(v) && typeof v.share === 'number' && typeof v.inclusive === 'boolean';

/** The value as a reader of the provenance sees it: figures and names as text, structures left out. */
function shown(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (isShare(value)) return `${value.inclusive ? '>=' : '>'} ${Math.round(value.share * 10000) / 100}%`;
  if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return value.join(', ');
  return undefined;
}

/** The provenance entry of a rule parameter read under the name `rule`. */
export function provenanceOf(rule: string, p: RuleParameter<unknown>): Provenance {
  const value = shown(p.value);
  const c = p.conflictsWith;
  const conflict = c
    ? `conflicts from ${c.effectiveFrom} with ${c.legalBasis} (${String(shown(c.value) ?? '?')}): ${c.note}`
    : undefined;
  const note = [p.note, conflict].filter((x) => x !== undefined).join('; ');
  return {
    rule,
    ...(value !== undefined ? { value } : {}),
    basis: p.legalBasis,
    confirmed: p.confirmed,
    ...(note !== '' ? { note } : {}),
  };
}

/** Whether a rule parameter sits anywhere inside a value (a revocation rule holds its `judgedAs` parameters). */
function holdsParameters(v: unknown, depth = 0): boolean {
  if (!isObject(v) || depth > 4) return false;
  return Object.values(v).some((x) => isRuleParameter(x) || holdsParameters(x, depth + 1));
}

/** Records the rule parameters read through the views it hands out; one recorder per decision. */
export class RulesRecorder {
  readonly #read = new Map<string, Provenance>();
  #taken = new Set<string>();

  /**
   * A read-only view of `root` that records every rule parameter reached through it, named `<name>:<path>`. Plain
   * values come back as they are (an event's data never holds a proxy); only values that hold parameters are
   * wrapped in turn.
   */
  wrap<T extends object>(root: T, name: string): T {
    return this.#view(root, `${name}:`);
  }

  #view<T extends object>(target: T, prefix: string): T {
    return new Proxy(target, {
      get: (obj, key, receiver) => {
        const v: unknown = Reflect.get(obj, key, receiver);
        if (typeof key !== 'string') return v;
        const path = `${prefix}${key}`;
        if (isRuleParameter(v)) {
          this.record(path, v);
          return holdsParameters(v.value) ? { ...v, value: this.#view(v.value as object, `${path}.`) } : v;
        }
        return isObject(v) && holdsParameters(v) ? this.#view(v, `${path}.`) : v;
      },
      set: () => false,
    });
  }

  /** Records a read made outside a view (a criteria set chosen, a rule applied only on a date). */
  record(rule: string, p: RuleParameter<unknown>): void {
    if (!this.#read.has(rule)) this.#read.set(rule, provenanceOf(rule, p));
  }

  /** The names read since the last call, sorted: what one event records as its `rulesRead`. */
  take(): string[] {
    const fresh = [...this.#read.keys()].filter((k) => !this.#taken.has(k)).sort();
    this.#taken = new Set(this.#read.keys());
    return fresh;
  }

  /** Every read so far, resolved. */
  entries(): Provenance[] {
    return [...this.#read.values()];
  }
}

/**
 * Resolves rule names recorded by earlier events against the rule data the decision has at hand (`roots`, by the
 * name they were wrapped under); a name none of them holds any more is listed unconfirmed, basis unknown.
 */
export function resolveRules(
  names: readonly string[],
  roots: Readonly<Record<string, object>>,
): Provenance[] {
  return names.map((rule) => {
    const at = rule.indexOf(':');
    let node: unknown = roots[rule.slice(0, at)];
    for (const key of rule.slice(at + 1).split('.')) {
      node = isRuleParameter(node) ? node.value : node;
      node = isObject(node) ? node[key] : undefined;
    }
    return isRuleParameter(node)
      ? provenanceOf(rule, node)
      : { rule, basis: 'not found in the rule data in force', confirmed: false };
  });
}
