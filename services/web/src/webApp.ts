/**
 * The web app as Fastify plugins on the API's own server (one process, one port): cookies and the server-side
 * session, CSRF protection on every form, form bodies, security headers, the sign-in routes and the screens. The
 * embedded OIDC provider, when there is one, is mounted beside it at /oidc. Screens reach the engine only through
 * the API's routes with the person's token (api.ts).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import session from '@fastify/session';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import { SessionExpiredError } from './api.js';
import { APP_CSS } from './assets.js';
import { csrfChecked, sendPage } from './context.js';
import type { DemoAccount } from './demoAccounts.js';
import { mountProvider, type ProviderOnDemand } from './embeddedProvider.js';
import { html } from './html.js';
import { langOf, translator } from './i18n.js';
import { page } from './layout.js';
import { loginRoutes, relyingParty, safeReturn, type IdentityConfig } from './login.js';
import { accountRoutes } from './routes/accounts.js';
import { homeRoutes } from './routes/home.js';
import { inboxRoutes } from './routes/inbox.js';
import { notificationRoutes } from './routes/notifications.js';
import { dossierRoutes } from './routes/dossier.js';
import { commandRoutes } from './routes/commands.js';
import { uploadRoutes } from './routes/upload.js';
import { auditRoutes } from './routes/audit.js';
import { fileRoutes } from './routes/files.js';
import { signingRoutes } from './routes/signing.js';
import { dashboardRoutes } from './routes/dashboard.js';
import './session.js';
import type { SessionStore } from './sessionStore.js';

export interface WebOptions {
  /** where people reach the app, without a trailing slash */
  publicUrl: string;
  now: () => Date;
  /** signs the session cookie; 32 characters or more */
  sessionSecret: string;
  identity: IdentityConfig;
  /** where sessions live (shared by several processes); default the process's memory */
  sessionStore?: SessionStore | undefined;
  /** the embedded provider and its demo accounts, when no external provider is configured */
  embedded?: { provider: ProviderOnDemand; accounts: DemoAccount[] } | undefined;
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Authorisation codes travel in URLs: no referrer ever leaves with them.
  'referrer-policy': 'no-referrer',
};

/** Registers the provider (if embedded) and the app on `server`. */
export async function registerWeb(server: FastifyInstance, options: WebOptions): Promise<void> {
  if (options.embedded) await mountProvider(server, options.embedded.provider);
  await server.register(webApp, options);
}

export async function webApp(fastify: FastifyInstance, options: WebOptions): Promise<void> {
  const secure = options.publicUrl.startsWith('https:');
  await fastify.register(cookie);
  await fastify.register(session, {
    secret: options.sessionSecret,
    cookieName: 'ntm_session',
    saveUninitialized: false,
    // Not rolling: a session lasts 8 hours from sign-in and is written to its store only when it changes (a
    // rolling session would be written back on every page, a database write per request).
    rolling: false,
    ...(options.sessionStore ? { store: options.sessionStore } : {}),
    cookie: { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 8 * 3600 * 1000 },
  });
  await fastify.register(csrf, { sessionPlugin: '@fastify/session' });
  await fastify.register(formbody, { bodyLimit: 64 * 1024 });

  fastify.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });

  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof SessionExpiredError) {
      request.session.user = undefined;
      return reply.redirect(`/login?returnTo=${encodeURIComponent(request.url)}`);
    }
    const t = translator(langOf(request));
    const ctx = { lang: langOf(request), t, path: request.url, user: request.session?.user };
    if (error.code?.startsWith('FST_CSRF')) {
      return sendPage(
        reply,
        page(
          ctx,
          t('formExpired'),
          html`<h1>${t('formExpired')}</h1>
            <p><a href="${safeReturn(request.url)}">${t('back')}</a></p>`,
        ),
        403,
      );
    }
    request.log.error({ err: error }, 'web request failed');
    return sendPage(
      reply,
      page(
        ctx,
        t('serverError'),
        html`<h1>${t('serverError')}</h1>
          <p><a href="/">${t('back')}</a></p>`,
      ),
      500,
    );
  });

  fastify.get('/assets/app.css', (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(APP_CSS),
  );

  fastify.post('/language', csrfChecked(fastify), (request, reply) => {
    const { lang, returnTo } = request.body as { lang?: string; returnTo?: string };
    if (lang === 'vi' || lang === 'en') {
      void reply.setCookie('lang', lang, { path: '/', sameSite: 'lax', secure, maxAge: 365 * 86400 });
    }
    return reply.redirect(safeReturn(returnTo));
  });

  const nowSeconds = () => Math.floor(options.now().getTime() / 1000);
  notificationRoutes(fastify, options.now);
  loginRoutes(fastify, relyingParty(options.identity), options.publicUrl, nowSeconds);
  if (options.embedded) accountRoutes(fastify, options.embedded.provider, options.embedded.accounts);
  homeRoutes(fastify);
  inboxRoutes(fastify, options.now);
  dossierRoutes(fastify, options.now);
  commandRoutes(fastify, options.now);
  uploadRoutes(fastify, options.now);
  auditRoutes(fastify, options.now);
  fileRoutes(fastify, options.now);
  signingRoutes(fastify, options.now);
  dashboardRoutes(fastify, options.now);
}
