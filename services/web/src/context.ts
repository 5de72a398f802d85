/** Per-request helpers every screen uses: the language, the signed-in person, the API as them, the page frame. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiFor, type Api } from './api.js';
import { langOf, translator, type MessageKey } from './i18n.js';
import { page, type PageContext } from './layout.js';
import { html, type Html } from './html.js';
import type { WebUser } from './session.js';

export interface Screen extends PageContext {
  user: WebUser;
  api: Api;
  render(title: string, body: Html): string;
}

/** The page context of any request, signed in or not; a fresh CSRF token for its forms. */
export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  const lang = langOf(request);
  return {
    lang,
    t: translator(lang),
    user: request.session.user,
    path: request.url,
    csrfToken: reply.generateCsrf(),
    unread: request.unreadNotifications !== undefined,
  };
}

/** The signed-in person's screen, or undefined after redirecting to sign-in (and back here afterwards). */
export function screenOf(
  fastify: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  nowSeconds: number,
): Screen | undefined {
  const user = request.session.user;
  if (!user || user.expiresAt <= nowSeconds) {
    void reply.redirect(`/login?returnTo=${encodeURIComponent(request.url)}`);
    return undefined;
  }
  const ctx = pageContext(request, reply);
  return {
    ...ctx,
    user,
    api: apiFor(fastify, request, user, ctx.lang),
    render: (title, body) => page(ctx, title, body),
  };
}

/** A page that says there is nothing to show here (not found, or not theirs to see), with its status. */
export function sendNothing(
  reply: FastifyReply,
  screen: Screen,
  title: MessageKey,
  message: MessageKey | undefined,
  status: number,
): FastifyReply {
  const { t } = screen;
  return sendPage(
    reply,
    screen.render(
      t(title),
      html`<h1>${t(title)}</h1>
        ${message ? html`<p>${t(message)}</p>` : ''}`,
    ),
    status,
  );
}

/** Sends a rendered page as HTML, never cached (it holds a person's data and a CSRF token). */
export function sendPage(reply: FastifyReply, markup: string, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(markup);
}

/** Route options that refuse a form without the session's CSRF token (403, and nothing happens). */
export function csrfChecked(fastify: FastifyInstance) {
  return {
    preHandler: (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) =>
      fastify.csrfProtection(request, reply, done),
  };
}
