/**
 * The province dashboard: progress against the plan (Bắc Kạn 2021-2025) per tier and per district, recognitions
 * over the years, dossiers by step, open and overdue deadlines and the on-time rate. Charts are Apache ECharts
 * rendered to SVG on the server (charts.ts): nothing runs in the browser, and each chart has its figures in a
 * table beside it for screen readers and for copying. Every figure comes from the API's read routes as the person,
 * so it counts only the dossiers they may read.
 */
import type { FastifyInstance } from 'fastify';
import { nationalUnits } from '@ntm/domain';
import { query } from '../api.js';
import { barChart, lineChart } from '../charts.js';
import { screenOf, sendNothing, sendPage, type Screen } from '../context.js';
import { html, type Html } from '../html.js';
import { formatNumber, type Translate } from '../i18n.js';
import { nameOf } from '../vocabulary.js';

type Counts = { communesNtm: number; communesAdvanced: number; communesModel: number; villagesNtm: number };
interface ProgressRow extends Counts {
  year: number;
  districtCode: string | null;
  targets: Partial<Record<keyof Counts, number>>;
}
interface Progress {
  provinceCode: string;
  period: { from: number; to: number };
  rows: ProgressRow[];
}
interface Page<T> {
  items: T[];
  total: number;
}

const MEASURES: (keyof Counts)[] = ['communesNtm', 'communesAdvanced', 'communesModel', 'villagesNtm'];
/** The most dossiers counted by step on one page (the list's page limit). */
const DOSSIER_SAMPLE = 500;

export function dashboardRoutes(fastify: FastifyInstance, now: () => Date): void {
  fastify.get('/dashboard', async (request, reply) => {
    const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
    if (!screen) return reply;
    const { api, t } = screen;
    const total = async (url: string) => {
      const answer = await api.get<Page<unknown>>(url);
      return answer.status === 200 ? answer.body.total : undefined;
    };
    const [progress, dossiers, open, overdue, met, elapsed] = await Promise.all([
      api.get<Progress>('/read/progress'),
      api.get<Page<{ step: string }>>(`/dossiers${query({ limit: DOSSIER_SAMPLE })}`),
      total('/read/deadlines?limit=1'),
      total('/read/deadlines?overdue=true&limit=1'),
      total('/read/deadlines?state=met&limit=1'),
      total('/read/deadlines?state=elapsed&limit=1'),
    ]);
    if (progress.status !== 200 || dossiers.status !== 200) {
      return sendNothing(reply, screen, 'dashboard', 'forbidden', 403);
    }
    const body = html`<h1>${t('dashboard')}</h1>
      ${await progressSection(screen, progress.body)} ${await stepsSection(screen, dossiers.body)}
      ${deadlineFigures(t, { open, overdue, met, elapsed })}`;
    return sendPage(reply, screen.render(t('dashboard'), body));
  });
}

async function progressSection(screen: Screen, progress: Progress): Promise<Html> {
  const { t, lang } = screen;
  const province = progress.rows.filter((r) => r.districtCode === null).sort((a, b) => a.year - b.year);
  const latest = province.at(-1);
  if (!latest) return html``;
  const labels = MEASURES.map((m) => t(m));
  const achieved = MEASURES.map((m) => latest[m]);
  const targets = MEASURES.map((m) => latest.targets[m] ?? 0);
  const planChart = await barChart({
    title: `${t('progressAgainstPlan')} ${progress.period.from}–${progress.period.to}`,
    categories: labels,
    series: [
      { name: t('achieved'), data: achieved },
      { name: t('target'), data: targets },
    ],
    horizontal: true,
    lang,
  });
  const overTime = await lineChart({
    title: t('recognitionsOverTime'),
    categories: province.map((r) => String(r.year)),
    series: MEASURES.map((m) => ({ name: t(m), data: province.map((r) => r[m]) })),
    lang,
  });
  const units = nationalUnits();
  const asOf = `${progress.period.from}-01-01`;
  const districts = progress.rows
    .filter((r) => r.districtCode !== null && r.year === latest.year)
    .sort((a, b) => (a.districtCode ?? '').localeCompare(b.districtCode ?? ''));
  return html`<h2>${t('progressAgainstPlan')} (${latest.year})</h2>
    <figure class="chart">
      ${planChart}
      <figcaption>
        <div class="table-wrap" role="region" tabindex="0" aria-label="${t('progressAgainstPlan')}">
          <table>
            <thead>
              <tr>
                <th scope="col"></th>
                <th scope="col">${t('achieved')}</th>
                <th scope="col">${t('target')}</th>
              </tr>
            </thead>
            <tbody>
              ${MEASURES.map(
                (m, i) =>
                  html`<tr>
                    <th scope="row">${labels[i]}</th>
                    <td>${formatNumber(achieved[i]!)}</td>
                    <td>${formatNumber(targets[i]!)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </figcaption>
    </figure>
    <h2>${t('recognitionsOverTime')}</h2>
    <figure class="chart">${overTime}</figure>
    ${
      districts.length
        ? html`<h2>${t('byDistrict')}</h2>
            <div class="table-wrap" role="region" tabindex="0" aria-label="${t('byDistrict')}">
              <table>
                <thead>
                  <tr>
                    <th scope="col">${t('unit')}</th>
                    ${MEASURES.map((m) => html`<th scope="col">${t(m)}</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${districts.map(
                    (r) =>
                      html`<tr>
                        <th scope="row">${units.get(r.districtCode!, asOf)?.name ?? r.districtCode}</th>
                        ${MEASURES.map((m) => html`<td>${formatNumber(r[m])}${r.targets[m] === undefined ? '' : ` / ${formatNumber(r.targets[m])}`}</td>`)}
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
        : ''
    }`;
}

async function stepsSection(screen: Screen, dossiers: Page<{ step: string }>): Promise<Html> {
  const { t, lang } = screen;
  const counts = new Map<string, number>();
  for (const d of dossiers.items) counts.set(d.step, (counts.get(d.step) ?? 0) + 1);
  const steps = [...counts].sort((a, b) => b[1] - a[1]);
  const chart = await barChart({
    title: t('dossiersByStep'),
    categories: steps.map(([s]) => nameOf('steps', s, lang)),
    series: [{ name: t('dossiers'), data: steps.map(([, n]) => n) }],
    horizontal: true,
    lang,
  });
  return html`<h2>${t('dossiersByStep')}</h2>
    <p>
      ${formatNumber(dossiers.total)}
      ${t('dossiersInAll')}${dossiers.total > dossiers.items.length ? html` (${t('countedFirst')} ${formatNumber(dossiers.items.length)})` : ''}
    </p>
    ${steps.length ? html`<figure class="chart">${chart}</figure>` : ''}`;
}

function deadlineFigures(
  t: Translate,
  d: {
    open?: number | undefined;
    overdue?: number | undefined;
    met?: number | undefined;
    elapsed?: number | undefined;
  },
): Html {
  const decided = (d.met ?? 0) + (d.elapsed ?? 0);
  const rate = decided === 0 ? undefined : Math.round(((d.met ?? 0) / decided) * 1000) / 10;
  const figure = (label: string, value: string, tone = '') =>
    html`<div class="figure${tone}">
      <dt>${label}</dt>
      <dd>${value}</dd>
    </div>`;
  return html`<h2>${t('deadlines')}</h2>
    <dl class="figures">
      ${figure(t('openDeadlines'), formatNumber(d.open ?? 0))}
      ${figure(t('overdue'), formatNumber(d.overdue ?? 0), (d.overdue ?? 0) > 0 ? ' figure-red' : '')}
      ${figure(t('onTimeRate'), rate === undefined ? '—' : `${formatNumber(rate)}%`)}
    </dl>`;
}
