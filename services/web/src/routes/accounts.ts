/**
 * The embedded provider's login interaction: a page listing the demo accounts, one button each. Choosing one
 * finishes the interaction and the provider continues the authorisation code flow. There is no password.
 */
import type { FastifyInstance } from 'fastify';
import type { DemoAccount } from '../demoAccounts.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { nameOf } from '../vocabulary.js';
import { csrfChecked, pageContext, sendPage } from '../context.js';
import { ACCOUNTS_PATH, type ProviderOnDemand } from '../embeddedProvider.js';

export function accountRoutes(
  fastify: FastifyInstance,
  provider: ProviderOnDemand,
  accounts: DemoAccount[],
): void {
  fastify.get(`${ACCOUNTS_PATH}/:uid`, async (request, reply) => {
    const details = await (await provider()).interactionDetails(request.raw, reply.raw);
    const ctx = pageContext(request, reply);
    const { t, lang } = ctx;
    const current = accounts.filter((a) => !a.before2025);
    const before = accounts.filter((a) => a.before2025);
    const list = (items: DemoAccount[]) =>
      html`<ul class="accounts">
        ${items.map(
          (a) =>
            html`<li>
              <button class="button button-secondary" name="accountId" value="${a.id}">
                <strong>${nameOf('roles', a.role, lang)}</strong> — ${a.name} (${a.unit})
              </button>
            </li>`,
        )}
      </ul>`;
    return sendPage(
      reply,
      page(
        ctx,
        t('chooseAccount'),
        html`<h1>${t('chooseAccount')}</h1>
          <p>${t('chooseAccountIntro')}</p>
          <form method="post" action="${ACCOUNTS_PATH}/${details.uid}">
            <input type="hidden" name="_csrf" value="${ctx.csrfToken}" />
            ${list(current)}
            ${
              before.length
                ? html`<h2>
                      ${lang === 'vi' ? 'Đơn vị trước ngày 01/07/2025 (Bắc Kạn)' : 'Units before 01/07/2025 (Bắc Kạn)'}
                    </h2>
                    ${list(before)}`
                : ''
            }
          </form>`,
      ),
    );
  });

  fastify.post(`${ACCOUNTS_PATH}/:uid`, csrfChecked(fastify), async (request, reply) => {
    const { accountId } = request.body as { accountId?: string };
    const account = accounts.find((a) => a.id === accountId);
    if (!account) return reply.code(400).send();
    const built = await provider();
    reply.hijack();
    await built.interactionFinished(
      request.raw,
      reply.raw,
      { login: { accountId: account.id } },
      { mergeWithLastSubmission: false },
    );
    return reply;
  });
}
