import type { RecordedEvent } from '@ntm/event-store';
import { dossierDocument, type DocumentContext, type DocumentName } from './dossierDocuments.js';
import { renderOfficialDocument } from './officialDocument.js';

/** The PDF of document `name` of a dossier from its events; undefined while its step has not happened. */
export async function renderDossierDocument(
  name: DocumentName,
  events: readonly RecordedEvent[],
  ctx: DocumentContext,
): Promise<Buffer | undefined> {
  const doc = dossierDocument(name, events, ctx);
  return doc && renderOfficialDocument(doc);
}
