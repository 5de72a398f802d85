/**
 * The names of the domain's codes (steps, kinds, roles, events, documents, return reasons, command fields and
 * their choices) in the users' two languages. The wording is data (`data/vocabulary.json`), taken from the
 * glossary (`shared/domain/glossary-vi.md`), one term per concept, in one place that a province can change;
 * `vocabulary.unit.test.ts` holds it to every code the contracts and workflows define, so no screen shows a raw
 * code.
 */
import vocabulary from './data/vocabulary.json' with { type: 'json' };
import type { Lang } from './i18n.js';

type Names = Record<string, { vi: string; en: string } | undefined>;
export type Table = Exclude<keyof typeof vocabulary, '$comment'>;

const table = (name: Table): Names => vocabulary[name];

/** The name of a code in `lang`, or the code itself (never hidden). */
export const nameOf = (name: Table, code: string, lang: Lang): string => table(name)[code]?.[lang] ?? code;

/** The codes a table names, in its order. */
export const codesOf = (name: Table): string[] => Object.keys(table(name));

/** Where a command's choice values are named: its own choices, then the codes a choice may carry. */
const CHOICE_TABLES: Table[] = ['choices', 'documents', 'returnReasons', 'kinds', 'roles', 'deadlineSteps'];

/** The label of a command field from its dotted name (the last segment names it). */
export function fieldLabel(name: string, lang: Lang, description?: string): string {
  const key = name.split('.').at(-1)!;
  return table('fields')[key]?.[lang] ?? description ?? key;
}

/** The label of a choice value of a command field. */
export function choiceLabel(value: string, lang: Lang): string {
  for (const name of CHOICE_TABLES) {
    const found = table(name)[value]?.[lang];
    if (found !== undefined) return found;
  }
  return value;
}
