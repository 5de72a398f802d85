/**
 * A dossier's files in the web app: a document's uploaded file and the official documents the engine makes (the
 * receipt once submitted) are offered on the dossier page and downloaded through the web app as the API serves
 * them (the same bytes, ETag and Range), only to those who may read the dossier; a document whose step has not
 * happened is "not yet", an unknown one not found.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS_2025, communeJourney, uploadDocumentFile } from '@ntm/testing';
import { startWebServer, type WebServer } from '../test/support/startWebServer.js';
import { Visitor } from '../test/support/browserless.js';

const OFFICIAL = ACTORS_2025.communeOfficial;
const OUTSIDER = {
  id: 'cb-other-commune',
  role: 'commune_official' as const,
  unit: '01969',
  name: 'Xã Phủ Thông',
};
const ACCOUNTS = [
  { id: OFFICIAL.id, role: OFFICIAL.role, unit: OFFICIAL.unit, name: 'Xã Quảng Bạch' },
  OUTSIDER,
];
const FILE = Buffer.from(`%PDF-1.7\n% báo cáo tự đánh giá\n${'x'.repeat(3000)}\n%%EOF\n`);

let web: WebServer;
const cursor: { dossierId?: string; etag?: string } = {};

beforeAll(async () => {
  web = await startWebServer({ now: new Date('2025-08-01T02:00:00Z'), accounts: ACCOUNTS });
  const steps = communeJourney('ntm', 2).steps;
  const submission = steps.findIndex((s) => s.command.type === 'SubmitDossier');
  for (const [i, step] of steps.slice(0, submission + 1).entries()) {
    if (i === submission) {
      const upload = await uploadDocumentFile({
        baseUrl: web.url,
        token: await web.tokenFor(OFFICIAL),
        dossierId: cursor.dossierId!,
        etag: cursor.etag,
        documentId: 'bao-cao-tu-danh-gia',
        documentKind: 'self_assessment_report',
        fileName: 'Báo cáo tự đánh giá.pdf',
        content: FILE,
      });
      expect(upload.status, JSON.stringify(upload.body)).toBe(201);
      cursor.etag = upload.headers['etag'] as string;
    }
    const answer = await web.sendStep(step, cursor);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  }
});
afterAll(async () => web?.close());

describe("a dossier's files in the web app", () => {
  it('offers the uploaded file and the receipt on the dossier page, and serves them as the API does', async () => {
    const official = new Visitor(web.url);
    await official.signIn(OFFICIAL.id);
    const id = cursor.dossierId!;
    const page = await official.get(`/dossier/${id}`);
    expect(page.body).toContain(`href="/dossier/${id}/files/bao-cao-tu-danh-gia"`);
    expect(page.body).toContain('Văn bản của hồ sơ');
    expect(page.body).toContain(`href="/dossier/${id}/pdf/receipt"`);
    expect(page.body).not.toContain(`href="/dossier/${id}/pdf/decision"`);

    const file = await official.bytes(`/dossier/${id}/files/bao-cao-tu-danh-gia`);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(FILE)).toBe(true);
    expect(file.headers.get('etag')).toBe(`"${createHash('sha256').update(FILE).digest('hex')}"`);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    const part = await official.get(`/dossier/${id}/files/bao-cao-tu-danh-gia`, { range: 'bytes=0-7' });
    expect(part.status).toBe(206);
    expect(part.body).toBe('%PDF-1.7');

    const receipt = await official.bytes(`/dossier/${id}/pdf/receipt`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get('content-type')).toBe('application/pdf');
    expect(receipt.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const fromApi = await web.server.inject({
      url: `/dossiers/${id}/receipt.pdf`,
      headers: { authorization: `Bearer ${await web.tokenFor(OFFICIAL)}` },
    });
    expect(receipt.headers.get('etag')).toBe(fromApi.headers['etag']);
    expect(receipt.bytes.equals(fromApi.rawPayload)).toBe(true);
  });

  it('says "not yet" for a document whose step has not happened, and not found for an unknown one', async () => {
    const official = new Visitor(web.url);
    await official.signIn(OFFICIAL.id);
    const id = cursor.dossierId!;
    const decision = await official.get(`/dossier/${id}/pdf/decision`);
    expect(decision.status).toBe(409);
    expect(decision.body).toContain('Bước của thủ tục tạo ra văn bản này chưa diễn ra.');
    expect((await official.get(`/dossier/${id}/pdf/passport`)).status).toBe(404);
    expect((await official.get(`/dossier/${id}/files/no-such-document`)).status).toBe(404);
  });

  it('serves nothing to someone who may not read the dossier', async () => {
    const outsider = new Visitor(web.url);
    await outsider.signIn(OUTSIDER.id);
    const id = cursor.dossierId!;
    for (const path of [`/dossier/${id}/pdf/receipt`, `/dossier/${id}/files/bao-cao-tu-danh-gia`]) {
      const answer = await outsider.get(path);
      expect(answer.status, path).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });
});
