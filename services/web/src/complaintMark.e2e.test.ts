/**
 * A decision under complaint says so on its dossier page (ADR 0026): once the issuer accepts the complaint the page
 * of the recognised commune shows "Quyết định đang bị khiếu nại", linked to the complaint; before, nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, type DossierCommand } from '@ntm/domain';
import { communeJourney } from '@ntm/testing';
import { startWebServer, type WebServer } from '../test/support/startWebServer.js';
import { Visitor } from '../test/support/browserless.js';

const ACCOUNTS = [{ id: 'auditor-bk', role: 'auditor' as const, unit: '06', name: 'Tỉnh Bắc Kạn' }];
const journey = communeJourney('ntm', 1);
const decisionStep = journey.steps.find((s) => s.command.type === 'DecideRecognition')!;
const decidedOn = (decisionStep.command as unknown as { decidedOn: string }).decidedOn;
const unitCode = (journey.steps[0]!.command as unknown as { unitCode: string }).unitCode;
const commune = journey.steps[0]!.ctx.actor;
const step = (command: Record<string, unknown>, actor: typeof commune, date: string) => ({
  command: command as unknown as DossierCommand,
  ctx: { now: new Date(`${date}T03:00:00Z`), actor },
});

let web: WebServer;
let target: string;
const complaint: { dossierId?: string; etag?: string } = {};
beforeAll(async () => {
  web = await startWebServer({ now: new Date(String(journey.steps[0]!.ctx.now)), accounts: ACCOUNTS });
  const cursor: { dossierId?: string; etag?: string } = {};
  for (const s of journey.steps) expect((await web.sendStep(s, cursor)).status).toBeLessThan(300);
  target = cursor.dossierId!;
  const filed = await web.sendStep(
    step(
      {
        type: 'OpenDossier',
        kind: 'COMPLAINT',
        unitCode,
        year: Number(decidedOn.slice(0, 4)),
        complaint: { targetDossierId: target, complainant: { name: 'UBND xã' }, grounds: 'Tiêu chí 17' },
      },
      commune,
      addCalendarDays(decidedOn, 30),
    ),
    complaint,
  );
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
});
afterAll(async () => web?.close());

describe('the dossier page of a decision complained of', () => {
  it('shows nothing while the complaint is only filed, then the mark linked to the complaint once accepted', async () => {
    const visitor = new Visitor(web.url);
    await visitor.signIn('auditor-bk');
    const filed = await visitor.get(`/dossier/${target}`);
    expect(filed.status).toBe(200);
    expect(filed.body).not.toContain('Quyết định đang bị khiếu nại');

    const day = addCalendarDays(decidedOn, 32);
    const accepted = await web.sendStep(
      step(
        { type: 'AcceptComplaint', acceptedOn: day, complex: false, remoteArea: false },
        decisionStep.ctx.actor,
        day,
      ),
      complaint,
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    // The service's clock moved on to the acceptance: a new sign-in, as a person would the next day.
    const later = new Visitor(web.url);
    await later.signIn('auditor-bk');
    const page = await later.get(`/dossier/${target}`);
    expect(page.body).toMatch(
      new RegExp(`<a href="/dossier/${complaint.dossierId!}">\\s*<strong[^>]*>Quyết định đang bị khiếu nại`),
    );
  });
});
