/**
 * Ký số quyết định: the chairman signs the decision from its dossier page (one button: the API renders the decision
 * from the log, signs it with the configured signer, verifies it and records the signed file's hash), and everyone
 * who may read the dossier sees the signature as the API verifies it again on every look: who signed, the
 * certificate's issuer, when, the verdict, what is not checked, and the signed PDF to open.
 */
import type { FastifyInstance } from 'fastify';
import type { DossierState } from '@ntm/domain';
import type { ApiAnswer, Problem } from '../api.js';
import { csrfChecked, screenOf, sendPage, type Screen } from '../context.js';
import { html, type Html } from '../html.js';
import { formatDateTime } from '../i18n.js';
import { errorSummary, tag } from '../layout.js';

/** `GET /dossiers/{id}/decision/signature`: the signature as recorded and as verified again now. */
export interface SignatureCheck {
  recorded: { signer: { subject: string; issuer: string }; signedAt: string };
  verification: { verdict: 'valid' | 'untrusted' | 'invalid' | 'unsigned' };
}

/** Whether the dossier's current decision carries a recorded signature (a later decision would need its own). */
export const isSigned = (state: DossierState): boolean =>
  state.decisionSignature !== undefined && state.decisionSignature.decisionNo === state.decision?.decisionNo;

/** The signature section: its check when signed, the signing button to whoever may sign now, else nothing. */
export function signingSection(
  screen: Screen,
  dossier: { dossierId: string; revision: number; allowedCommands: string[] },
  check: ApiAnswer<SignatureCheck> | undefined,
): Html {
  const { t } = screen;
  if (check) {
    const verdict = check.status === 200 ? check.body.verification.verdict : undefined;
    const recorded = check.status === 200 ? check.body.recorded : undefined;
    return html`<h2>${t('signature')}</h2>
      <p>
        ${
          verdict === 'valid'
            ? tag(t('signatureValid'), 'green')
            : verdict === 'untrusted'
              ? tag(t('signatureUntrusted'), 'yellow')
              : tag(t('signatureAltered'), 'red')
        }
      </p>
      ${
        recorded
          ? html`<dl class="summary-list">
              <div>
                <dt>${t('signedBy')}</dt>
                <dd>${recorded.signer.subject}</dd>
              </div>
              <div>
                <dt>${t('certificateIssuer')}</dt>
                <dd>${recorded.signer.issuer}</dd>
              </div>
              <div>
                <dt>${t('signedAt')}</dt>
                <dd>${formatDateTime(recorded.signedAt)}</dd>
              </div>
            </dl>`
          : ''
      }
      <p class="hint">${t('signatureNotChecked')}</p>
      <p><a href="/dossier/${dossier.dossierId}/pdf/decision">${t('openSignedDecision')}</a></p>`;
  }
  if (!dossier.allowedCommands.includes('SignDecision')) return html``;
  return html`<h2>${t('signature')}</h2>
    <p class="hint">${t('signDecisionHint')}</p>
    <form method="post" action="/dossier/${dossier.dossierId}/sign">
      <input type="hidden" name="_csrf" value="${screen.csrfToken ?? ''}" />
      <input type="hidden" name="_revision" value="${String(dossier.revision)}" />
      <button class="button">${t('signDecision')}</button>
    </form>`;
}

export function signingRoutes(fastify: FastifyInstance, now: () => Date): void {
  fastify.post('/dossier/:id/sign', csrfChecked(fastify), async (request, reply) => {
    const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
    if (!screen) return reply;
    const { t } = screen;
    const { id } = request.params as { id: string };
    const revision = (request.body as { _revision?: unknown })._revision;
    const answer = await screen.api.post<Problem>(
      `/dossiers/${encodeURIComponent(id)}/decision/signature`,
      undefined,
      { 'if-match': `"${typeof revision === 'string' ? revision : ''}"` },
    );
    if (answer.status < 300) {
      request.session.flash = t('decisionSigned');
      return reply.redirect(`/dossier/${encodeURIComponent(id)}`);
    }
    // Refused (not theirs to sign, already signed, changed meanwhile, no signer): said in their language, nothing
    // recorded; the dossier page is one link away.
    const problem = answer.body;
    const message =
      problem.code === 'REVISION_MISMATCH'
        ? t('concurrentChange')
        : (problem.detail ?? problem.title ?? problem.code);
    return sendPage(
      reply,
      screen.render(
        t('signDecision'),
        html`<h1>${t('signDecision')}</h1>
          ${errorSummary(t, [{ message }])}
          <p><a href="/dossier/${encodeURIComponent(id)}">${t('back')}</a></p>`,
      ),
      answer.status === 404 ? 404 : 409,
    );
  });
}
