/**
 * The document checklist over HTTP: a step whose required document is missing is refused (409
 * CHECKLIST_INCOMPLETE, the missing kind named, nothing appended); `GET /dossiers/{id}/checklist` shows each step's
 * items with their legal basis and which documents satisfy them; an uploaded file of the missing kind completes
 * the step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, communeJourney, uploadDocumentFile } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
let t: TestServer;
const cursor: JourneyCursor = {};

interface ChecklistView {
  revision: number;
  steps: {
    command: string;
    complete: boolean;
    items: { documentKind: string; legalBasis: string; confirmed: boolean; documentIds: string[] }[];
  }[];
}
async function checklist(): Promise<ChecklistView> {
  const answer = await fetch(`${t.url}/dossiers/${cursor.dossierId}/checklist`, {
    headers: { authorization: `Bearer ${await t.tokenFor(ACTORS.auditor)}` },
  });
  expect(answer.status).toBe(200);
  return (await answer.json()) as ChecklistView;
}

beforeAll(async () => {
  t = await startTestServer({ now: new Date('2024-04-01T02:00:00Z'), schemaPrefix: 'api_checklist' });
});
afterAll(() => t.close());

describe('document checklist over HTTP', () => {
  it('refuses a step while its required document is missing, shows it, and accepts the step once a file is uploaded', async () => {
    // The journey up to the public notice, without its self-assessment report.
    const notice = journey.steps.findIndex((s) => s.command.type === 'OpenPublicNotice');
    for (const step of journey.steps.slice(0, notice)) {
      if (step.command['documentKind'] === 'self_assessment_report') continue;
      expect((await t.sendStep(step, cursor)).status).toBeLessThan(300);
    }
    const events = await t.countEvents();
    const refused = await t.sendStep(journey.steps[notice]!, cursor);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'CHECKLIST_INCOMPLETE',
      params: { command: 'OpenPublicNotice', missing: ['self_assessment_report'] },
    });
    expect(await t.countEvents()).toBe(events);

    const before = await checklist();
    const step = (c: string) => before.steps.find((s) => s.command === c)!;
    expect(step('OpenPublicNotice')).toMatchObject({
      complete: false,
      items: [{ documentKind: 'self_assessment_report', confirmed: false, documentIds: [] }],
    });
    expect(step('OpenPublicNotice').items[0]!.legalBasis).toContain('QĐ 18/2022');
    expect(step('SubmitDossier').items.find((i) => i.documentKind === 'poll_report')).toMatchObject({
      confirmed: true,
      documentIds: ['doc-poll_report'],
    });

    const upload = await uploadDocumentFile({
      baseUrl: t.url,
      token: await t.tokenFor(ACTORS.communeOfficial),
      dossierId: cursor.dossierId!,
      etag: cursor.etag,
      documentId: 'bao-cao-tu-danh-gia',
      documentKind: 'self_assessment_report',
      fileName: 'Báo cáo tự đánh giá.pdf',
      content: Buffer.from('%PDF-1.7\n% báo cáo\n%%EOF\n'),
    });
    expect(upload.status).toBe(201);
    cursor.etag = upload.headers['etag'] as string;
    const after = await checklist();
    expect(after.steps.find((s) => s.command === 'OpenPublicNotice')).toMatchObject({
      complete: true,
      items: [{ documentIds: ['bao-cao-tu-danh-gia'] }],
    });
    expect((await t.sendStep(journey.steps[notice]!, cursor)).status).toBeLessThan(300);
  });

  it('is read like the dossier: another unit gets 404', async () => {
    const answer = await fetch(`${t.url}/dossiers/${cursor.dossierId}/checklist`, {
      headers: {
        authorization: `Bearer ${await t.tokenFor({ id: 'x', role: 'commune_official', unit: '02035' })}`,
      },
    });
    expect(answer.status).toBe(404);
  });
});
