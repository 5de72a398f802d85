/** Every code a screen can show has a name in both languages: no raw code reaches a person. */
import { describe, expect, it } from 'vitest';
import {
  COMMAND_SPECS,
  DOCUMENT_KIND_VALUES,
  DOSSIER_KIND_VALUES,
  EVENT_TYPES,
  RETURN_REASON_VALUES,
} from '@ntm/contracts';
import { ROLES, WORKFLOWS } from '@ntm/domain';
import { formFields, type Field } from './forms.js';
import { MESSAGES } from './i18n.js';
import { choiceLabel, codesOf, fieldLabel, nameOf, type Table } from './vocabulary.js';

const named = (table: Table, codes: readonly string[]) =>
  codes.filter((c) => nameOf(table, c, 'vi') === c || nameOf(table, c, 'en') === c);

describe('the vocabulary', () => {
  it('names every event, document kind, return reason, dossier kind, role and workflow step', () => {
    expect(named('events', EVENT_TYPES)).toEqual([]);
    expect(named('documents', DOCUMENT_KIND_VALUES)).toEqual([]);
    expect(named('returnReasons', RETURN_REASON_VALUES)).toEqual([]);
    expect(named('kinds', DOSSIER_KIND_VALUES)).toEqual([]);
    expect(named('roles', ROLES)).toEqual([]);
    const steps = WORKFLOWS.flatMap((w) => w.definition.edges.flatMap((e) => [e.from, e.to]));
    expect(named('steps', [...new Set(steps)])).toEqual([]);
    const deadlines = WORKFLOWS.flatMap((w) => w.definition.edges.flatMap((e) => e.deadline ?? []));
    expect(named('deadlineSteps', [...new Set(deadlines)])).toEqual([]);
  });

  it('labels every field of every command form and every choice it offers', () => {
    const missing: string[] = [];
    const walk = (fields: Field[]) => {
      for (const f of fields) {
        if (f.kind === 'group') walk(f.fields);
        else if (f.kind === 'rows') f.rows.forEach(walk);
        else {
          if (fieldLabel(f.name, 'vi') === f.name.split('.').at(-1)) missing.push(f.name);
          if (f.kind === 'choice' && !f.criterion)
            for (const o of f.options) if (choiceLabel(o, 'vi') === o) missing.push(`${f.name}=${o}`);
        }
      }
    };
    for (const spec of COMMAND_SPECS) walk(formFields(spec.schema, { criteriaCodes: [] }));
    expect([...new Set(missing)]).toEqual([]);
  });

  it('uses one term per concept: no two steps, events, documents, kinds or roles share a name', () => {
    for (const table of ['steps', 'events', 'documents', 'kinds', 'roles'] as const) {
      for (const lang of ['vi', 'en'] as const) {
        const names = codesOf(table).map((c) => nameOf(table, c, lang));
        expect(
          names.filter((n, i) => names.indexOf(n) !== i),
          `${table} ${lang}`,
        ).toEqual([]);
      }
    }
  });

  it('has every text of the app in both languages', () => {
    const gaps = Object.entries(MESSAGES).filter(([, m]) => !m.vi.trim() || !m.en.trim());
    expect(gaps).toEqual([]);
  });
});
