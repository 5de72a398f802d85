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
const journey = communeJourney('ntm', 2);

beforeAll(async () => {
  web = await startWebServer({ now: new Date('2025-08-01T02:00:00Z'), accounts: ACCOUNTS });
  // Opened, submitted, returned by the appraiser for criterion 2, and criterion 2 reworked by the commune.
  const submit = journey.steps.findIndex((x) => x.command.type === 'SubmitDossier');
  const returned = journey.detours['returned']!.step;
  const rework = {
    command: {
      type: 'RecordSelfAssessment',
      dossierId: journey.dossierId,
      criterionCode: '2',
      met: true,
      indicators: [{ code: '2.1', value: 96, unit: '%' }],
      evidence: [{ description: 'Biên bản nghiệm thu đường trục xã' }],
    },
    ctx: { ...returned.ctx, actor: journey.steps[0]!.ctx.actor },
  };
  const cursor: { dossierId?: string; etag?: string } = {};
  for (const step of [...journey.steps.slice(0, submit + 1), returned, rework]) {
    const answer = await web.sendStep(step, cursor);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
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

  it('filters the history by who acted and by days typed dd/mm/yyyy, and says so when a day is not one', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn('auditor-tn');
    const all = await visitor.get(`/dossier/${dossierId}/audit`);
    const rows = (body: string) => body.match(/<tr>\s*<td/g)?.length ?? 0;
    const official = journey.steps[0]!.ctx.actor.id;
    expect(all.body).toContain(`<option value="${official}"`);
    const byOfficial = await visitor.get(`/dossier/${dossierId}/audit?actor=${official}`);
    expect(rows(byOfficial.body)).toBeGreaterThan(0);
    const byNobody = await visitor.get(`/dossier/${dossierId}/audit?actor=nobody`);
    expect(rows(byNobody.body)).toBe(0);
    const opened = new Date(journey.steps[0]!.ctx.now)
      .toISOString()
      .slice(0, 10)
      .split('-')
      .reverse()
      .join('/');
    const fromOpening = await visitor.get(`/dossier/${dossierId}/audit?from=${opened}&to=${opened}`);
    expect(rows(fromOpening.body)).toBeGreaterThan(0);
    expect(rows(fromOpening.body)).toBeLessThanOrEqual(rows(all.body));
    const after = await visitor.get(`/dossier/${dossierId}/audit?from=01/01/2099`);
    expect(rows(after.body)).toBe(0);
    const bad = await visitor.get(`/dossier/${dossierId}/audit?from=31/02/2025`);
    expect(bad.status).toBe(200);
    expect(bad.body).toMatch(/id="from-error"/);
    expect(bad.body).toMatch(/id="from"[^>]*aria-invalid="true"/);
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

describe('the path the dossier took', () => {
  it('draws the pinned workflow with the transitions taken up to the revision shown', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn('auditor-tn');
    const taken = (body: string) =>
      [...body.matchAll(/<path class="sc-edge sc-taken"[^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1]);
    const current = (body: string) =>
      /<g class="sc-state sc-current">[\s\S]*?<text[^>]*>([^<]*)<\/text>/.exec(body)?.[1];
    const now = await visitor.get(`/dossier/${dossierId}/audit`);
    expect(now.body).toMatch(/<svg\s+class="statechart"\s+role="img"/);
    expect(current(now.body)).toBe('Trả lại để hoàn thiện');
    expect(taken(now.body)).toEqual(
      expect.arrayContaining([
        'Đang chuẩn bị hồ sơ → Đang niêm yết công khai',
        'Đã họp đề nghị → Đã nộp, chờ thẩm tra',
        'Đã nộp, chờ thẩm tra → Trả lại để hoàn thiện',
      ]),
    );
    // Not taken: drawn, but not highlighted.
    expect(now.body).toMatch(/<path class="sc-edge"[^>]*><title>Đang chuẩn bị hồ sơ → Đã rút hồ sơ<\/title>/);
    // The dossier as it was at the end of its first day (opened and prepared on 01/08/2025).
    const firstDay = await visitor.get(`/dossier/${dossierId}/audit?at=01/08/2025`);
    expect(current(firstDay.body)).toBe('Đang chuẩn bị hồ sơ');
    const badDay = await visitor.get(`/dossier/${dossierId}/audit?at=hôm qua`);
    expect(badDay.status).toBe(200);
    expect(badDay.body).toContain('Nhập ngày theo dạng ngày/tháng/năm');
    const atStart = await visitor.get(`/dossier/${dossierId}/audit?revision=0`);
    expect(current(atStart.body)).toBe('Đang chuẩn bị hồ sơ');
    expect(taken(atStart.body)).toEqual([]);
  });
});

describe('a returned dossier', () => {
  it('sets the self-assessment as returned beside the version being reworked, criterion by criterion', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn('auditor-tn');
    const page = await visitor.get(`/dossier/${dossierId}`);
    expect(page.body).toContain('So sánh hồ sơ trước và sau khi hoàn thiện');
    const rows = [...page.body.matchAll(/<tr class="(changed)?">\s*<th scope="row">\s*(\w+)/g)];
    expect(rows.filter((r) => r[1] === 'changed').map((r) => r[2])).toEqual(['2']);
    expect(page.body).toContain('Giao thông chưa đạt');
    expect(page.body).toContain('2.1: 96 %');
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
    expect(page.body).toMatch(/<text[^>]*>Trả lại để hoàn thiện<\/text>/);
  });

  it("counts none of this province's dossiers for an auditor of another province", async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn('auditor-cb');
    const page = await visitor.get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<p>\s*0\s+hồ sơ/);
    expect(page.body).not.toContain('Trả lại để hoàn thiện');
  });
});
