/**
 * The dossier page: where it stands (the GOV.UK task list of the procedure's steps), what the person may do now
 * (one link per command the machine allows them), what must be fixed after a return, the criteria table (the
 * commune's, the verifier's and the appraiser's view of each criterion), the documents, the public notice and its
 * comments, the poll, the council and the decision, the deadlines and the history. All read through the API.
 */
import type { FastifyInstance } from 'fastify';
import { COMMAND_SPECS } from '@ntm/contracts';
import { DOCUMENT_NAMES, DOCUMENT_TITLES, documentExists } from '@ntm/documents';
import {
  checklistStatus,
  criteriaSetById,
  type CouncilTally,
  nationalUnits,
  workflowByPin,
  type DossierState,
} from '@ntm/domain';
import type { ApiAnswer } from '../api.js';
import { screenOf, sendNothing, sendPage, type Screen } from '../context.js';
import { deadlineStatus } from '../deadlines.js';
import { html, type Html } from '../html.js';
import { formatDate, formatNumber, type Lang, type Translate } from '../i18n.js';
import { dossierCodeLine, tag } from '../layout.js';
import { choiceLabel, nameOf } from '../vocabulary.js';
import { deadlineCell } from './inbox.js';
import { eventsTable } from './history.js';
import { isSigned, signingSection, type SignatureCheck } from './signing.js';

interface DossierView {
  dossierId: string;
  revision: number;
  state: DossierState;
  allowedCommands: string[];
  /** the open ballot's tally as the API lets this person see it (ADR 0022); the state itself omits the ballot */
  councilBallot?: CouncilTally | undefined;
  /** the complaint against this dossier's decision, from the complaints read model (ADR 0026) */
  complaint?:
    { dossierId: string; state: 'under_complaint' | 'upheld' | 'annulled' | 'amended' } | null | undefined;
}
export interface HistoryEvent {
  revision: number;
  type: string;
  occurredAt: string;
  actor: { id: string; role: string; unit: string };
  onBehalfOf: { id: string; role: string; unit: string } | null;
  fromState: string | null;
  toState: string | null;
  data: Record<string, unknown>;
}

/** Steps off the main path: shown only when the dossier is in them. */
const SIDE_STEPS = new Set(['returned', 'withdrawn', 'refused', 'councilNotApproved', 'dismissed', 'kept']);

/** The procedure's main path, in order, from the pinned workflow's edges. */
export function mainPath(state: DossierState): string[] {
  const wf = workflowByPin(state.workflow);
  const path: string[] = [];
  for (const edge of wf?.definition.edges ?? []) {
    for (const s of [edge.from, edge.to])
      if (s !== 'draft' && !SIDE_STEPS.has(s) && !path.includes(s)) path.push(s);
  }
  return path;
}

export function dossierRoutes(fastify: FastifyInstance, now: () => Date): void {
  fastify.get('/dossier/:id', async (request, reply) => {
    const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
    if (!screen) return reply;
    const { id } = request.params as { id: string };
    const [view, history] = await Promise.all([
      screen.api.get<DossierView>(`/dossiers/${encodeURIComponent(id)}`),
      screen.api.get<{ events: HistoryEvent[] }>(`/dossiers/${encodeURIComponent(id)}/history`),
    ]);
    if (view.status !== 200) {
      return sendNothing(reply, screen, 'notFound', 'dossierNotFound', 404);
    }
    const flash = request.session.flash;
    request.session.flash = undefined;
    const events = history.status === 200 ? history.body.events : [];
    // After a return: the dossier as it was returned, to set beside the version reworked since.
    const returned = events.findLast((e) => e.type === 'DossierReturned');
    const [before, signature] = await Promise.all([
      returned
        ? screen.api.get<{ state: DossierState }>(
            `/dossiers/${encodeURIComponent(id)}/state?revision=${returned.revision}`,
          )
        : undefined,
      // A signed decision is verified again by the API on every look (hash against the log, signature, chain).
      isSigned(view.body.state)
        ? screen.api.get<SignatureCheck>(`/dossiers/${encodeURIComponent(id)}/decision/signature`)
        : undefined,
    ]);
    return sendPage(
      reply,
      screen.render(
        titleOf(view.body.state, screen.lang),
        dossierPage(
          screen,
          view.body,
          events,
          now(),
          flash,
          before?.status === 200 ? before.body.state : undefined,
          signature,
        ),
      ),
    );
  });
}

function titleOf(state: DossierState, lang: Lang): string {
  const unit = nationalUnits().get(state.scope.unitCode, state.openedOn)?.name ?? state.scope.unitCode;
  return `${nameOf('kinds', state.kind, lang)} — ${unit}`;
}

function dossierPage(
  screen: Screen,
  view: DossierView,
  events: HistoryEvent[],
  now: Date,
  flash: string | undefined,
  returnedState: DossierState | undefined,
  signature: ApiAnswer<SignatureCheck> | undefined,
): Html {
  const { t, lang } = screen;
  const { state } = view;
  const path = mainPath(state);
  const at = path.indexOf(state.step);
  const lastReturn = state.returns.at(-1);
  // A command issued by a route of its own has no JSON form (it would only end in the API's refusal): the upload has
  // its page, the decision's signing its button (signing.ts).
  const commands = COMMAND_SPECS.filter((s) => !s.upload && view.allowedCommands.includes(s.type));
  return html` ${dossierCodeLine(t, state.dossierCode)}
    <span class="caption"
      >${t('dossier')} ${view.dossierId} · ${t('version')} ${state.dossierVersion} · ${t('year')}
      ${state.year}</span
    >
    <h1>${titleOf(state, lang)}</h1>
    ${flash ? html`<div class="notification notification-success" role="status">${flash}</div>` : ''}
    <p>
      ${t('status')}:
      ${tag(nameOf('steps', state.step, lang), state.step === 'returned' || state.step === 'refused' ? 'red' : 'blue')}
      ${complaintMark(screen, view.complaint)}
    </p>
    ${
      state.step === 'returned' && lastReturn
        ? html`<div class="notification" role="region" aria-labelledby="returned-title">
            <h2 id="returned-title">${t('returnedFix')} (${t('version')} ${lastReturn.dossierVersion})</h2>
            <ul>
              ${lastReturn.reasons.map((r) => html`<li>${r.criterionCode ? html`<strong>${t('criterion')} ${r.criterionCode}</strong>: ` : ''}${r.detail} <span class="hint">${nameOf('returnReasons', r.code, lang)}</span></li>`)}
            </ul>
          </div>`
        : ''
    }
    <h2>${t('actions')}</h2>
    ${
      commands.length
        ? html`<ul class="actions">
            ${commands.map((c) => html`<li><a class="button button-secondary" href="/dossier/${view.dossierId}/do/${c.type}">${c.summary[lang]}</a></li>`)}
            ${view.allowedCommands.includes('AttachDocumentFile') ? html`<li><a class="button button-secondary" href="/dossier/${view.dossierId}/upload">${COMMAND_SPECS.find((c) => c.type === 'AttachDocumentFile')!.summary[lang]}</a></li>` : ''}
          </ul>`
        : html`<p>${t('noActions')}</p>`
    }
    <p><a href="/dossier/${view.dossierId}/audit">${t('audit')}</a></p>
    <h2>${t('tasks')}</h2>
    <ol class="task-list">
      ${path.map((s, i) => {
        const status =
          at < 0
            ? events.some((e) => e.toState === s)
              ? 'done'
              : 'todo'
            : i < at
              ? 'done'
              : i === at
                ? 'now'
                : 'todo';
        return html`<li>
          <span>${nameOf('steps', s, lang)}</span
          >${status === 'done' ? tag(t('done'), 'green') : status === 'now' ? tag(t('current'), 'blue') : tag(t('notStarted'), 'grey')}
        </li>`;
      })}
    </ol>
    ${deadlinesSection(screen, state, now)} ${criteriaSection(screen, state)}
    ${returnedState ? versionsSection(screen, returnedState, state) : ''}
    ${documentsSection(screen, state, view.dossierId)}
    ${officialDocumentsSection(screen, events, view.dossierId)} ${checklistSection(screen, state)}
    ${noticeSection(screen, state)} ${pollSection(screen, state)}
    ${councilSection(screen, state, view.councilBallot)} ${signingSection(screen, view, signature)}
    <h2>${t('history')}</h2>
    ${eventsTable(screen, events, view.dossierId)}`;
}

function deadlinesSection(screen: Screen, state: DossierState, now: Date): Html {
  const { t } = screen;
  if (state.deadlines.length === 0) return html``;
  return html`<h2>${t('deadlines')}</h2>
    <ul>
      ${state.deadlines.map((d) => html`<li>${nameOf('deadlineSteps', d.step, screen.lang)}: ${deadlineCell(deadlineStatus(d.dueOn, now), t)}</li>`)}
    </ul>`;
}

export function criteriaSection(screen: Screen, state: DossierState): Html {
  const { t, lang } = screen;
  let names = new Map<string, string>();
  try {
    names = new Map(
      criteriaSetById(state.criteriaSetId).criteria.map((c) => [c.code, lang === 'vi' ? c.nameVi : c.name]),
    );
  } catch {
    // An unknown set id: codes alone.
  }
  const verdict = (row?: { met: boolean }) => verdictOf(t, row);
  return html`<h2>${t('criteria')}</h2>
    <div class="table-wrap" role="region" tabindex="0" aria-label="${t('criteria')}">
      <table>
        <thead>
          <tr>
            <th scope="col">${t('criterion')}</th>
            <th scope="col">${t('selfAssessment')}</th>
            <th scope="col">${t('verification')}</th>
            <th scope="col">${t('appraisal')}</th>
          </tr>
        </thead>
        <tbody>
          ${state.criteriaCodes.map((code) => {
            const row = state.criteria[code];
            const indicators = row?.commune?.indicators ?? [];
            return html`<tr>
              <th scope="row">${code}. ${names.get(code) ?? ''}</th>
              <td>
                ${verdict(row?.commune)}${indicatorsHint(indicators)}${row?.commune?.evidenceCount ? html`<br /><span class="hint">${t('evidence')}: ${formatNumber(row.commune.evidenceCount)}</span>` : ''}
              </td>
              <td>
                ${verdict(row?.verifier)}${row?.verifier?.note ? html`<br /><span class="hint">${row.verifier.note}</span>` : ''}
              </td>
              <td>
                ${verdict(row?.appraiser)}${row?.appraiser?.note ? html`<br /><span class="hint">${row.appraiser.note}</span>` : ''}
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
}

type Indicator = { code: string; value: unknown; unit?: string | undefined };

/** Met, not yet met, or not recorded, as a tag. */
function verdictOf(t: Translate, row?: { met: boolean }): Html {
  if (!row) return html`<span class="hint">${t('notRecorded')}</span>`;
  return row.met ? tag(t('met'), 'green') : tag(t('notMet'), 'red');
}

/** A criterion's indicators with their values, under its rating. */
function indicatorsHint(indicators: Indicator[]): Html {
  if (indicators.length === 0) return html``;
  const text = indicators.map((i) => `${i.code}: ${String(i.value)}${i.unit ? ` ${i.unit}` : ''}`).join('; ');
  return html`<br /><span class="hint">${text}</span>`;
}

/** The self-assessment as returned (version N) beside the one reworked since, criterion by criterion. */
function versionsSection(screen: Screen, returned: DossierState, now: DossierState): Html {
  const { t } = screen;
  const rating = (row?: {
    met: boolean;
    indicators?: { code: string; value: unknown; unit?: string | undefined }[];
  }) =>
    row
      ? html`${row.met ? tag(t('met'), 'green') : tag(t('notMet'), 'red')}${row.indicators?.length ? html`<br /><span class="hint">${row.indicators.map((i) => `${i.code}: ${String(i.value)}${i.unit ? ` ${i.unit}` : ''}`).join('; ')}</span>` : ''}`
      : html`<span class="hint">${t('notRecorded')}</span>`;
  const same = (code: string) =>
    JSON.stringify(returned.criteria[code]?.commune ?? null) ===
    JSON.stringify(now.criteria[code]?.commune ?? null);
  const reasons = new Map(
    (returned.returns.at(-1)?.reasons ?? [])
      .filter((r) => r.criterionCode)
      .map((r) => [r.criterionCode!, r.detail]),
  );
  const label = (s: DossierState) => `${t('version')} ${s.dossierVersion}`;
  const current =
    now.dossierVersion === returned.dossierVersion ? `${label(now)} (${t('reworking')})` : label(now);
  return html`<h2 id="versions">${t('versionsCompared')}</h2>
    <div class="table-wrap" role="region" tabindex="0" aria-labelledby="versions">
      <table class="versions">
        <thead>
          <tr>
            <th scope="col">${t('criterion')}</th>
            <th scope="col">${label(returned)} (${t('whenReturned')})</th>
            <th scope="col">${current}</th>
          </tr>
        </thead>
        <tbody>
          ${now.criteriaCodes.map(
            (code) =>
              html`<tr class="${same(code) ? '' : 'changed'}">
                <th scope="row">
                  ${code}${reasons.has(code) ? html`<br /><span class="hint">${reasons.get(code)}</span>` : ''}
                </th>
                <td>${rating(returned.criteria[code]?.commune)}</td>
                <td>
                  ${rating(now.criteria[code]?.commune)}${same(code) ? '' : html` ${tag(t('changed'), 'yellow')}`}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

function documentsSection(screen: Screen, state: DossierState, dossierId: string): Html {
  const { t } = screen;
  // The latest file of each document (a replaced file stays in the history, under its version).
  const latest = new Map((state.files ?? []).map((f) => [f.documentId, f]));
  // Documents recorded with their number and date, then those that are a file alone (uploaded, nothing typed).
  const recorded = new Set(state.documents.map((d) => d.documentId));
  const rows = [
    ...state.documents.map((d) => ({
      documentId: d.documentId,
      kind: d.documentKind,
      number: d.number,
      issued: html`${formatDate(d.issuedOn)} · ${d.issuingBody}`,
      dossierVersion: d.dossierVersion,
    })),
    ...[...latest.values()]
      .filter((f) => !recorded.has(f.documentId))
      .map((f) => ({
        documentId: f.documentId,
        kind: f.documentKind,
        number: '',
        issued: html``,
        dossierVersion: f.dossierVersion,
      })),
  ];
  return html`<h2>${t('documents')}</h2>
    ${
      rows.length === 0
        ? html`<p>${t('notRecorded')}</p>`
        : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('documents')}">
            <table>
              <thead>
                <tr>
                  <th scope="col">${t('kind')}</th>
                  <th scope="col">${t('number')}</th>
                  <th scope="col">${t('issuedOnLabel')}</th>
                  <th scope="col">${t('version')}</th>
                  <th scope="col">${t('file')}</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map((d) => {
                  const file = latest.get(d.documentId);
                  return html`<tr>
                    <td>${nameOf('documents', d.kind, screen.lang)}</td>
                    <td>${d.number}</td>
                    <td>${d.issued}</td>
                    <td>${d.dossierVersion}</td>
                    <td>
                      ${
                        file
                          ? html`<a href="/dossier/${dossierId}/files/${encodeURIComponent(d.documentId)}"
                                >${t('download')}</a
                              >
                              <span class="hint">${kilobytes(file.size)}</span>`
                          : html`<span class="hint">${t('noFile')}</span>`
                      }
                    </td>
                  </tr>`;
                })}
              </tbody>
            </table>
          </div>`
    }`;
}

const kilobytes = (bytes: number) => `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} KB`;

/** The official documents the engine makes from the log, those whose step has happened, as PDFs to open. */
function officialDocumentsSection(screen: Screen, events: HistoryEvent[], dossierId: string): Html {
  const { t, lang } = screen;
  const made = DOCUMENT_NAMES.filter((name) => documentExists(name, events));
  if (made.length === 0) return html``;
  return html`<h2>${t('officialDocuments')}</h2>
    <p class="hint">${t('officialDocumentsHint')}</p>
    <ul>
      ${made.map(
        (name) =>
          html`<li><a href="/dossier/${dossierId}/pdf/${name}">${DOCUMENT_TITLES[name][lang]}</a> (PDF)</li>`,
      )}
    </ul>`;
}

/** The documents each step requires (the guard `checklistComplete`), with the legal basis and what is missing. */
function checklistSection(screen: Screen, state: DossierState): Html {
  const { t, lang } = screen;
  const steps = checklistStatus(state);
  if (steps.length === 0) return html``;
  const stepName = (type: string) => COMMAND_SPECS.find((c) => c.type === type)?.summary[lang] ?? type;
  return html`<h2 id="checklist">${t('checklist')}</h2>
    <div class="table-wrap" role="region" tabindex="0" aria-labelledby="checklist">
      <table>
        <thead>
          <tr>
            <th scope="col">${t('step')}</th>
            <th scope="col">${t('requiredDocument')}</th>
            <th scope="col">${t('legalBasis')}</th>
            <th scope="col">${t('status')}</th>
          </tr>
        </thead>
        <tbody>
          ${steps.flatMap((s) =>
            s.items.map(
              (i) =>
                html`<tr>
                  <td>${stepName(s.command)}</td>
                  <td>${i.documentKind}</td>
                  <td>
                    ${i.legalBasis}${i.confirmed ? '' : html` <span class="hint">(${t('unconfirmed')})</span>`}
                  </td>
                  <td>${i.documentIds.length ? tag(t('present'), 'green') : tag(t('missing'), 'red')}</td>
                </tr>`,
            ),
          )}
        </tbody>
      </table>
    </div>`;
}

function noticeSection(screen: Screen, state: DossierState): Html {
  const { t } = screen;
  if (!state.notice) return html``;
  const n = state.notice;
  return html`<h2>${t('notice')}</h2>
    <p>
      ${t('from')} ${formatDate(n.from)} ${t('to')}
      ${formatDate(n.endsOn)}${n.closedOn ? html` · ${tag(t('done'), 'green')}` : ''}
    </p>
    ${
      state.comments.length
        ? html`<h3>${t('comments')}</h3>
            <ul>
              ${state.comments.map((c) => html`<li>${formatDate(c.receivedOn)}: ${c.text}${c.response ? html`<br /><strong>${t('answer')}:</strong> ${c.response}` : ''}</li>`)}
            </ul>`
        : ''
    }`;
}

function pollSection(screen: Screen, state: DossierState): Html {
  const { t } = screen;
  const tallies = Object.entries(state.poll.tallies);
  if (tallies.length === 0 && !state.poll.report) return html``;
  return html`<h2>${t('poll')}</h2>
    <div class="table-wrap" role="region" tabindex="0" aria-label="${t('poll')}">
      <table>
        <thead>
          <tr>
            <th scope="col">${t('village')}</th>
            <th scope="col">${t('households')}</th>
            <th scope="col">${t('respondents')}</th>
            <th scope="col">${t('satisfied')}</th>
          </tr>
        </thead>
        <tbody>
          ${tallies.map(
            ([v, x]) =>
              html`<tr>
                <td>${v}</td>
                <td>${formatNumber(x.households)}</td>
                <td>${formatNumber(x.respondents)}</td>
                <td>${formatNumber(x.satisfied)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${state.poll.report ? html`<p>${t('report')} ${state.poll.report.reportNo}, ${formatDate(state.poll.report.issuedOn)}: ${formatNumber(Math.round((state.poll.report.satisfied / Math.max(1, state.poll.report.respondents)) * 1000) / 10)}%</p>` : ''}`;
}

/** The open electronic ballot: who voted and who recused for all, the running tally for the secretary and auditors. */
/**
 * The open ballot as the API's tally shows it to this person: everyone sees the votes cast against the members and
 * whether the quorum is reached; the secretary and auditors the running counts and who voted, recused or has yet
 * to act; a member their own part. How each member voted is never shown here (ADR 0022).
 */
function ballotSection(screen: Screen, ballot: CouncilTally | undefined): Html {
  const { t, lang } = screen;
  if (!ballot) return html``;
  const row = (term: string, value: Html | string) =>
    html`<div>
      <dt>${term}</dt>
      <dd>${value}</dd>
    </div>`;
  const people = (ids: string[] | undefined) => (ids && ids.length ? ids.join(', ') : '—');
  const share = (s: { share: number; inclusive: boolean }) =>
    `${s.inclusive ? '≥' : '>'} ${formatNumber(Math.round(s.share * 1000) / 10)}%`;
  const mine = ballot.mine;
  return html`<section id="ballot" aria-labelledby="ballot-title">
    <h2 id="ballot-title">${t('ballotOpen')}: ${ballot.ballotNo}</h2>
    <dl class="summary-list">
      ${row(t('heldOn'), formatDate(ballot.heldOn))}
      ${row(t('votedCount'), `${formatNumber(ballot.votesCast)} / ${formatNumber(ballot.membersTotal)}`)}
      ${row(t('recusedCount'), formatNumber(ballot.recusedCount))}
      ${row(
        `${t('quorum')} (${share(ballot.quorum.required)})`,
        ballot.quorum.met ? tag(t('quorumMet'), 'green') : tag(t('quorumNotMet'), 'yellow'),
      )}
      ${
        ballot.counts
          ? html`${row(
              t('tally'),
              `${choiceLabel('approve', lang)} ${formatNumber(ballot.counts.for)} · ${choiceLabel('reject', lang)} ${formatNumber(ballot.counts.against)} · ${choiceLabel('abstain', lang)} ${formatNumber(ballot.counts.blank)}`,
            )}
            ${row(t('voters'), people(ballot.voterIds))}
            ${row(t('recusedMembers'), people(ballot.recusedMemberIds))}
            ${row(t('pendingMembers'), people(ballot.pendingMemberIds))}`
          : ''
      }
      ${
        mine
          ? row(
              t('yourPart'),
              !mine.eligible
                ? t('notOnBallot')
                : mine.recused
                  ? t('youRecused')
                  : mine.vote
                    ? `${t('youVoted')}: ${choiceLabel(mine.vote, lang)}`
                    : t('yetToVote'),
            )
          : ''
      }
    </dl>
  </section>`;
}

function councilSection(screen: Screen, state: DossierState, ballot: CouncilTally | undefined): Html {
  const { t, lang } = screen;
  return html`${ballotSection(screen, ballot)}${
    state.council
      ? html`<h2>${t('council')}</h2>
          <p>
            ${formatDate(state.council.heldOn)}: ${formatNumber(state.council.for)} /
            ${formatNumber(state.council.against)} / ${formatNumber(state.council.blank)}
            (${formatNumber(state.council.present)}/${formatNumber(state.council.membersTotal)})
            ${state.council.approved ? tag(t('met'), 'green') : tag(t('notMet'), 'red')}
          </p>`
      : ''
  }${
    state.decision
      ? html`<h2>${t('decision')}</h2>
          <p>
            ${state.decision.decisionNo}, ${formatDate(state.decision.decidedOn)}:
            ${nameOf('steps', state.decision.outcome === 'recognise' ? 'recognised' : state.decision.outcome, lang)}
          </p>`
      : ''
  }`;
}

/** Khiếu nại: a decision under complaint says so beside its status, and links to the complaint; so does its outcome. */
function complaintMark(screen: Screen, complaint: DossierView['complaint']): Html | string {
  if (!complaint) return '';
  const { t, lang } = screen;
  const label =
    complaint.state === 'under_complaint'
      ? tag(t('underComplaint'), 'yellow')
      : tag(`${t('complaintResolved')}: ${choiceLabel(complaint.state, lang)}`, 'grey');
  return html`<a href="/dossier/${complaint.dossierId}">${label}</a>`;
}
