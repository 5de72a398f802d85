/**
 * Thông báo — the signed-in person's notifications (the API's `GET /me/notifications`: their inbox's, with their
 * own read marks), newest first, each linking to its dossier; one form marks them all read. The header shows the
 * unread count on every page (`unreadNotifications`, read once per page request).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { html } from '../html.js';
import { formatDateTime, langOf } from '../i18n.js';
import { tag, UNREAD_SLOT } from '../layout.js';
import { csrfChecked, screenOf, sendPage } from '../context.js';
import { apiFor } from '../api.js';

interface Listed {
  items: {
    id: string;
    kind: string;
    dossierId: string;
    title: string;
    body: string;
    createdAt: string;
    read: boolean;
  }[];
  total: number;
  unread: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the signed-in person's unread notifications, for the header; undefined when unknown */
    unreadNotifications?: Promise<number | undefined> | undefined;
  }
}

/** The unread count of a signed-in person's page request (one in-process API call; nothing when signed out). */
async function unreadOf(
  fastify: FastifyInstance,
  request: FastifyRequest,
  nowSeconds: number,
): Promise<number | undefined> {
  const user = request.session.user;
  if (!user || user.expiresAt <= nowSeconds) return undefined;
  try {
    const answer = await apiFor(fastify, request, user, langOf(request)).get<Listed>(
      '/me/notifications?unread=true&limit=1',
    );
    return answer.status === 200 ? answer.body.unread : undefined;
  } catch {
    return undefined;
  }
}

export function notificationRoutes(fastify: FastifyInstance, now: () => Date): void {
  fastify.addHook('preHandler', (request, _reply, done) => {
    if (request.method === 'GET' && !request.url.startsWith('/assets/'))
      request.unreadNotifications = unreadOf(fastify, request, now().getTime() / 1000);
    done();
  });
  fastify.addHook('onSend', async (request, _reply, payload) => {
    const pending = request.unreadNotifications;
    if (pending === undefined || typeof payload !== 'string' || !payload.includes(UNREAD_SLOT))
      return payload;
    const unread = await pending;
    return payload.replace(UNREAD_SLOT, unread ? ` <strong class="count">${unread}</strong>` : '');
  });

  fastify.get('/notifications', async (request, reply) => {
    const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
    if (!screen) return reply;
    const { api, t } = screen;
    const answer = await api.get<Listed>('/me/notifications?limit=100');
    const list = answer.status === 200 ? answer.body : { items: [], total: 0, unread: 0 };
    const body = html`<h1>${t('notifications')}</h1>
      ${
        list.items.length === 0
          ? html`<p>${t('noNotifications')}</p>`
          : html`${
                list.unread > 0
                  ? html`<form method="post" action="/notifications/read" class="inline">
                      <input type="hidden" name="_csrf" value="${screen.csrfToken ?? ''}" />
                      <button class="button">${t('markAllRead')}</button>
                    </form>`
                  : ''
              }
              <ul class="notifications">
                ${list.items.map(
                  (n) =>
                    html`<li class="${n.read ? 'read' : 'unread'}">
                      ${n.read ? '' : tag(t('unread'), 'blue')}
                      <a href="/dossier/${encodeURIComponent(n.dossierId)}"><strong>${n.title}</strong></a>
                      <p>${n.body}</p>
                      <p class="hint">${formatDateTime(n.createdAt)}</p>
                    </li>`,
                )}
              </ul>`
      }`;
    return sendPage(reply, screen.render(t('notifications'), body));
  });

  fastify.post('/notifications/read', csrfChecked(fastify), async (request, reply) => {
    const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
    if (!screen) return reply;
    await screen.api.post('/me/notifications/read', {});
    return reply.redirect('/notifications');
  });
}
