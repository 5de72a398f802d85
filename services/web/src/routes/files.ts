/**
 * A dossier's files in the browser: each document's file (its latest version) and the official documents the engine
 * makes from the log (the receipt, the supplement request, the apology letter, the appraisal report, the council
 * minutes, the decision). Each is the API's own download passed on as it streams, with the person's token: the same
 * read check, the same download trail, the same ETag (the file's SHA-256) and Range, and for the decision the
 * signature verified again. Nothing is held whole in the web app's memory.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DOCUMENT_NAMES, type DocumentName } from '@ntm/documents';
import { screenOf, sendNothing } from '../context.js';

/** The API's headers a browser needs to save, resume or check the file; the rest stay behind. */
const PASSED_ON = [
  'content-type',
  'content-length',
  'content-disposition',
  'content-range',
  'accept-ranges',
  'etag',
  'last-modified',
  'cache-control',
  'x-signature-verdict',
] as const;

export function fileRoutes(fastify: FastifyInstance, now: () => Date): void {
  const passOn = async (request: FastifyRequest, reply: FastifyReply, url: string) => {
    const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
    if (!screen) return reply;
    const asked: Record<string, string> = {};
    for (const name of ['range', 'if-range', 'if-none-match'] as const) {
      const value = request.headers[name];
      if (typeof value === 'string') asked[name] = value;
    }
    const file = await screen.api.stream(url, asked);
    if (file.status >= 400 && file.status !== 416) {
      file.body.resume();
      // Not the person's to see, or no such file: one answer, as for the dossier itself.
      if (file.status === 409) return sendNothing(reply, screen, 'notYet', 'documentNotYet', 409);
      return sendNothing(reply, screen, 'notFound', undefined, file.status < 500 ? 404 : 503);
    }
    for (const name of PASSED_ON) {
      const value = file.headers[name];
      if (value !== undefined) void reply.header(name, value);
    }
    return reply.code(file.status).send(file.body);
  };

  fastify.get('/dossier/:id/files/:documentId', (request, reply) => {
    const { id, documentId } = request.params as { id: string; documentId: string };
    return passOn(
      request,
      reply,
      `/dossiers/${encodeURIComponent(id)}/documents/${encodeURIComponent(documentId)}/file`,
    );
  });

  fastify.get('/dossier/:id/pdf/:name', (request, reply) => {
    const { id, name } = request.params as { id: string; name: string };
    if (!(DOCUMENT_NAMES as readonly string[]).includes(name)) {
      const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
      return screen ? sendNothing(reply, screen, 'notFound', undefined, 404) : reply;
    }
    return passOn(request, reply, `/dossiers/${encodeURIComponent(id)}/${name as DocumentName}.pdf`);
  });
}
