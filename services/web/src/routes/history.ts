/** The history table the dossier page and the auditor's replay share: each event, who acted, the steps, its data. */
import { html, type Html } from '../html.js';
import { formatDateTime } from '../i18n.js';
import { nameOf } from '../vocabulary.js';
import type { Screen } from '../context.js';
import type { HistoryEvent } from './dossier.js';

export function eventsTable(screen: Screen, events: HistoryEvent[], id: string): Html {
  const { t, lang } = screen;
  return html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('history')}">
    <table>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">${t('time')}</th>
          <th scope="col">${t('event')}</th>
          <th scope="col">${t('actor')}</th>
          <th scope="col">${t('step')}</th>
          <th scope="col">${t('data')}</th>
        </tr>
      </thead>
      <tbody>
        ${events.map(
          (e) =>
            html`<tr>
              <td><a href="/dossier/${id}/audit?revision=${e.revision}">${e.revision}</a></td>
              <td>${formatDateTime(e.occurredAt)}</td>
              <td>${nameOf('events', e.type, lang)}</td>
              <td>
                ${e.actor.id}<br /><span class="hint"
                  >${nameOf('roles', e.actor.role, lang)} · ${e.actor.unit}</span
                >${e.onBehalfOf ? html`<br /><span class="hint">${t('onBehalfOf')}: ${e.onBehalfOf.id} (${nameOf('roles', e.onBehalfOf.role, lang)})</span>` : ''}
              </td>
              <td>
                ${e.fromState ? nameOf('steps', e.fromState, lang) : ''}${e.toState && e.toState !== e.fromState ? ` → ${nameOf('steps', e.toState, lang)}` : ''}
              </td>
              <td>
                <details>
                  <summary>${t('show')}</summary>
                  <pre>${JSON.stringify(e.data, null, 1)}</pre>
                </details>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
