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
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      // Appended to one string, not collected in arrays and joined: this runs on every event of every append and
      // every chain check, and the arrays were most of its garbage.
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += `${i > 0 ? ',' : ''}${canonicalJson(value[i])}`;
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      let out = '{';
      for (const key of Object.keys(record).sort()) {
        const item = record[key];
        if (item !== undefined)
          out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(item)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${typeof value} is not JSON`);
  }
}
