/**
 * Canonical JSON (RFC 8785 style): object keys sorted by UTF-16 code units, no whitespace, numbers and strings
 * serialised as ECMAScript's JSON.stringify does (which is what RFC 8785 specifies for well-formed strings and
 * finite numbers). Object properties whose value is `undefined` are omitted, as JSON.stringify and jsonb do, so
 * an optional metadata field left undefined hashes the same before and after a round trip through the store.
 * A dozen lines instead of the `canonicalize` package: the input is already validated as JSON-safe.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${String(value)}`);
      return finiteNumberJson(value);
    case 'string':
      return stringJson(value);
    case 'object': {
      // Appended to one string piece by piece, not collected in arrays and joined, nor through a template per
      // member (each of its parts a short string of its own): this runs on every event of every append and every
      // chain check, and those intermediate strings were most of its garbage.
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += canonicalJson(value[i]);
        }
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      let out = '{';
      for (const key of sortedKeys(record)) {
        const item = record[key];
        if (item === undefined) continue;
        if (out.length > 1) out += ',';
        out += quotedKey(key);
        out += canonicalJson(item);
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${typeof value} is not JSON`);
  }
}

/**
 * `JSON.stringify(value)` of a finite number: `String(value)` is the same text (JSON serialises a finite number with
 * ToString, -0 as "0"), without the call into the JSON serialiser.
 */
export function finiteNumberJson(value: number): string {
  return String(value);
}

/**
 * `JSON.stringify(value)` of a string, the same text: quoted here when nothing in it is escaped, which is nearly
 * every string of an event; `JSON.stringify` for the rest. JSON.stringify escapes `"`, `\`, the code units below
 * U+0020 and lone surrogates, nothing else; any surrogate sends the string to it. A builtin call per string was the
 * largest part of canonical JSON's time (ADR 0062).
 */
export function stringJson(value: string): string {
  return needsEscaping(value) ? JSON.stringify(value) : `"${value}"`;
}

/** A code unit that JSON.stringify may escape: below U+0020, `"`, `\`, or a surrogate (lone or not). */
export function needsEscaping(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x20 || unit === 0x22 || unit === 0x5c || (unit >= 0xd800 && unit <= 0xdfff)) return true;
  }
  return false;
}

/**
 * A UTF-16 surrogate without its pair: `String.prototype.isWellFormed` (ES2024, in Node 20), which answers at once
 * for a string without surrogates, where the lookbehind regex it replaces scanned every string of every event
 * appended (about 50 ns a string, some thirty strings and keys an event).
 */
export function hasLoneSurrogate(value: string): boolean {
  return !(value as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** Most object keys whose quoted form is kept: events of a deployment reuse a bounded set of keys. */
const QUOTED_KEYS_KEPT = 4096;
/**
 * Quoted keys by key. Only keys that event validation accepts (no U+0000, no lone surrogate) are kept, so a key
 * found here needs no check again (`knownQuotedKey`).
 */
const quotedKeys = new Map<string, string>();

/** `"key":`, kept for the keys seen first (a key is quoted the same way every time). */
export function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (quotedKeys.size < QUOTED_KEYS_KEPT && !key.includes('\u0000') && !hasLoneSurrogate(key))
      quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** `"key":` when the key is kept, and so known to hold no U+0000 and no lone surrogate; else undefined. */
export function knownQuotedKey(key: string): string | undefined {
  return quotedKeys.get(key);
}

/**
 * The object's keys in UTF-16 code-unit order, what `Array.prototype.sort()` gives (JavaScript's `<` on strings
 * compares code units too; keys are distinct, so there are no ties), by insertion sort in place: events' objects have
 * a handful of keys, often already in order, and this runs for every object of every event appended, where the
 * built-in sort's default comparator (string conversion per comparison) is the slower path.
 */
export function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    if (keys[j]! < key) continue;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
