/**
 * The page frame every screen shares (GOV.UK patterns: skip link, header with the service name, the signed-in
 * user and the language switch, one `<main>`), and the small building blocks the screens repeat: the error
 * summary, tags and the back link. No script is needed; the one stylesheet is served by this service.
 */
import { html, raw, type Html } from './html.js';
import type { Lang, Translate } from './i18n.js';
import { nameOf } from './vocabulary.js';
import type { WebUser } from './session.js';

export interface PageContext {
  lang: Lang;
  t: Translate;
  user?: WebUser | undefined;
  /** the current path (the language switch returns to it) */
  path: string;
  csrfToken?: string | undefined;
  /** true when the header's unread count is being asked for: the page leaves its slot (routes/notifications.ts) */
  unread?: boolean | undefined;
}

/**
 * Where the header's unread count goes. The count is asked for as the request starts and written into the page as
 * it is sent (routes/notifications.ts), so that its API call runs beside the screen's own instead of before them.
 */
export const UNREAD_SLOT = '<!--ntm-unread-->';

export function page(ctx: PageContext, title: string, body: Html): string {
  const { t, lang, user } = ctx;
  const other = lang === 'vi' ? 'en' : 'vi';
  return `<!doctype html>${
    html`<html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} — ${t('appName')}</title>
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body>
        <a class="skip-link" href="#main">${t('skipToContent')}</a>
        <header class="header">
          <div class="width">
            <a class="header-name" href="/">${t('appName')}</a>
            <nav class="header-nav" aria-label="${lang === 'vi' ? 'Tài khoản' : 'Account'}">
              ${user ? html`<span class="header-user">${t('signedInAs')}: <strong>${nameOf('roles', user.role, lang)}</strong> · ${user.unit}</span>` : ''}
              ${user ? html`<a class="header-notifications" href="/notifications">🔔 ${t('notifications')}${ctx.unread ? raw(UNREAD_SLOT) : ''}</a>` : ''}
              <form method="post" action="/language" class="inline">
                <input type="hidden" name="lang" value="${other}" />
                <input type="hidden" name="returnTo" value="${ctx.path}" />
                ${ctx.csrfToken ? html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}" />` : ''}
                <button class="link-button" lang="${other}">${t('switchLanguage')}</button>
              </form>
              ${user ? html`<form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${ctx.csrfToken ?? ''}" /><button class="link-button">${t('signOut')}</button></form>` : ''}
            </nav>
          </div>
        </header>
        <main id="main" class="width" tabindex="-1">${body}</main>
        <footer class="footer width"><a href="/docs">${t('apiDocs')}</a></footer>
      </body>
    </html>`.value
  }`;
}

/** The GOV.UK error summary: focused first, each message a link to its field. */
export function errorSummary(t: Translate, errors: { field?: string | undefined; message: string }[]): Html {
  if (errors.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
    <h2 id="error-summary-title">${t('errorSummary')}</h2>
    <ul>
      ${errors.map((e) => html`<li>${e.field ? html`<a href="#${fieldId(e.field)}">${e.message}</a>` : e.message}</li>`)}
    </ul>
  </div>`;
}

/** The id of a form field from its dotted name (ids cannot hold dots usefully in CSS). */
export const fieldId = (name: string): string => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

export type TagColour = 'grey' | 'blue' | 'green' | 'yellow' | 'red';
export const tag = (text: string, colour: TagColour): Html =>
  html`<strong class="tag tag-${colour}">${text}</strong>`;

export const backLink = (href: string, text: string): Html =>
  html`<a class="back-link" href="${href}">${text}</a>`;

/**
 * A one-line field with its hint, and its error beside it when there is one (the GOV.UK pattern of every form
 * here): the input names both in `aria-describedby`, and is marked invalid with the error.
 */
export function hintedInput(field: {
  id: string;
  name: string;
  label: string;
  hint: string;
  value: string;
  error?: string | undefined;
  type?: 'text' | 'search';
  /** further attributes of the input (inputmode, maxlength, …) */
  attributes?: Html;
}): Html {
  const { id, error } = field;
  return html`<div class="form-group${error ? ' form-group-error' : ''}">
    <label for="${id}">${field.label}</label>
    <span class="hint" id="${id}-hint">${field.hint}</span>
    ${error ? html`<span class="error-message" id="${id}-error">${error}</span>` : ''}
    <input
      type="${field.type ?? 'text'}"
      id="${id}"
      name="${field.name}"
      value="${field.value}"
      aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}"
      ${error ? html`aria-invalid="true"` : ''}
      ${field.attributes ?? ''}
    />
  </div>`;
}

/** The dossier code (mã hồ sơ) at the head of a dossier's pages, once the first submission has given it. */
export const dossierCodeLine = (t: Translate, code: string | undefined): Html =>
  code ? html`<p class="dossier-code">${t('dossierCode')}: <strong>${code}</strong></p>` : html``;
