/**
 * `pnpm bench:web`: the web app's pages against the API's JSON for the same data. 1,000 commune dossiers of Bắc
 * Kạn under the 2022 procedure (sample histories, spread over the procedure's steps and the province's districts)
 * are appended to the local PostgreSQL in schemas of the run's own (dropped afterwards); the service (API and web
 * app in one process, as `pnpm start` runs it, clock fixed at BENCH_NOW) projects them into its read models as it
 * starts. A provincial appraiser then signs in through the embedded OIDC provider (a cookie jar, no browser), and
 * one client asks, one request at a time on a kept-alive connection:
 *
 * - the inbox page (`GET /inbox`) and, as its baseline, the two API reads it is made of (`/read/inbox` and
 *   `/read/deadlines` with the appraiser's token, in parallel as the page issues them);
 * - the dossier page (`GET /dossier/{id}`, over the dossiers waiting for the appraiser) and, as its baseline, the
 *   API's `GET /dossiers/{id}` and `/history` in parallel.
 *
 * Times are from the request's first byte sent to the response's last byte received, on the loopback: server time
 * plus a loopback round trip. Then the first load of each main screen: the bytes of JavaScript and CSS its HTML
 * references, as the service sends them and gzip-compressed. The last line printed is one JSON object.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { openPostgresStore } from '@ntm/store-postgres';
import { sampleDossierEvents } from '@ntm/testing';
import type { NewEvent } from '@ntm/event-store';
import { startBenchService, type BenchService } from './api/benchService.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const DOSSIERS = Number(process.env['BENCH_DOSSIERS'] ?? 1000);
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 300);
const WARMUP = Math.ceil(REQUESTS / 5);
const PROVINCE = '06';
/** Bắc Kạn's districts before the 2025 reform */
const DISTRICTS = ['058', '060', '061', '062', '063', '064', '065', '066'];
const APPRAISER = {
  id: `demo-provincial-appraiser-${PROVINCE}`,
  role: 'provincial_appraiser',
  unit: PROVINCE,
};

const tag = `bench_web_${randomBytes(4).toString('hex')}`;
const eventsSchema = `${tag}_events`;
const readModelSchema = `${tag}_rm`;
const at = (i: number) => new Date(Date.UTC(2024, 0, 2) + i * 86_400_000).toISOString();
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The indexes after which a history has moved to a new step: a dossier cut there waits at that step. */
function stepEnds(events: NewEvent[]): number[] {
  const ends: number[] = [];
  events.forEach((e, i) => {
    const m = e.metadata as { fromState?: string; toState?: string };
    const next = events[i + 1]?.metadata as { fromState?: string; toState?: string } | undefined;
    if (next === undefined || next.toState !== m.toState) ends.push(i + 1);
  });
  return ends;
}

/** A session of a person's browser without a browser: cookies kept across the redirects of the OIDC sign-in. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async go(path: string, init: { method?: string; body?: string } = {}): Promise<{ url: URL; body: string }> {
    let url = new URL(path, this.base);
    let request: RequestInit = {
      method: init.method ?? 'GET',
      headers: init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      ...(init.body ? { body: init.body } : {}),
    };
    for (let hop = 0; hop < 12; hop++) {
      const response = await fetch(url, {
        ...request,
        headers: { ...(request.headers as Record<string, string>), cookie: this.header() },
        redirect: 'manual',
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        url = new URL(location, url);
        request = { method: 'GET', headers: {} };
        continue;
      }
      return { url, body: await response.text() };
    }
    throw new Error('too many redirects');
  }

  /** Through the embedded provider's account picker; answers the picker's page as first seen. */
  async signIn(accountId: string): Promise<string> {
    const picker = await this.go('/login');
    const action = /action="(\/login\/accounts\/[^"]+)"/.exec(picker.body)?.[1];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(picker.body)?.[1];
    if (!action || !csrf) throw new Error(`no account picker at ${picker.url.href}`);
    const landed = await this.go(action, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf, accountId }).toString(),
    });
    if (!landed.url.pathname.startsWith('/inbox')) throw new Error(`signed in to ${landed.url.href}`);
    return picker.body;
  }
}

/** Response times (ms) of `ask`, one at a time, after a warm-up. */
async function times(ask: (i: number) => Promise<void>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await ask(i);
  const out: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await ask(i);
    out.push(performance.now() - started);
  }
  return out.sort((a, b) => a - b);
}

const summary = (web: number[], api: number[]) => ({
  webP50Ms: round(percentile(web, 50)),
  webP99Ms: round(percentile(web, 99)),
  apiP50Ms: round(percentile(api, 50)),
  apiP99Ms: round(percentile(api, 99)),
  p99RatioToApi: round(percentile(web, 99) / percentile(api, 99), 2),
});

let service: BenchService | undefined;
const opened = await openPostgresStore({
  connectionString: DATABASE_URL,
  schema: eventsSchema,
  maxConnections: 8,
});
try {
  // The histories: dossier i stops at one of the procedure's steps, in turn, in one of the districts.
  let events = 0;
  const waiting: string[] = [];
  for (let start = 0; start < DOSSIERS; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, DOSSIERS - start) }, async (_, k) => {
        const i = start + k;
        const id = randomUUID();
        const district = DISTRICTS[i % DISTRICTS.length]!;
        const full = sampleDossierEvents(
          {
            id,
            communeCode: String(1800 + (i % 96)).padStart(5, '0'),
            districtCode: district,
            year: 2024,
            ...(i % 7 === 0 ? { outcome: 'refused' as const } : {}),
          },
          at,
        );
        const ends = stepEnds(full);
        const cut = ends[i % ends.length]!;
        const history = full.slice(0, cut);
        const step = (history.at(-1)!.metadata as { toState: string }).toState;
        if (step === 'forwarded') waiting.push(id);
        events += history.length;
        await opened.store.append(`dossier-${id}`, history, { expectedRevision: 'no_stream' });
      }),
    );
  }
  console.log(`appended ${DOSSIERS} dossiers, ${events} events; ${waiting.length} wait for the appraiser`);

  const seeded = performance.now();
  service = await startBenchService(
    { DATABASE_URL, DATABASE_SCHEMA: eventsSchema, READ_MODEL_SCHEMA: readModelSchema },
    // pnpm start's composition (API and web app on one port), shared with bench:start.
    '../startWebServer.js',
  );
  console.log(`service ready, read models caught up in ${round((performance.now() - seeded) / 1000)} s`);
  const base = service.baseUrl;
  const jar = new CookieJar(base);
  const pickerPage = await jar.signIn(APPRAISER.id);
  const token = await service.tokenFor(APPRAISER as never);
  const pool = new Pool(base, { connections: 1, pipelining: 1 });
  const get = async (path: string, headers: Record<string, string>) => {
    const answer = await pool.request({ method: 'GET', path, headers });
    const body = Buffer.from(await answer.body.arrayBuffer());
    if (answer.statusCode !== 200) throw new Error(`${path}: ${answer.statusCode}`);
    return { body, headers: answer.headers };
  };
  const page = (path: string) => get(path, { cookie: jar.header(), 'accept-encoding': 'gzip, br' });
  const api = (path: string) => get(path, { authorization: `Bearer ${token}` });

  const scope = new URLSearchParams({ role: APPRAISER.role, unitCode: APPRAISER.unit, limit: '500' });
  const inboxRows = (await page('/inbox')).body.toString().match(/<tr>/g)?.length ?? 0;
  const inboxWeb = await times(async () => void (await page('/inbox')));
  const inboxApi = await times(async () => {
    await Promise.all([
      api(`/read/inbox?${scope.toString()}&sort=waitingSince`),
      api(`/read/deadlines?${scope.toString()}&sort=dueAt`),
    ]);
  });
  const dossierWeb = await times(async (i) => void (await page(`/dossier/${waiting[i % waiting.length]!}`)));
  const dossierApi = await times(async (i) => {
    const id = waiting[i % waiting.length]!;
    await Promise.all([api(`/dossiers/${id}`), api(`/dossiers/${id}/history`)]);
  });

  // First load of each main screen: the JavaScript and CSS its HTML references, as sent and gzip-compressed.
  const someone = waiting[0]!;
  const screens: Record<string, string> = {
    login: '',
    inbox: '/inbox',
    dossier: `/dossier/${someone}`,
    form: `/dossier/${someone}/do/RecordAppraisal`,
    audit: `/dossier/${someone}/audit`,
    dashboard: '/dashboard',
  };
  const firstLoad: Record<
    string,
    { htmlGzipBytes: number; assets: number; jsCssBytes: number; jsCssGzipBytes: number }
  > = {};
  for (const [name, path] of Object.entries(screens)) {
    const html = path ? (await page(path)).body.toString() : pickerPage;
    const assets = [
      ...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g),
      ...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g),
    ].map((m) => m[1]!);
    let sent = 0;
    let gzipped = 0;
    for (const asset of assets) {
      const answer = await page(asset);
      sent += answer.body.length;
      const encoded = String(answer.headers['content-encoding'] ?? '');
      gzipped += encoded ? answer.body.length : gzipSync(answer.body, { level: 9 }).length;
    }
    firstLoad[name] = {
      htmlGzipBytes: gzipSync(Buffer.from(html), { level: 9 }).length,
      assets: assets.length,
      jsCssBytes: sent,
      jsCssGzipBytes: gzipped,
    };
  }
  await pool.close();

  const inbox = summary(inboxWeb, inboxApi);
  const dossier = summary(dossierWeb, dossierApi);
  const heaviest = Math.max(...Object.values(firstLoad).map((s) => s.jsCssGzipBytes));
  console.log(`inbox (${inboxRows} rows): ${JSON.stringify(inbox)}`);
  console.log(`dossier page: ${JSON.stringify(dossier)}`);
  console.log(`first load: ${JSON.stringify(firstLoad)}`);
  console.log(
    JSON.stringify({
      bench: 'web',
      dossiers: DOSSIERS,
      events,
      requests: REQUESTS,
      inbox: { rows: inboxRows, ...inbox },
      dossierPage: { waiting: waiting.length, ...dossier },
      firstLoad,
      heaviestJsCssGzipBytes: heaviest,
      goals: {
        pageP99Under50Ms: inbox.webP99Ms < 50 && dossier.webP99Ms < 50,
        jsCssUnder150KB: heaviest < 150 * 1024,
      },
    }),
  );
} finally {
  await service?.stop();
  for (const schema of [eventsSchema, readModelSchema]) {
    await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
  await opened.close();
}
