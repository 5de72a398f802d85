/**
 * The inbox: the dossiers waiting for the signed-in person's role and unit (the API's inbox read model), with
 * their codes, the step, the deadline in working days and its colour, a count per step, filters by step and kind
 * that can be saved in the session, a search by dossier code (the code on the receipt, what a caller gives), and,
 * for those who may open one, the start of a new dossier.
 */
import type { FastifyInstance } from 'fastify';
import { nationalUnits, vietnamDate } from '@ntm/domain';
import { query } from '../api.js';
import { deadlineStatus, type DeadlineStatus } from '../deadlines.js';
import { html, type Html } from '../html.js';
import { formatDate, formatNumber, type Lang, type Translate } from '../i18n.js';
import { hintedInput, tag } from '../layout.js';
import { codesOf, nameOf } from '../vocabulary.js';
import { csrfChecked, screenOf, sendPage } from '../context.js';

interface InboxRow {
  stream_id: string;
  step: string;
  waiting_since: string;
  kind: string;
  dossier_unit_code: string;
  dossier_code: string | null;
}
interface DeadlineRow {
  stream_id: string;
  due_at: string;
  role: string | null;
  unit_code: string | null;
}
interface Page<T> {
  items: T[];
  total: number;
}

/** The most rows one inbox page reads; a larger inbox says how many more there are. */
export const INBOX_LIMIT = 500;
const PREFIX = 'dossier-';

/** The search by dossier code, on the inbox and on its own page when a code found nothing. */
function findByCodeForm(t: Translate, code = '', notFound = false): Html {
  return html`<form method="get" action="/find" class="filters" role="search">
    ${hintedInput({
      id: 'find-code',
      name: 'code',
      label: t('findByCode'),
      hint: t('findByCodeHint'),
      value: code,
      error: notFound ? t('noDossierWithCode') : undefined,
      type: 'search',
      attributes: html`maxlength="100" autocomplete="off" spellcheck="false"`,
    })}
    <button class="button button-secondary">${t('find')}</button>
  </form>`;
}

export function inboxRoutes(fastify: FastifyInstance, now: () => Date): void {
  fastify.get('/inbox', async (request, reply) => {
    const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
    if (!screen) return reply;
    const { user, api, t, lang } = screen;
    const filters = request.query as { step?: string; kind?: string };
    const step = typeof filters.step === 'string' ? filters.step : '';
    const kind = typeof filters.kind === 'string' ? filters.kind : '';
    const scope = { role: user.role, unitCode: user.unit, limit: INBOX_LIMIT };
    const [inbox, deadlines] = await Promise.all([
      api.get<Page<InboxRow>>(`/read/inbox${query({ ...scope, kind, sort: 'waitingSince' })}`),
      api.get<Page<DeadlineRow>>(`/read/deadlines${query({ ...scope, sort: 'dueAt' })}`),
    ]);
    const rows = inbox.status === 200 ? inbox.body.items : [];
    const due = new Map<string, string>();
    for (const d of deadlines.status === 200 ? deadlines.body.items : []) {
      if (!due.has(d.stream_id)) due.set(d.stream_id, d.due_at.slice(0, 10));
    }
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.step, (counts.get(r.step) ?? 0) + 1);
    const shown = step ? rows.filter((r) => r.step === step) : rows;
    const instant = now();
    const today = vietnamDate(instant);
    const units = nationalUnits();
    const saved = request.session.savedFilters ?? [];
    const currentQuery = query({ step, kind });

    const body = html` <h1>${t('inbox')}</h1>
      <p>${t('inboxIntro')} <a href="/dashboard">${t('dashboard')}</a></p>
      ${request.session.flash ? html`<div class="notification notification-success" role="status">${request.session.flash}</div>` : ''}
      ${user.role === 'commune_official' || user.role === 'village_head' ? html`<p><a class="button" href="/dossier/new">${t('openDossier')}</a></p>` : ''}
      ${findByCodeForm(t)}
      <h2>${t('countPerStep')}</h2>
      <ul class="counts">
        ${[...counts].map(([s, n]) => html`<li><a href="/inbox${query({ step: s, kind })}">${nameOf('steps', s, lang)}</a>: <strong>${formatNumber(n)}</strong></li>`)}
      </ul>
      <form method="get" action="/inbox" class="filters">
        <div class="form-group">
          <label for="filter-step">${t('step')}</label>
          <select id="filter-step" name="step">
            <option value="">${t('allSteps')}</option>
            ${codesOf('steps').map((s) => html`<option value="${s}" ${s === step ? html` selected` : ''}>${nameOf('steps', s, lang)}</option>`)}
          </select>
        </div>
        <div class="form-group">
          <label for="filter-kind">${t('kind')}</label>
          <select id="filter-kind" name="kind">
            <option value="">${t('allKinds')}</option>
            ${codesOf('kinds').map((k) => html`<option value="${k}" ${k === kind ? html` selected` : ''}>${nameOf('kinds', k, lang)}</option>`)}
          </select>
        </div>
        <button class="button button-secondary">${t('filter')}</button>
      </form>
      ${
        currentQuery
          ? html`<form method="post" action="/inbox/filters">
              <input type="hidden" name="_csrf" value="${screen.csrfToken}" /><input
                type="hidden"
                name="query"
                value="${currentQuery}"
              />
              <div class="form-group">
                <label for="filter-name">${t('saveFilter')}</label
                ><input type="text" id="filter-name" name="name" maxlength="60" required />
              </div>
              <button class="button button-secondary">${t('saveFilter')}</button>
            </form>`
          : ''
      }
      ${
        saved.length
          ? html`<h2>${t('savedFilters')}</h2>
              <ul>
                ${saved.map((f) => html`<li><a href="/inbox${f.query}">${f.name}</a></li>`)}
              </ul>`
          : ''
      }
      ${
        shown.length === 0
          ? html`<p>${t('noDossiers')}</p>`
          : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('inbox')}">
              <table>
                <caption class="caption">
                  ${formatNumber(shown.length)}${inbox.status === 200 && inbox.body.total > rows.length ? ` / ${formatNumber(inbox.body.total)}` : ''}
                  ${t('dossiersUnit')}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">${t('dossierCode')}</th>
                    <th scope="col">${t('unit')}</th>
                    <th scope="col">${t('kind')}</th>
                    <th scope="col">${t('step')}</th>
                    <th scope="col">${t('waitingSince')}</th>
                    <th scope="col">${t('deadline')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${shown.map((r) => {
                    const id = r.stream_id.slice(PREFIX.length);
                    const unitName = units.get(r.dossier_unit_code, today)?.name ?? r.dossier_unit_code;
                    const dueOn = due.get(r.stream_id);
                    return html`<tr>
                      <td>
                        ${
                          r.dossier_code
                            ? html`<span class="dossier-code">${r.dossier_code}</span>`
                            : html`<span class="hint">${t('codeNotGiven')}</span>`
                        }
                      </td>
                      <td>
                        <a href="/dossier/${id}">${unitName}</a>
                        <span class="hint">${r.dossier_unit_code}</span>
                      </td>
                      <td>${nameOf('kinds', r.kind, lang)}</td>
                      <td>${nameOf('steps', r.step, lang)}</td>
                      <td>${formatDate(r.waiting_since)}</td>
                      <td>${dueOn ? deadlineCell(deadlineStatus(dueOn, instant), t) : t('noDeadline')}</td>
                    </tr>`;
                  })}
                </tbody>
              </table>
            </div>`
      }`;
    request.session.flash = undefined;
    return sendPage(reply, screen.render(t('inbox'), body));
  });

  // A dossier by its code: straight to its page when the caller may read it, else the form again, saying so. The
  // API's list answers only with dossiers in the caller's jurisdiction, so a code elsewhere is "not found" too.
  fastify.get('/find', async (request, reply) => {
    const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
    if (!screen) return reply;
    const { api, t } = screen;
    const raw = (request.query as { code?: unknown }).code;
    const code = typeof raw === 'string' ? raw.trim() : '';
    if (code === '') return reply.redirect('/inbox');
    // The API checks the code's form: anything that cannot be one is refused there (400), found nowhere here.
    const found = await api.get<Page<{ dossierId: string }>>(
      `/dossiers${query({ dossierCode: code, limit: 1 })}`,
    );
    const dossierId = found.status === 200 ? found.body.items[0]?.dossierId : undefined;
    if (dossierId) return reply.redirect(`/dossier/${encodeURIComponent(dossierId)}`);
    const body = html`<h1>${t('findByCode')}</h1>
      ${findByCodeForm(t, code, true)}
      <p><a href="/inbox">${t('inbox')}</a></p>`;
    return sendPage(reply, screen.render(t('findByCode'), body), 404);
  });

  fastify.post('/inbox/filters', csrfChecked(fastify), async (request, reply) => {
    const { name, query: saved } = request.body as { name?: string; query?: string };
    if (
      typeof name === 'string' &&
      name.trim() &&
      typeof saved === 'string' &&
      /^\?[\w=&%.-]*$/.test(saved)
    ) {
      const list = (request.session.savedFilters ?? []).filter((f) => f.name !== name.trim());
      request.session.savedFilters = [...list, { name: name.trim().slice(0, 60), query: saved }].slice(-10);
    }
    return reply.redirect(`/inbox${typeof saved === 'string' && saved.startsWith('?') ? saved : ''}`);
  });
}

/** A deadline as a coloured tag with its date and working days left. */
export function deadlineCell(status: DeadlineStatus, t: Translate): Html {
  const date = formatDate(status.dueOn);
  if (status.kind === 'overdue') return html`${tag(t('overdue'), 'red')} ${date}`;
  const left =
    status.workingDaysLeft === undefined
      ? ''
      : ` · ${formatNumber(status.workingDaysLeft)} ${t('workingDaysLeft')}`;
  return html`${tag(status.kind === 'dueSoon' ? t('dueSoon') : t('onTime'), status.kind === 'dueSoon' ? 'yellow' : 'green')}
  ${date}${left}`;
}

export type { Lang };
