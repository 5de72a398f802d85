/** The start page: sign in, or straight to the inbox when signed in. */
import type { FastifyInstance } from 'fastify';
import { html } from '../html.js';
import { page } from '../layout.js';
import { pageContext, sendPage } from '../context.js';

export function homeRoutes(fastify: FastifyInstance): void {
  fastify.get('/', (request, reply) => {
    if (request.session.user) return reply.redirect('/inbox');
    const ctx = pageContext(request, reply);
    const { t } = ctx;
    return sendPage(
      reply,
      page(
        ctx,
        t('signIn'),
        html`<h1>${t('appName')}</h1>
          <p>${t('signInIntro')}</p>
          <p><a class="button" href="/login" role="button">${t('signIn')}</a></p>`,
      ),
    );
  });
}
