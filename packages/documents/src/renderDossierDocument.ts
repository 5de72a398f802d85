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

/**
 * Renders documents, remembering the last `size` PDFs by what determines them (the document, the stream and the
 * hash of its last event, which chains every event before it): the same events give the same bytes, so a PDF is
 * rendered once (a few hundred milliseconds of CPU) however often it is downloaded.
 */
export function documentRenderer(ctx: DocumentContext, size = 64) {
  const cache = new Map<string, Promise<Buffer | undefined>>();
  return (name: DocumentName, events: readonly RecordedEvent[]): Promise<Buffer | undefined> => {
    const last = events.at(-1);
    const key = `${name}\n${last?.streamId ?? ''}\n${last?.hash ?? ''}`;
    let pdf = cache.get(key);
    if (pdf) {
      cache.delete(key);
    } else {
      pdf = renderDossierDocument(name, events, ctx);
      // A failed render is not remembered.
      pdf.catch(() => cache.delete(key));
    }
    cache.set(key, pdf);
    if (cache.size > size) cache.delete(cache.keys().next().value!);
    return pdf;
  };
}
