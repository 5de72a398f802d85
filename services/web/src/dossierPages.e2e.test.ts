/**
 * The dossier page and the command forms over HTTP as a browser uses them: what the page shows, a command
 * through its form and "check your answers", bad input answered next to the field in Vietnamese with nothing
 * recorded, and a dossier of another commune not shown at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS_2025, communeJourney } from '@ntm/testing';
import { startWebServer, type WebServer } from '../test/support/startWebServer.js';
import { csrfOf, formValues, Visitor } from '../test/support/browserless.js';

const OFFICIAL = ACTORS_2025.communeOfficial;
const ACCOUNTS = [
  { id: OFFICIAL.id, role: OFFICIAL.role, unit: OFFICIAL.unit, name: 'Xã Quảng Bạch' },
  { id: 'cb-other-commune', role: 'commune_official' as const, unit: '01969', name: 'Xã Phủ Thông' },
];

let web: WebServer;
let dossierId: string;

const revision = async () => {
  const answer = await web.server.inject({
    url: `/dossiers/${dossierId}`,
    headers: { authorization: `Bearer ${await web.tokenFor(OFFICIAL)}` },
  });
  return answer.json<{ revision: number }>().revision;
};

const DOCUMENT = {
  documentId: 'doc-web-1',
  documentKind: 'registration_letter',
  number: '12/TTr-UBND',
  issuedOn: '04/08/2025',
  issuingBody: 'UBND xã Quảng Bạch',
  'signer.name': 'Nguyễn Văn Bình',
  'signer.title': 'Chủ tịch',
  copy: 'original',
  sha256: 'a'.repeat(64),
};

beforeAll(async () => {
  web = await startWebServer({ now: new Date('2025-08-01T02:00:00Z'), accounts: ACCOUNTS });
  const cursor: { dossierId?: string; etag?: string } = {};
  for (const step of communeJourney('ntm', 2).steps.slice(0, 3)) {
    expect((await web.sendStep(step, cursor)).status).toBeLessThan(300);
  }
  dossierId = cursor.dossierId!;
  web.clock.set(new Date('2025-08-05T02:00:00Z'));
});
afterAll(async () => web?.close());

describe('the dossier page', () => {
  it('shows the step list, the criteria and the commands the official may issue now', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn(OFFICIAL.id);
    const page = await visitor.get(`/dossier/${dossierId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Các bước của thủ tục');
    expect(page.body).toContain('Đang chuẩn bị hồ sơ');
    expect(page.body).toContain('Bảng tiêu chí');
    expect(page.body).toContain(`/dossier/${dossierId}/do/AttachDocument"`);
    // The file upload has a route of its own in the API, not a JSON form: not offered as one.
    expect(page.body).not.toContain(`/do/AttachDocumentFile`);
    expect((await visitor.get(`/dossier/${dossierId}/do/AttachDocumentFile`)).status).toBe(404);
    expect(page.body).not.toContain(`/do/RecordVerification`);
  });

  it('shows the documents each step requires, with their legal basis, and which are missing', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn(OFFICIAL.id);
    const page = await visitor.get(`/dossier/${dossierId}`);
    const section = page.body.slice(page.body.indexOf('id="checklist"'));
    expect(section).toContain('Tài liệu bắt buộc theo bước');
    expect(section).toContain('self_assessment_report');
    expect(section).toContain('QĐ 18/2022/QĐ-TTg');
    expect(section).toContain('Còn thiếu');
    expect(section).not.toContain('Đã có');
  });

  it('is not found for a commune official of another commune', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn('cb-other-commune');
    const page = await visitor.get(`/dossier/${dossierId}`);
    expect(page.status).toBe(404);
    expect(page.body).not.toContain('Bảng tiêu chí');
    const form = await visitor.get(`/dossier/${dossierId}/do/AttachDocument`);
    expect(form.status).toBe(404);
  });
});

describe('a command form', () => {
  it('shows bad input in Vietnamese next to the field and records nothing', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn(OFFICIAL.id);
    const before = await revision();
    const form = await visitor.get(`/dossier/${dossierId}/do/AttachDocument`);
    const answer = await visitor.post(`/dossier/${dossierId}/do/AttachDocument`, {
      ...DOCUMENT,
      issuedOn: 'hôm qua',
      sha256: 'not-a-hash',
      _csrf: csrfOf(form.body),
      _action: 'confirm',
      _revision: String(before),
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('Có lỗi cần sửa');
    expect(answer.body).toMatch(/id="f-issuedOn-error">Nhập ngày theo dạng ngày\/tháng\/năm/);
    expect(answer.body).toContain('href="#f-issuedOn"');
    expect(await revision()).toBe(before);
  });

  it('records the command after "check your answers" and shows it on the dossier page', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn(OFFICIAL.id);
    const before = await revision();
    const form = await visitor.get(`/dossier/${dossierId}/do/AttachDocument`);
    expect(form.body).toContain('<label for="f-number">');
    const check = await visitor.post(`/dossier/${dossierId}/do/AttachDocument`, {
      ...DOCUMENT,
      _csrf: csrfOf(form.body),
      _action: 'check',
    });
    expect(check.status).toBe(200);
    expect(check.body).toContain('Kiểm tra thông tin trước khi gửi');
    expect(check.body).toContain('04/08/2025');
    expect(await revision()).toBe(before);
    const fields = formValues(check.body, 'value="confirm"');
    const done = await visitor.post(`/dossier/${dossierId}/do/AttachDocument`, fields);
    expect(new URL(done.url).pathname).toBe(`/dossier/${dossierId}`);
    expect(done.body).toContain('Đã ghi nhận');
    expect(done.body).toContain('12/TTr-UBND');
    expect(await revision()).toBe(before + 1);
    // The same confirmation again (a double click) records nothing more.
    await visitor.post(`/dossier/${dossierId}/do/AttachDocument`, fields);
    expect(await revision()).toBe(before + 1);
  });
});
