/**
 * The auditor's replay over HTTP: the history, the dossier as it was at an earlier revision, the hash chain check,
 * the signed bundle; and nothing for an auditor of another province.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { communeJourney } from '@ntm/testing';
import { startWebServer, type WebServer } from '../test/support/startWebServer.js';
import { Visitor } from '../test/support/browserless.js';

const ACCOUNTS = [
  { id: 'auditor-tn', role: 'auditor' as const, unit: '19', name: 'Tỉnh Thái Nguyên' },
  { id: 'auditor-cb', role: 'auditor' as const, unit: '04', name: 'Tỉnh Cao Bằng' },
];

let web: WebServer;
let dossierId: string;

beforeAll(async () => {
  web = await startWebServer({ now: new Date('2025-08-01T02:00:00Z'), accounts: ACCOUNTS });
  const cursor: { dossierId?: string; etag?: string } = {};
  for (const step of communeJourney('ntm', 2).steps.slice(0, 4)) {
    expect((await web.sendStep(step, cursor)).status).toBeLessThan(300);
  }
  dossierId = cursor.dossierId!;
});
afterAll(async () => web?.close());

describe('the auditor replay', () => {
  it('shows the history, the intact chain and the dossier as it was at revision 0', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn('auditor-tn');
    const page = await visitor.get(`/dossier/${dossierId}/audit?revision=0`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Chuỗi băm toàn vẹn');
    expect(page.body).toContain('DossierOpened');
    expect(page.body).toMatch(/<dt>Phiên bản<\/dt>\s*<dd>0 · [^<]*DossierOpened<\/dd>/);
    expect(page.body).toMatch(/<dt>Phiên bản hồ sơ<\/dt>\s*<dd>1<\/dd>/);
    expect(page.body).toMatch(/<dt>Tài liệu<\/dt>\s*<dd>0<\/dd>/);
    const filtered = await visitor.get(`/dossier/${dossierId}/audit?type=DossierOpened`);
    expect(filtered.body.match(/<td>DossierOpened<\/td>/g)).toHaveLength(1);
    expect(filtered.body).not.toMatch(/<td>SelfAssessmentRecorded<\/td>/);
  });

  it('shows an auditor of another province nothing', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn('auditor-cb');
    const page = await visitor.get(`/dossier/${dossierId}/audit`);
    expect(page.status).toBe(404);
    expect(page.body).not.toContain('DossierOpened');
    const bundle = await visitor.get(`/dossier/${dossierId}/audit-bundle`);
    expect(bundle.status).toBe(404);
    expect(bundle.headers.get('content-type')).toContain('text/html');
  });
});
