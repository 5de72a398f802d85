/**
 * Uploading a document's file (AttachDocumentFile) without JavaScript: a plain `multipart/form-data` form, the
 * document id and kind before the file (the order the API reads them in), passed on to the API's upload route as
 * the bytes arrived, with the revision the person saw (`If-Match`). The API streams it into the blob store, sniffs
 * its type and decides the command; its refusal comes back beside the form in the person's language.
 *
 * The CSRF token travels in the form's action URL: a multipart body is not parsed into fields here (the API
 * reads it), and no referrer ever leaves this app (`referrer-policy: no-referrer`), so the URL does not leak it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COMMAND_SPECS, DOCUMENT_KIND_VALUES } from '@ntm/contracts';
import type { DossierState } from '@ntm/domain';
import { csrfChecked, screenOf, sendNothing, sendPage, type Screen } from '../context.js';
import { html } from '../html.js';
import { backLink, errorSummary } from '../layout.js';
import { fieldLabel, nameOf } from '../vocabulary.js';
import type { Problem } from '../api.js';

const SPEC = COMMAND_SPECS.find((s) => s.type === 'AttachDocumentFile')!;
/** The largest body passed on; the API applies its own, usually smaller, limit to the file. */
const BODY_LIMIT = 64 * 1024 * 1024;
const ACCEPT = '.pdf,.jpg,.jpeg,.png,.docx,.xlsx,.odt,.ods';

interface DossierView {
  revision: number;
  state: DossierState;
  allowedCommands: string[];
}

export function uploadRoutes(fastify: FastifyInstance, now: () => Date): void {
  // The multipart body is kept as bytes for the API; nothing here reads its parts.
  fastify.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
    (_r, body, done) => done(null, body),
  );

  async function load(request: FastifyRequest, reply: FastifyReply) {
    const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
    if (!screen) return undefined;
    const { id } = request.params as { id: string };
    const view = await screen.api.get<DossierView>(`/dossiers/${encodeURIComponent(id)}`);
    if (view.status !== 200 || !view.body.allowedCommands.includes(SPEC.type)) {
      void sendNothing(reply, screen, 'notFound', 'dossierNotFound', 404);
      return undefined;
    }
    return { screen, id, view: view.body };
  }

  function showForm(
    reply: FastifyReply,
    screen: Screen,
    id: string,
    view: DossierView,
    problem?: { message: string; fields: string[] },
  ) {
    const { t, lang } = screen;
    const title = SPEC.summary[lang];
    const action = `/dossier/${id}/upload?_csrf=${encodeURIComponent(screen.csrfToken ?? '')}&revision=${view.revision}`;
    const known = view.state.documents.map((d) => d.documentId);
    const invalid = (name: string) => problem?.fields.includes(name) ?? false;
    const body = html`${backLink(`/dossier/${id}`, t('back'))}
      ${errorSummary(t, problem ? [{ message: problem.message }] : [])}
      <h1>${title}</h1>
      <form method="post" action="${action}" enctype="multipart/form-data">
        <div class="form-group${invalid('documentId') ? ' form-group-error' : ''}">
          <label for="f-documentId">${fieldLabel('documentId', lang)}</label>
          <span class="hint" id="f-documentId-hint">${t('uploadDocumentHint')} ${known.join(', ')}</span>
          <input
            type="text"
            id="f-documentId"
            name="documentId"
            aria-describedby="f-documentId-hint"
            required
          />
        </div>
        <div class="form-group">
          <label for="f-documentKind">${fieldLabel('documentKind', lang)}</label>
          <select id="f-documentKind" name="documentKind" required>
            ${DOCUMENT_KIND_VALUES.map((k) => html`<option value="${k}">${nameOf('documents', k, lang)}</option>`)}
          </select>
        </div>
        <div class="form-group${invalid('file') ? ' form-group-error' : ''}">
          <label for="f-file">${t('file')}</label>
          <span class="hint" id="f-file-hint">${t('fileHint')}</span>
          <input
            type="file"
            id="f-file"
            name="file"
            accept="${ACCEPT}"
            aria-describedby="f-file-hint"
            required
          />
        </div>
        <button class="button">${t('upload')}</button>
      </form>`;
    return sendPage(reply, screen.render(title, body), problem ? 400 : 200);
  }

  fastify.get('/dossier/:id/upload', async (request, reply) => {
    const loaded = await load(request, reply);
    if (!loaded) return reply;
    return showForm(reply, loaded.screen, loaded.id, loaded.view);
  });

  // The CSRF check reads a form's token from its body or a header: this form's comes in the URL, handed on as one.
  const checked = csrfChecked(fastify);
  const fromUrl = {
    preHandler: (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
      const token = (request.query as { _csrf?: unknown })._csrf;
      if (typeof token === 'string') request.headers['csrf-token'] = token;
      checked.preHandler(request, reply, done);
    },
  };

  fastify.post('/dossier/:id/upload', fromUrl, async (request, reply) => {
    const loaded = await load(request, reply);
    if (!loaded) return reply;
    const { screen, id, view } = loaded;
    const revision = (request.query as { revision?: string }).revision ?? '';
    const answer = await screen.api.upload<Problem>(
      `/dossiers/${encodeURIComponent(id)}/documents/files`,
      request.headers['content-type'] ?? '',
      request.body as Buffer,
      /^\d{1,9}$/.test(revision) ? { 'if-match': `"${revision}"` } : {},
    );
    if (answer.status < 300) {
      request.session.flash = `${screen.t('commandDone')}: ${SPEC.summary[screen.lang]}`;
      return reply.redirect(`/dossier/${id}`);
    }
    const problem = answer.body;
    const message =
      problem.code === 'REVISION_MISMATCH'
        ? screen.t('concurrentChange')
        : (problem.detail ?? problem.title ?? '');
    const fields = (problem.errors ?? []).map((e) => e.path.replace(/^\//, ''));
    return showForm(reply, screen, id, view, { message, fields });
  });
}
