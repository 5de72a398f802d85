/**
 * The checklist of a dossier as a reader sees it: for every step of its pinned workflow that requires documents,
 * each required kind with its legal basis and `confirmed` flag, and which of the dossier's documents (metadata or
 * uploaded file) satisfy it. The same data and the same presence rule as the `checklistComplete` guard.
 */
import type { CommandType, DocumentKind } from '@ntm/contracts';
import type { DossierState } from '../state.js';
import { workflowByPin } from './registry.js';

export interface ChecklistStepStatus {
  command: CommandType;
  complete: boolean;
  items: {
    documentKind: DocumentKind;
    legalBasis: string;
    confirmed: boolean;
    note?: string;
    /** the dossier's documents of this kind (ids), empty when missing */
    documentIds: string[];
  }[];
}

/** The checklist status of every listed step of the dossier's pinned workflow (empty for an unknown pin). */
export function checklistStatus(state: DossierState): ChecklistStepStatus[] {
  const definition = workflowByPin(state.workflow)?.definition;
  if (!definition) return [];
  const byKind = new Map<string, Set<string>>();
  for (const d of [...state.documents, ...(state.files ?? [])])
    (byKind.get(d.documentKind) ?? byKind.set(d.documentKind, new Set()).get(d.documentKind)!).add(
      d.documentId,
    );
  return Object.entries(definition.checklist).map(([command, items = []]) => {
    const shown = items.map((i) => ({ ...i, documentIds: [...(byKind.get(i.documentKind) ?? [])] }));
    return {
      command: command as CommandType,
      complete: shown.every((i) => i.documentIds.length > 0),
      items: shown,
    };
  });
}
