/**
 * Thông báo — the caller's own notifications (in-app) and mail settings. A notification is addressed to an inbox
 * (a role in a unit, ADR 0024): every user whose token speaks for that role and unit sees it, with read marks of
 * their own; nobody sees another inbox's notifications or another user's marks, and no route takes a user id.
 * The mail settings are the caller's entry in the erasable recipient directory (their email address and
 * language), for the role and unit of their token.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { markNotificationsRead, queryNotifications, type NotificationReader } from '@ntm/projections';
import { eraseRecipient, getRecipient, renderNotification, setRecipient } from '@ntm/notifications';
import { languageOf, ProblemError } from '../problems.js';

/** Any id the outbox can hold: no U+0000 or unpaired surrogate, which PostgreSQL cannot store or compare. */
const NotificationId = z
  .string()
  .min(1)
  .max(600)
  // eslint-disable-next-line no-control-regex -- U+0000 is exactly what is refused
  .regex(/^(?:[^\u0000\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/, 'a notification id');
const ListQuery = z.strictObject({
  unread: z.enum(['true', 'false']).optional().describe('only the unread ones'),
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional()
    .describe('1 to 200, default 50'),
  offset: z
    .string()
    .regex(/^\d{1,7}$/)
    .optional(),
});
const Notification = z.object({
  id: z.string(),
  kind: z.enum(['waiting', 'overdue', 'escalation', 'reminder']),
  dossierId: z.string(),
  dossierCode: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  link: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});
const Settings = z.strictObject({
  email: z.email().max(254),
  locale: z.enum(['vi', 'en']).default('vi'),
});
const SettingsOut = z.object({
  email: z.string(),
  locale: z.enum(['vi', 'en']),
  role: z.string(),
  unitCode: z.string(),
});

const me = (summary: string) => ({ tags: ['notifications'], summary, security: [{ bearer: [] }] });

const notFound = () =>
  new ProblemError(404, 'NOTIFICATION_NOT_FOUND', {
    vi: 'Không có thông báo này trong hộp thông báo của bạn',
    en: 'No such notification among yours',
  });
const noSettings = () =>
  new ProblemError(404, 'NOTIFICATION_SETTINGS_NOT_FOUND', {
    vi: 'Bạn chưa đăng ký nhận thông báo qua thư điện tử',
    en: 'You have not registered for email notifications',
  });

const notificationRoutes: FastifyPluginCallbackZod<{ publicUrl: string }> = (fastify, opts, done) => {
  const { sql, schema } = fastify.readModels;
  const readerOf = async (request: FastifyRequest): Promise<NotificationReader> => {
    const { actor } = await fastify.authenticate(request);
    return { userId: actor.id, role: actor.role, unitCode: actor.unit };
  };

  fastify.get(
    '/me/notifications',
    {
      schema: {
        ...me("The caller's notifications (their inbox's), newest first, with the unread count"),
        querystring: ListQuery,
        response: {
          200: z.object({
            items: z.array(Notification),
            total: z.number().int(),
            unread: z.number().int(),
            limit: z.number().int(),
            offset: z.number().int(),
          }),
        },
      },
    },
    async (request) => {
      const reader = await readerOf(request);
      const limit = Math.min(200, Math.max(1, Number(request.query.limit ?? 50)));
      const page = await queryNotifications(
        sql,
        reader,
        { unreadOnly: request.query.unread === 'true', limit, offset: Number(request.query.offset ?? 0) },
        schema,
      );
      const lang = languageOf(request.headers['accept-language']);
      return {
        ...page,
        items: page.items.map((n) => {
          const text = renderNotification(n, lang, opts.publicUrl);
          return {
            id: n.id,
            kind: n.kind,
            dossierId: n.params.dossierId,
            dossierCode: n.params.dossierCode,
            title: text.title,
            body: text.body,
            link: text.link,
            createdAt: n.created_at,
            read: n.read,
          };
        }),
      };
    },
  );

  fastify.post(
    '/me/notifications/read',
    {
      schema: {
        ...me('Marks the given notifications of the caller read (all of them without `ids`)'),
        body: z.strictObject({ ids: z.array(NotificationId).max(500).optional() }),
        response: { 200: z.object({ marked: z.array(z.string()) }) },
      },
    },
    async (request) => {
      const reader = await readerOf(request);
      const marked = await markNotificationsRead(
        sql,
        reader,
        request.body.ids,
        fastify.clock.now().toISOString(),
        schema,
      );
      return { marked };
    },
  );

  fastify.post(
    '/me/notifications/:id/read',
    {
      schema: {
        ...me('Marks one notification of the caller read; 404 for any other'),
        params: z.strictObject({ id: NotificationId }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const reader = await readerOf(request);
      const at = fastify.clock.now().toISOString();
      const marked = await markNotificationsRead(sql, reader, [request.params.id], at, schema);
      if (marked.length === 0) throw notFound();
      return reply.code(204).send(null);
    },
  );

  fastify.get(
    '/me/notification-settings',
    {
      schema: {
        ...me("The caller's email notification settings"),
        response: { 200: SettingsOut },
      },
    },
    async (request) => {
      const reader = await readerOf(request);
      const entry = await getRecipient(sql, schema, reader.userId);
      if (!entry) throw noSettings();
      return { email: entry.email, locale: entry.locale, role: entry.role, unitCode: entry.unitCode };
    },
  );

  fastify.put(
    '/me/notification-settings',
    {
      schema: {
        ...me("Sets the caller's email address and language for the notifications of their token's inbox"),
        body: Settings,
        response: { 200: SettingsOut },
      },
    },
    async (request) => {
      const reader = await readerOf(request);
      const entry = { ...reader, email: request.body.email, locale: request.body.locale };
      await setRecipient(sql, schema, entry, fastify.clock.now().toISOString());
      return { email: entry.email, locale: entry.locale, role: entry.role, unitCode: entry.unitCode };
    },
  );

  fastify.delete(
    '/me/notification-settings',
    {
      schema: {
        ...me("Erases the caller's entry (email address) from the recipient directory"),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const reader = await readerOf(request);
      if (!(await eraseRecipient(sql, schema, reader.userId))) throw noSettings();
      return reply.code(204).send(null);
    },
  );

  done();
};

export default notificationRoutes;
