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
    // Events by their Vietnamese names, never their codes.
    expect(page.body).toMatch(/<dt>Phiên bản<\/dt>\s*<dd>\s*0 · [^<]*Mở hồ sơ\s*<\/dd>/);
    expect(page.body).not.toMatch(/>\s*(DossierOpened|SelfAssessmentRecorded)\s*</);
    expect(page.body).toMatch(/<dt>Phiên bản hồ sơ<\/dt>\s*<dd>1<\/dd>/);
    expect(page.body).toMatch(/<dt>Tài liệu<\/dt>\s*<dd>0<\/dd>/);
    const filtered = await visitor.get(`/dossier/${dossierId}/audit?type=DossierOpened`);
    expect(filtered.body.match(/<td>Mở hồ sơ<\/td>/g)).toHaveLength(1);
    expect(filtered.body).not.toMatch(/<td>Báo cáo tự đánh giá kết quả thực hiện các tiêu chí<\/td>/);
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

describe('the province dashboard', () => {
  it('draws progress against the plan, dossiers by step and deadlines as server-rendered charts', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn('auditor-tn');
    const page = await visitor.get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Kết quả so với kế hoạch');
    // The charts are pictures in the page, named for screen readers; no script, no inline style (CSP).
    expect(page.body.match(/<svg role="img" aria-label="/g)?.length).toBeGreaterThanOrEqual(3);
    expect(page.body).not.toMatch(/<script|style="/);
    // The open dossier is counted at its step, by the step's name.
    expect(page.body).toMatch(/<p>\s*1\s+hồ sơ/);
    expect(page.body).toContain('Tỷ lệ giải quyết đúng hạn');
    expect(page.body).toMatch(/<text[^>]*>Đang chuẩn bị hồ sơ<\/text>/);
  });

  it("counts none of this province's dossiers for an auditor of another province", async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn('auditor-cb');
    const page = await visitor.get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<p>\s*0\s+hồ sơ/);
    expect(page.body).not.toContain('Đang chuẩn bị hồ sơ');
  });
});
