/**
 * The auditor's replay: the dossier's whole history as a table filterable by event type, role and date; each
 * event's actor, on whose behalf, the step before and after and its data; the dossier as it was at any revision
 * (a slider and a number field, no script needed: the form is a GET); the hash chain check naming the first
 * broken event; and the signed audit bundle to download. Everything through the API's audit routes, which allow
 * only those whose jurisdiction covers the dossier.
 */
import type { FastifyInstance } from 'fastify';
import { vietnamDate, workflowByPin, type DossierState } from '@ntm/domain';
import { query } from '../api.js';
import { parseDate } from '../forms.js';
import { screenOf, sendNothing, sendPage, type Screen } from '../context.js';
import { html, type Html } from '../html.js';
import { formatDateTime, formatNumber } from '../i18n.js';
import { dossierCodeLine, hintedInput, tag } from '../layout.js';
import { choiceLabel, codesOf, nameOf } from '../vocabulary.js';
import { criteriaSection, mainPath, type HistoryEvent } from './dossier.js';
import { statechart } from '../statechart.js';
import { eventsTable } from './history.js';

interface Verification {
  ok: boolean;
  events: number;
  firstBadRevision?: string;
  eventId?: string;
  reason?: string;
}

export function auditRoutes(fastify: FastifyInstance, now: () => Date): void {
  fastify.get('/dossier/:id/audit', async (request, reply) => {
    const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
    if (!screen) return reply;
    const { t } = screen;
    const { id } = request.params as { id: string };
    const q = request.query as {
      type?: string;
      role?: string;
      actor?: string;
      from?: string;
      to?: string;
      revision?: string;
      at?: string;
    };
    const base = `/dossiers/${encodeURIComponent(id)}`;
    const [history, verify] = await Promise.all([
      screen.api.get<{ events: HistoryEvent[] }>(`${base}/history`),
      screen.api.get<Verification>(`${base}/verify`),
    ]);
    if (verify.status !== 200) {
      return sendNothing(reply, screen, 'notFound', 'dossierNotFound', 404);
    }
    const events = history.status === 200 ? history.body.events : [];
    const last = events.at(-1)?.revision ?? 0;
    // An instant (the end of a Vietnamese day typed dd/mm/yyyy), else a revision, else the latest.
    const day = q.at ? parseDate(q.at) : undefined;
    const asked = /^\d{1,9}$/.test(q.revision ?? '') ? Math.min(Number(q.revision), last) : last;
    const past = await screen.api.get<{ state: DossierState; revision: number }>(
      `${base}/state${day ? query({ at: new Date(`${day}T23:59:59.999+07:00`).toISOString() }) : query({ revision: asked })}`,
    );
    const revision = past.status === 200 ? past.body.revision : asked;
    // Bounds typed dd/mm/yyyy (or yyyy-mm-dd), compared with the event's Vietnamese calendar day.
    const from = q.from ? parseDate(q.from) : undefined;
    const to = q.to ? parseDate(q.to) : undefined;
    const badFrom = Boolean(q.from) && from === undefined;
    const badTo = Boolean(q.to) && to === undefined;
    const shown = events.filter(
      (e) =>
        (!q.type || e.type === q.type) &&
        (!q.role || e.actor.role === q.role) &&
        (!q.actor || e.actor.id === q.actor || e.onBehalfOf?.id === q.actor) &&
        (!from || vietnamDate(e.occurredAt) >= from) &&
        (!to || vietnamDate(e.occurredAt) <= to),
    );
    const actors = [
      ...new Set(events.flatMap((e) => [e.actor.id, ...(e.onBehalfOf ? [e.onBehalfOf.id] : [])])),
    ].sort();
    const body = html`<a class="back-link" href="/dossier/${id}">${t('back')}</a>
      <h1>${t('audit')}</h1>
      ${dossierCodeLine(t, codeOf(events))}
      <span class="caption">${t('dossier')} ${id}</span>
      ${chainResult(screen, verify.body)}
      <p><a href="/dossier/${id}/audit-bundle">${t('downloadBundle')}</a></p>
      <h2>${t('stateAt')}</h2>
      <form method="get" action="/dossier/${id}/audit">
        <div class="form-group">
          <label for="revision">${t('revision')} (0–${last})</label>
          <input type="number" min="0" max="${last}" id="revision" name="revision" value="${revision}" />
        </div>
        <button class="button button-secondary">${t('show')}</button>
      </form>
      <form method="get" action="/dossier/${id}/audit">
        <div class="form-group${q.at && !day ? ' form-group-error' : ''}">
          <label for="at">${t('stateOnDay')}</label>
          <span class="hint" id="at-hint">${t('dateHint')}</span>
          ${q.at && !day ? html`<span class="error-message" id="at-error">${t('notADate')}</span>` : ''}
          <input
            type="text"
            id="at"
            name="at"
            inputmode="numeric"
            value="${q.at ?? ''}"
            aria-describedby="at-hint${q.at && !day ? ' at-error' : ''}"
          />
        </div>
        <button class="button button-secondary">${t('show')}</button>
      </form>
      ${past.status === 200 ? pastState(screen, past.body.state, past.body.revision, events) : ''}
      ${
        past.status === 200
          ? pathTaken(
              screen,
              past.body.state,
              events.filter((e) => e.revision <= past.body.revision),
            )
          : ''
      }
      <h2>${t('history')}</h2>
      <form method="get" action="/dossier/${id}/audit" class="filters">
        <input type="hidden" name="revision" value="${revision}" />
        <div class="form-group">
          <label for="type">${t('event')}</label
          ><select id="type" name="type">
            <option value=""></option>
            ${[...new Set(events.map((e) => e.type))].map((ty) => html`<option value="${ty}" ${ty === q.type ? html` selected` : ''}>${nameOf('events', ty, screen.lang)}</option>`)}
          </select>
        </div>
        <div class="form-group">
          <label for="role">${t('role')}</label
          ><select id="role" name="role">
            <option value=""></option>
            ${codesOf('roles').map((r) => html`<option value="${r}" ${r === q.role ? html` selected` : ''}>${nameOf('roles', r, screen.lang)}</option>`)}
          </select>
        </div>
        <div class="form-group">
          <label for="actor">${t('actor')}</label
          ><select id="actor" name="actor">
            <option value=""></option>
            ${actors.map((a) => html`<option value="${a}" ${a === q.actor ? html` selected` : ''}>${a}</option>`)}
          </select>
        </div>
        ${dateBound(screen, 'from', q.from, badFrom)} ${dateBound(screen, 'to', q.to, badTo)}
        <button class="button button-secondary">${t('filter')}</button>
      </form>
      ${eventsTable(screen, shown, id)}`;
    return sendPage(reply, screen.render(t('audit'), body));
  });

  fastify.get('/dossier/:id/audit-bundle', async (request, reply) => {
    const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
    if (!screen) return reply;
    const { id } = request.params as { id: string };
    const file = await screen.api.download(`/dossiers/${encodeURIComponent(id)}/audit-bundle`);
    if (file.status !== 200)
      return sendNothing(reply, screen, 'notFound', undefined, file.status === 404 ? 404 : 503);
    if (file.disposition) void reply.header('content-disposition', file.disposition);
    return reply.type(file.type).header('cache-control', 'no-store').send(file.payload);
  });
}

/** The pinned workflow's diagram with the path the dossier took up to the revision shown. */
function pathTaken(screen: Screen, state: DossierState, events: HistoryEvent[]): Html {
  const definition = workflowByPin(state.workflow)?.definition;
  if (!definition) return html``;
  const { t, lang } = screen;
  return html`<h2>${t('pathTaken')}</h2>
    <p class="hint">${t('pathTakenHint')}</p>
    <figure class="chart">
      ${statechart(definition, mainPath(state), events, state.step, lang, t('pathTaken'))}
    </figure>`;
}

function chainResult(screen: Screen, v: Verification): Html {
  const { t } = screen;
  return v.ok
    ? html`<p>${tag(t('chainOk'), 'green')} ${formatNumber(v.events)} ${t('events')}</p>`
    : html`<div class="error-summary" role="alert">
        <h2>${t('chainBroken')} ${v.firstBadRevision ?? ''}</h2>
        <p>${v.eventId ?? ''} · ${v.reason ?? ''}</p>
      </div>`;
}

function pastState(screen: Screen, state: DossierState, revision: number, events: HistoryEvent[]): Html {
  const { t, lang } = screen;
  const at = events.find((e) => e.revision === revision);
  return html`<dl class="summary-list">
      <div>
        <dt>${t('revision')}</dt>
        <dd>
          ${revision}${at ? ` · ${formatDateTime(at.occurredAt)} · ${nameOf('events', at.type, lang)}` : ''}
        </dd>
      </div>
      <div>
        <dt>${t('step')}</dt>
        <dd>${nameOf('steps', state.step, lang)}</dd>
      </div>
      <div>
        <dt>${t('version')}</dt>
        <dd>${state.dossierVersion}</dd>
      </div>
      <div>
        <dt>${t('documents')}</dt>
        <dd>${formatNumber(state.documents.length)}</dd>
      </div>
      ${
        state.decision
          ? html`<div>
              <dt>${t('decision')}</dt>
              <dd>${state.decision.decisionNo} · ${choiceLabel(state.decision.outcome, lang)}</dd>
            </div>`
          : ''
      }
    </dl>
    ${criteriaSection(screen, state)}`;
}

/** The dossier code its first submission gave (in the `DossierSubmitted` event), if it has been submitted. */
function codeOf(events: readonly HistoryEvent[]): string | undefined {
  const code = events.find((e) => e.type === 'DossierSubmitted')?.data['dossierCode'];
  return typeof code === 'string' ? code : undefined;
}

/** A dd/mm/yyyy bound of the history filter, with its error beside it when it is not a day. */
function dateBound(screen: Screen, name: 'from' | 'to', value: string | undefined, bad: boolean): Html {
  const { t } = screen;
  return hintedInput({
    id: name,
    name,
    label: t(name),
    hint: t('dateHint'),
    value: value ?? '',
    error: bad ? t('notADate') : undefined,
    attributes: html`inputmode="numeric"`,
  });
}
