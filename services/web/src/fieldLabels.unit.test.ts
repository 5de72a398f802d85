/** Every field and choice of every command form has a name in both languages (issue 14: PublishResults). */
import { describe, expect, it } from 'vitest';
import { COMMAND_SPECS } from '@ntm/contracts';
import { CHOICE_NAMES, FIELD_NAMES } from './fieldLabels.js';
import { formFields, type Field } from './forms.js';

function walk(fields: readonly Field[], names: Set<string>, choices: Set<string>): void {
  for (const f of fields) {
    names.add(f.name.split('.').at(-1)!);
    // Media types are shown as they are: a technical value users recognise.
    if (f.kind === 'choice' && !f.criterion)
      f.options.filter((o) => !o.includes('/')).forEach((o) => choices.add(o));
    if (f.kind === 'group') walk(f.fields, names, choices);
    if (f.kind === 'rows') walk(f.rows[0] ?? [], names, choices);
  }
}

describe('command form labels', () => {
  const names = new Set<string>();
  const choices = new Set<string>();
  for (const spec of COMMAND_SPECS) walk(formFields(spec.schema, { criteriaCodes: [] }), names, choices);

  it('name every field in Vietnamese and English', () => {
    expect([...names].filter((n) => !FIELD_NAMES[n]?.vi || !FIELD_NAMES[n]?.en)).toEqual([]);
  });

  it('name every choice in Vietnamese and English', () => {
    expect([...choices].filter((c) => !CHOICE_NAMES[c]?.vi || !CHOICE_NAMES[c]?.en)).toEqual([]);
  });

  it('name what PublishResults asks: the results published, the day and the channel', () => {
    const fields = formFields(COMMAND_SPECS.find((s) => s.type === 'PublishResults')!.schema, {
      criteriaCodes: [],
    });
    expect(fields.map((f) => f.name)).toEqual(['subject', 'publishedOn', 'channel']);
    expect(FIELD_NAMES['subject']?.vi).toBe('Kết quả được công khai');
    expect(CHOICE_NAMES['consultation']?.vi).toBe('Kết quả lấy ý kiến góp ý của Nhân dân');
  });
});
