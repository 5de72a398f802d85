/**
 * The web app over HTTP as a browser uses it (without a browser: see test/support/browserless.ts): sign-in
 * through the embedded OIDC provider, the inbox scoped by the API's jurisdiction checks, CSRF refusal and the
 * language switch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS_2025, communeJourney, QUANG_BACH } from '@ntm/testing';
import { startWebServer, type WebServer } from '../test/support/startWebServer.js';
import { csrfOf, Visitor } from '../test/support/browserless.js';

const OFFICIAL = ACTORS_2025.communeOfficial;
const ACCOUNTS = [
  { id: OFFICIAL.id, role: OFFICIAL.role, unit: OFFICIAL.unit, name: 'Xã Quảng Bạch' },
  { id: 'cb-other-commune', role: 'commune_official' as const, unit: '01969', name: 'Xã Phủ Thông' },
];

let web: WebServer;
let dossierId: string;

beforeAll(async () => {
  web = await startWebServer({ now: new Date('2025-08-01T02:00:00Z'), accounts: ACCOUNTS });
  const journey = communeJourney('ntm', 2);
  const cursor: { dossierId?: string; etag?: string } = {};
  for (const step of journey.steps.slice(0, 3)) {
    const answer = await web.sendStep(step, cursor);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  }
  dossierId = cursor.dossierId!;
});
afterAll(async () => web?.close());

describe('sign-in', () => {
  it('sends an anonymous visitor of the inbox to the account picker, then back to the inbox', async () => {
    const visitor = new Visitor(web.url);
    const picker = await visitor.get('/inbox');
    expect(picker.url).toMatch(/\/login\/accounts\//);
    expect(picker.body).toContain('Chọn tài khoản thử nghiệm');
    const landed = await visitor.post(new URL(picker.url).pathname, {
      _csrf: csrfOf(picker.body),
      accountId: OFFICIAL.id,
    });
    expect(landed.status).toBe(200);
    expect(new URL(landed.url).pathname).toBe('/inbox');
    expect(landed.body).toContain('Hồ sơ chờ xử lý');
    expect(landed.body).toContain(`/dossier/${dossierId}`);
  });

  it('refuses an account the provider does not hold', async () => {
    const visitor = new Visitor(web.url);
    const picker = await visitor.get('/login');
    const refused = await visitor.post(new URL(picker.url).pathname, {
      _csrf: csrfOf(picker.body),
      accountId: 'nobody',
    });
    expect(refused.status).toBe(400);
  });
});

describe('jurisdiction', () => {
  it("shows a commune official of another commune none of this commune's dossiers", async () => {
    const visitor = new Visitor(web.url);
    const inbox = await visitor.signIn('cb-other-commune');
    expect(new URL(inbox.url).pathname).toBe('/inbox');
    expect(inbox.body).not.toContain(dossierId);
    expect(inbox.body).not.toContain(QUANG_BACH);
  });
});

describe('forms', () => {
  it('refuses a form without its CSRF token and changes nothing', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn(OFFICIAL.id);
    const refused = await visitor.post('/language', { lang: 'en', returnTo: '/inbox' });
    expect(refused.status).toBe(403);
    const inbox = await visitor.get('/inbox');
    expect(inbox.body).toContain('<html lang="vi">');
  });

  it('switches to English and back with the language form', async () => {
    const visitor = new Visitor(web.url);
    const inbox = await visitor.signIn(OFFICIAL.id);
    const english = await visitor.post('/language', {
      _csrf: csrfOf(inbox.body),
      lang: 'en',
      returnTo: '/inbox',
    });
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('<h1>Inbox</h1>');
    const vietnamese = await visitor.post('/language', {
      _csrf: csrfOf(english.body),
      lang: 'vi',
      returnTo: '/inbox',
    });
    expect(vietnamese.body).toContain('<h1>Hồ sơ chờ xử lý</h1>');
  });

  it('never redirects to another site after the language switch', async () => {
    const visitor = new Visitor(web.url);
    const inbox = await visitor.signIn(OFFICIAL.id);
    const answer = await visitor.post('/language', {
      _csrf: csrfOf(inbox.body),
      lang: 'en',
      returnTo: '//evil.example/',
    });
    expect(new URL(answer.url).origin).toBe(web.url);
  });
});
