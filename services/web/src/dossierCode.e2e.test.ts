/**
 * The dossier code (mã hồ sơ) in the web app, as the one-stop convention asks: shown wherever the dossier is once
 * the first submission gives it (the inbox, the dossier page) and found by it, since it is what the receipt
 * carries and what a caller reads out. A code outside the reader's jurisdiction is not found, like a dossier id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS_2025, communeJourney } from '@ntm/testing';
import { startWebServer, type WebServer } from '../test/support/startWebServer.js';
import { Visitor } from '../test/support/browserless.js';

const OFFICIAL = ACTORS_2025.communeOfficial;
const APPRAISER = ACTORS_2025.provincialAppraiser;
const OUTSIDER = { id: 'td-caobang', role: 'provincial_appraiser' as const, unit: '04', name: 'Sở Cao Bằng' };
const ACCOUNTS = [
  { id: OFFICIAL.id, role: OFFICIAL.role, unit: OFFICIAL.unit, name: 'Xã Quảng Bạch' },
  { id: APPRAISER.id, role: APPRAISER.role, unit: APPRAISER.unit, name: 'Sở NN&MT Thái Nguyên' },
  OUTSIDER,
];
const NOT_FOUND = 'Không có hồ sơ nào mang mã này trong phạm vi bạn được xem.';

let web: WebServer;
const cursor: { dossierId?: string; etag?: string } = {};
const steps = communeJourney('ntm', 2).steps;
const submission = steps.findIndex((s) => s.command.type === 'SubmitDossier');

beforeAll(async () => {
  web = await startWebServer({ now: new Date('2025-08-01T02:00:00Z'), accounts: ACCOUNTS });
  for (const step of steps.slice(0, submission)) {
    const answer = await web.sendStep(step, cursor);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  }
});
afterAll(async () => web?.close());

const codeOf = async (): Promise<string | undefined> => {
  const answer = await web.server.inject({
    url: `/dossiers/${cursor.dossierId}`,
    headers: { authorization: `Bearer ${await web.tokenFor(OFFICIAL)}` },
  });
  return answer.json<{ state: { dossierCode?: string } }>().state.dossierCode;
};

describe('the dossier code in the web app', () => {
  it('is "not given yet" before the submission, then shown in the inbox, on the dossier page and its replay', async () => {
    const official = new Visitor(web.url);
    const before = await official.signIn(OFFICIAL.id);
    expect(before.body).toContain(`/dossier/${cursor.dossierId}`);
    expect(before.body).toContain('chưa cấp (cấp khi nộp)');
    expect((await official.get(`/dossier/${cursor.dossierId}`)).body).not.toContain('Mã hồ sơ:');

    const answer = await web.sendStep(steps[submission]!, cursor);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    const code = await codeOf();
    expect(code).toMatch(/-\d{6}-\d{4}$/);

    const appraiser = new Visitor(web.url);
    const inbox = await appraiser.signIn(APPRAISER.id);
    expect(inbox.body).toContain(`<span class="dossier-code">${code}</span>`);
    expect(inbox.body).toContain(`/dossier/${cursor.dossierId}`);
    // The submission moved the service's clock to its day: the official's earlier sign-in has expired since.
    await official.signIn(OFFICIAL.id);
    const page = await official.get(`/dossier/${cursor.dossierId}`);
    expect(page.body).toContain(`Mã hồ sơ: <strong>${code}</strong>`);
    const replay = await official.get(`/dossier/${cursor.dossierId}/audit`);
    expect(replay.body).toContain(`Mã hồ sơ: <strong>${code}</strong>`);
  });

  it('finds the dossier by its code for a reader in its jurisdiction, and for no one else', async () => {
    const code = (await codeOf())!;
    const appraiser = new Visitor(web.url);
    await appraiser.signIn(APPRAISER.id);
    const found = await appraiser.get(`/find?code=${encodeURIComponent(` ${code} `)}`);
    expect(found.status).toBe(200);
    expect(new URL(found.url).pathname).toBe(`/dossier/${cursor.dossierId}`);

    const unknown = await appraiser.get('/find?code=19-250101-9999');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain(NOT_FOUND);
    expect(unknown.body).toContain('value="19-250101-9999"');
    // Not a code at all: not sent to the API, answered the same way, and written back escaped.
    const odd = await appraiser.get(`/find?code=${encodeURIComponent('<b>x</b>')}`);
    expect(odd.status).toBe(404);
    expect(odd.body).toContain(NOT_FOUND);
    expect(odd.body).not.toContain('<b>x</b>');
    expect(new URL((await appraiser.get('/find?code=')).url).pathname).toBe('/inbox');

    const outsider = new Visitor(web.url);
    await outsider.signIn(OUTSIDER.id);
    const elsewhere = await outsider.get(`/find?code=${encodeURIComponent(code)}`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body).toContain(NOT_FOUND);
    expect(elsewhere.body).not.toContain(cursor.dossierId!);
  });
});
