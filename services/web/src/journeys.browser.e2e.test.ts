/**
 * One commune dossier under the two-tier procedure carried from opening to announcement entirely in Chromium,
 * each step by the person the law gives it to, signed in through the OIDC provider's page: the commune official
 * prepares and submits (on a 360 px phone), the Front officer records the poll, the appraiser returns it, the
 * official fixes and resubmits, a second appraiser appraises, council members vote on their own accounts and one
 * recuses, the secretary closes the ballot, the chairman decides and announces; an auditor replays it and sees
 * the state before the decision; an auditor of another province sees none of it. On the way: axe-core on every
 * main screen, no horizontal scroll at 360 px, and a form with bad input answered in Vietnamese beside the field
 * with nothing recorded. One server and one browser for the file; the service's clock is moved to each step's
 * date (the law's working-day deadlines and the notice period read it).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DomainActor } from '@ntm/domain';
import {
  ACTORS_2025,
  COUNCIL_MEMBERS,
  communeJourney,
  councilMember,
  launchChromium,
  type JourneyStep,
} from '@ntm/testing';
import { startWebServer, type WebServer } from '../test/support/startWebServer.js';
import type { DemoAccount } from './demoAccounts.js';

const A = ACTORS_2025;
const MEMBERS = COUNCIL_MEMBERS.slice(0, 4).map((id) => councilMember(id, A.councilSecretary));
const AUDITOR: DomainActor = { id: 'kt-thainguyen', role: 'auditor', unit: '19' };
const OUTSIDER: DomainActor = { id: 'kt-caobang', role: 'auditor', unit: '04' };
const PEOPLE: DomainActor[] = [
  A.communeOfficial,
  A.frontOfficer,
  A.provincialAppraiser,
  A.provincialAppraiser2,
  A.councilSecretary,
  ...MEMBERS,
  A.provincialChairman,
  AUDITOR,
  OUTSIDER,
];
const ACCOUNTS: DemoAccount[] = PEOPLE.map((p) => ({ ...p, name: p.id }));
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };

const journey = communeJourney('ntm', 2);
const step = (type: string, from = 0): JourneyStep => {
  const found = journey.steps.slice(from).find((s) => s.command.type === type);
  if (!found) throw new Error(`no ${type} in the journey`);
  return found;
};

let web: WebServer;
let browser: Browser;
let dossierId: string;
const contexts = new Map<string, { context: BrowserContext; page: Page }>();
/** commands recorded so far, and the count each page has seen (a page loaded before the last one is stale) */
let recorded = 0;
const fresh = new Map<Page, number>();

beforeAll(async () => {
  web = await startWebServer({ now: new Date(journey.steps[0]!.ctx.now), accounts: ACCOUNTS });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
});

/** axe-core's serious and critical violations on the page (the CSP is bypassed only to inject axe). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate<string[]>(
    'axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", ")))',
  );
}

const scrollWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

/** The person's own browser window (their cookies), signed in through the provider's account picker. */
async function as(actor: DomainActor): Promise<Page> {
  const known = contexts.get(actor.id);
  if (known) return known.page;
  const viewport = actor.role === 'commune_official' || actor.role === 'front_officer' ? PHONE : DESKTOP;
  const context = await browser.newContext({ bypassCSP: true, locale: 'vi-VN', viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  contexts.set(actor.id, { context, page });
  await page.goto(`${web.url}/`);
  // The screens before signing in, checked once: the start page and the provider's account picker.
  const first = contexts.size === 1;
  if (first) await expectSound(page);
  await page.click('a[href="/login"]');
  await page.waitForURL(/\/login\/accounts\//);
  if (first) await expectSound(page);
  await pickAccount(page, actor);
  await page.waitForURL(/\/inbox$/);
  return page;
}

/** No serious axe-core violation, and on a phone nothing wider than the screen. */
async function expectSound(page: Page): Promise<void> {
  expect(await seriousViolations(page), page.url()).toEqual([]);
  if (page.viewportSize()?.width === PHONE.width)
    expect(await scrollWidth(page), page.url()).toBeLessThanOrEqual(360);
}

async function pickAccount(page: Page, actor: DomainActor): Promise<void> {
  await page.waitForURL(/\/login\/accounts\//);
  await page.click(`button[value="${actor.id}"]`);
}

/**
 * When the session's access token has expired (the service's clock moved on by days), the app sends the person
 * to sign in again and back to where they were going: pick the account again.
 */
async function signInAgainIfAsked(page: Page, actor: DomainActor): Promise<void> {
  if (!/\/login\/accounts\//.test(page.url())) return;
  const going = new URL(page.url());
  await Promise.all([
    page.waitForURL(
      (url) =>
        url.origin === going.origin &&
        !url.pathname.startsWith('/login') &&
        !url.pathname.startsWith('/oidc') &&
        !url.pathname.startsWith('/auth'),
    ),
    page.click(`button[value="${actor.id}"]`),
  ]);
}

async function visit(page: Page, actor: DomainActor, path: string): Promise<void> {
  await page.goto(`${web.url}${path}`);
  await signInAgainIfAsked(page, actor);
}

/** A command body as the form's fields: nested objects dotted, rows numbered, text lists one per line. */
function formValues(body: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    const name = `${prefix}${key}`;
    if (key === 'type' || key === 'dossierId' || value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.every((v) => typeof v === 'string')) out[name] = value.join('\n');
      else
        value.forEach((row, i) =>
          Object.assign(out, formValues(row as Record<string, unknown>, `${name}.${i}.`)),
        );
    } else if (value !== null && typeof value === 'object') {
      Object.assign(out, formValues(value as Record<string, unknown>, `${name}.`));
    } else out[name] = `${value as string | number | boolean}`;
  }
  return out;
}

/** Fills the form's fields by name in one pass, whatever the control: radios, selects, text boxes. */
async function fill(page: Page, values: Record<string, string>): Promise<void> {
  const missing = await page.evaluate((entries) => {
    // Runs in the page (no DOM types in the test's compilation): each control by its name.
    type Control = { type: string; value: string; checked: boolean };
    const doc = (globalThis as unknown as { document: { getElementsByName(n: string): ArrayLike<Control> } })
      .document;
    const absent: string[] = [];
    for (const [name, value] of entries) {
      const controls = Array.from(doc.getElementsByName(name));
      const radio = controls.find((c) => c.type === 'radio' && c.value === value);
      if (radio) radio.checked = true;
      else if (controls[0] && controls[0].type !== 'radio') controls[0].value = value;
      else absent.push(name);
    }
    return absent;
  }, Object.entries(values));
  if (missing.length)
    throw new Error(`no ${missing.join(', ')} on ${page.url()}: ${await page.locator('main').textContent()}`);
}

/** Continue, then confirm on "check your answers"; fails with the page's error summary when either refuses. */
async function sendForm(page: Page, type: string): Promise<void> {
  const refused = async () => {
    const summary = page.locator('.error-summary');
    return `${type} refused: ${(await summary.count()) ? await summary.textContent() : await page.locator('main').textContent()}`;
  };
  await Promise.all([page.waitForNavigation(), page.click('form[novalidate] button.button')]);
  if ((await page.locator('h1', { hasText: 'Kiểm tra thông tin trước khi gửi' }).count()) === 0)
    throw new Error(await refused());
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Xác nhận và gửi")')]);
  if (!/\/dossier\/[^/]+$/.test(new URL(page.url()).pathname)) throw new Error(await refused());
  fresh.set(page, ++recorded);
}

const dossierPath = () => `/dossier/${encodeURIComponent(dossierId)}`;

/** `actor` on the dossier page, then the command's button to its form. */
async function openForm(actor: DomainActor, type: string): Promise<Page> {
  const page = await as(actor);
  // The page shows what was allowed when it loaded: reload it when someone has acted since.
  if (new URL(page.url()).pathname !== dossierPath() || fresh.get(page) !== recorded)
    await visit(page, actor, dossierPath());
  await Promise.all([page.waitForNavigation(), page.click(`a[href="${dossierPath()}/do/${type}"]`)]);
  await signInAgainIfAsked(page, actor);
  return page;
}

/**
 * `actor` issues `type` from the dossier page as a person does: the command's button, the form, "check your
 * answers", confirm; back on the dossier page with the confirmation. Answers the page.
 */
async function act(actor: DomainActor, type: string, body: object, at: string | Date): Promise<Page> {
  web.clock.set(new Date(at));
  const page = await openForm(actor, type);
  await fill(page, formValues(body as Record<string, unknown>));
  await sendForm(page, type);
  expect(await page.locator('[role=status]').textContent()).toContain('Đã ghi nhận');
  if (page.viewportSize()?.width === PHONE.width) expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
  return page;
}

const actStep = (s: JourneyStep) => act(s.ctx.actor, s.command.type, s.command, s.ctx.now);

/**
 * The same form again, through the API as the same person: after the first of the self-assessments and
 * documents in the browser, the other 25 are that form repeated, and would only make the test slower.
 */
async function throughApi(s: JourneyStep): Promise<void> {
  const current = await web.server.inject({
    url: `/dossiers/${encodeURIComponent(dossierId)}`,
    headers: { authorization: `Bearer ${await web.tokenFor(s.ctx.actor)}` },
  });
  const cursor = { dossierId, etag: current.headers['etag'] as string };
  expect((await web.sendStep(s, cursor)).status).toBeLessThan(300);
  recorded++;
}

const revisionNow = async (): Promise<number> => {
  const answer = await web.server.inject({
    url: `/dossiers/${encodeURIComponent(dossierId)}`,
    headers: { authorization: `Bearer ${await web.tokenFor(AUDITOR)}` },
  });
  return answer.json<{ revision: number }>().revision;
};

const stepName = (page: Page) => page.locator('main p .tag').first().textContent();

describe('a commune dossier from opening to announcement, in the browser', () => {
  it('the commune official opens it and prepares it on a phone; a bad date is refused beside its field', async () => {
    const open = journey.steps[0]!;
    web.clock.set(new Date(open.ctx.now));
    const page = await as(A.communeOfficial);
    expect(await seriousViolations(page)).toEqual([]); // the inbox
    await page.goto(`${web.url}/dossier/new`);
    expect(await seriousViolations(page)).toEqual([]);
    await fill(page, formValues(open.command));
    await sendForm(page, 'OpenDossier');
    dossierId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);

    const notice = journey.steps.findIndex((s) => s.command.type === 'OpenPublicNotice');
    const preparation = journey.steps.slice(1, notice);
    const firstOf = (type: string) => preparation.findIndex((s) => s.command.type === type);
    const inBrowser = new Set([firstOf('RecordSelfAssessment'), firstOf('AttachDocument')]);
    for (const [i, s] of preparation.entries()) {
      if (inBrowser.has(i)) await actStep(s);
      else await throughApi(s);
    }

    // The scanned report itself, uploaded without a script (multipart form); a text file is refused, in Vietnamese.
    const uploaded = await revisionNow();
    await visit(page, A.communeOfficial, dossierPath());
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${dossierPath()}/upload"]`)]);
    await expectSound(page);
    await page.fill('#f-documentId', 'doc-self_assessment_report');
    await page.selectOption('#f-documentKind', 'self_assessment_report');
    await page.setInputFiles('#f-file', {
      name: 'bao-cao.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('không phải tệp PDF'),
    });
    await Promise.all([page.waitForNavigation(), page.click('form[enctype] button')]);
    expect(await page.locator('.error-summary').textContent()).toMatch(/[àáảãạăâđèéêìíòóôơùúưỳý]/);
    expect(await revisionNow()).toBe(uploaded);
    await page.fill('#f-documentId', 'doc-self_assessment_report');
    await page.selectOption('#f-documentKind', 'self_assessment_report');
    await page.setInputFiles('#f-file', {
      name: 'bao-cao-tu-danh-gia.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from(
        '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
      ),
    });
    await Promise.all([page.waitForNavigation(), page.click('form[enctype] button')]);
    expect(await page.locator('[role=status]').textContent()).toContain('Đã ghi nhận');
    expect(await revisionNow()).toBe(uploaded + 1);
    recorded++;

    // A date that does not exist: the problem in Vietnamese beside the field, and nothing recorded.
    const before = await revisionNow();
    const opening = step('OpenPublicNotice');
    web.clock.set(new Date(opening.ctx.now));
    await openForm(A.communeOfficial, 'OpenPublicNotice');
    expect(await seriousViolations(page)).toEqual([]);
    await fill(page, { ...formValues(opening.command), from: '31/02/2025' });
    await Promise.all([page.waitForNavigation(), page.click('form[novalidate] button.button')]);
    const group = page.locator('.form-group-error', { has: page.locator('#f-from') });
    expect(await group.locator('.error-message').textContent()).toBe(
      'Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/08/2025',
    );
    expect(await page.locator('#f-from').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.error-summary a[href="#f-from"]').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    expect(await revisionNow()).toBe(before);

    // Corrected, the notice opens; comments, the answer, the close.
    await fill(page, { from: formValues(opening.command)['from']! });
    await sendForm(page, 'OpenPublicNotice');
    for (const type of ['RecordComment', 'RespondToComment', 'ClosePublicNotice']) await actStep(step(type));
    expect(await stepName(page)).toBe('Lấy ý kiến sự hài lòng');
  });

  it('the Front officer records the poll village by village and issues its report', async () => {
    let page: Page | undefined;
    for (const s of journey.steps.filter((x) => x.ctx.actor === A.frontOfficer)) page = await actStep(s);
    expect(await stepName(page!)).toBe('Đã có báo cáo lấy ý kiến');
    expect(await page!.locator('main').textContent()).toContain('12/BC-MTTQ');
  });

  it('the official records the proposal meeting and submits, checking the answers first', async () => {
    await actStep(step('RecordProposalMeeting'));
    const submit = step('SubmitDossier');
    web.clock.set(new Date(submit.ctx.now));
    const page = await openForm(A.communeOfficial, 'SubmitDossier');
    await fill(page, formValues(submit.command));
    await Promise.all([page.waitForNavigation(), page.click('form[novalidate] button.button')]);
    expect(await page.locator('.summary-list').textContent()).toContain('45/TTr-UBND');
    expect(await seriousViolations(page)).toEqual([]);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Xác nhận và gửi")')]);
    expect(await stepName(page)).toBe('Đã nộp, chờ thẩm tra');
  });

  it('the appraiser finds it in the inbox and returns it; the official sees what to fix, fixes it and resubmits', async () => {
    const back = journey.detours['returned']!.step;
    web.clock.set(new Date(back.ctx.now));
    const appraiser = await as(A.provincialAppraiser);
    expect(await appraiser.locator(`a[href="${dossierPath()}"]`).count()).toBe(1);
    expect(await seriousViolations(appraiser)).toEqual([]);
    await act(back.ctx.actor, 'ReturnDossier', back.command, back.ctx.now);

    const page = await as(A.communeOfficial);
    await visit(page, A.communeOfficial, dossierPath());
    const fix = page.locator('[aria-labelledby="returned-title"]');
    expect(await fix.textContent()).toContain('Giao thông chưa đạt');
    await expectSound(page);
    await visit(page, A.communeOfficial, '/notifications');
    await expectSound(page);
    const criterion2 = journey.steps.find(
      (s) =>
        s.command.type === 'RecordSelfAssessment' &&
        (s.command as { criterionCode?: string }).criterionCode === '2',
    )!;
    const reworked = {
      ...criterion2.command,
      evidence: [{ description: 'Biên bản nghiệm thu đường trục xã' }],
    };
    await act(A.communeOfficial, 'RecordSelfAssessment', reworked, back.ctx.now);
    await act(
      A.communeOfficial,
      'ResubmitDossier',
      { letterNo: '46/TTr-UBND', changes: 'Bổ sung minh chứng tiêu chí 2 (giao thông)' },
      back.ctx.now,
    );
    expect(await stepName(page)).toBe('Đã nộp, chờ thẩm tra');
    expect(await page.locator('main').textContent()).toContain('Biên bản nghiệm thu đường trục xã');
  });

  it('the appraisers verify and appraise it', async () => {
    await actStep(step('RecordVerification'));
    const page = await actStep(step('RecordAppraisal'));
    expect(await stepName(page)).toBe('Đã thẩm định');
  });

  it('council members vote on their own accounts, one recuses, and the secretary closes the ballot', async () => {
    const day = new Date(step('RecordCouncilBallot').ctx.now).toISOString();
    const ids = MEMBERS.map((m) => m.id);
    await act(
      A.councilSecretary,
      'OpenCouncilBallot',
      { ballotNo: 'HĐTĐ-2025-09', heldOn: day.slice(0, 10), memberIds: ids },
      day,
    );
    for (const member of MEMBERS.slice(0, 3)) {
      const page = await openForm(member, 'CastCouncilVote');
      if (member === MEMBERS[0]) expect(await seriousViolations(page)).toEqual([]);
      await fill(page, { vote: 'approve' });
      await sendForm(page, 'CastCouncilVote');
      expect(await page.locator(`a[href="${dossierPath()}/do/CastCouncilVote"]`).count()).toBe(0);
    }
    await act(MEMBERS[3]!, 'RecuseFromCouncil', { reason: 'Có quan hệ gia đình với lãnh đạo xã' }, day);
    const secretary = await as(A.councilSecretary);
    await visit(secretary, A.councilSecretary, dossierPath());
    expect(await seriousViolations(secretary)).toEqual([]);
    const ballot = await secretary.locator('#ballot').textContent();
    expect(ballot).toContain('HĐTĐ-2025-09');
    expect(ballot).toContain('Tán thành 3 · Không tán thành 0 · Không biểu quyết 0');
    expect(ballot).toContain('Đủ số thành viên');
    expect(ballot).toContain(MEMBERS[3]!.id);
    const page = await act(A.councilSecretary, 'CloseCouncilBallot', { minutesNo: '15/BB-HĐTĐ' }, day);
    expect(await stepName(page)).toBe('Hội đồng tán thành');
  });

  it('the chairman decides and announces the recognition', async () => {
    await actStep(step('DecideRecognition'));
    const page = await actStep(step('AnnounceRecognition'));
    expect(await stepName(page)).toBe('Đã công bố');
  });

  it('an auditor replays it and sees the dossier as it was before the decision', async () => {
    const page = await as(AUDITOR);
    await visit(page, AUDITOR, `${dossierPath()}/audit`);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.locator('main svg').count()).toBeGreaterThan(0); // the statechart
    // The history filtered to the decision, then the dossier as it was one revision earlier.
    await page.selectOption('#type', 'RecognitionDecided');
    await Promise.all([page.waitForNavigation(), page.click('form.filters button')]);
    const rows = page.locator('main .table-wrap').last().locator('tbody tr');
    expect(await rows.count()).toBe(1);
    const decision = Number(await rows.first().locator('td a').first().textContent());
    await page.fill('#revision', String(decision - 1));
    await Promise.all([page.waitForNavigation(), page.click('form:has(#revision) button')]);
    const asItWas = await page.locator('main .summary-list').first().textContent();
    expect(asItWas).toContain('Hội đồng tán thành');
    expect(asItWas).not.toContain('1021/QĐ-UBND');
    expect(await seriousViolations(page)).toEqual([]);
    await visit(page, AUDITOR, '/dashboard');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('a person of another province sees none of it', async () => {
    const page = await as(OUTSIDER);
    expect(await page.locator(`a[href="${dossierPath()}"]`).count()).toBe(0);
    for (const path of [dossierPath(), `${dossierPath()}/audit`]) {
      const answer = await page.goto(`${web.url}${path}`);
      expect(answer?.status()).toBe(404);
      expect(await page.locator('main').textContent()).not.toContain('Quảng Bạch');
    }
  });
});
