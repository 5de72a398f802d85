/**
 * Signing the decision in the web app: the chairman finds the signing button on the decided dossier's page (no one
 * else does), signs with the CSRF-checked form, and then everyone who may read the dossier sees the signature as the
 * API verifies it again (who, the certificate's issuer, when, the verdict) and opens the signed PDF, whose bytes are
 * the ones the log names. A second signing of the same decision is refused, in Vietnamese, and records nothing.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSigner } from '@ntm/signing';
import { communeJourney } from '@ntm/testing';
import { startWebServer, type WebServer } from '../test/support/startWebServer.js';
import { csrfOf, Visitor } from '../test/support/browserless.js';

const steps = communeJourney('ntm', 2).steps;
const DECIDE = steps.findIndex((s) => s.command.type === 'DecideRecognition');
const CHAIRMAN = steps[DECIDE]!.ctx.actor;
const OFFICIAL = steps[0]!.ctx.actor;
const ACCOUNTS = [CHAIRMAN, OFFICIAL].map((a) => ({ id: a.id, role: a.role, unit: a.unit, name: a.id }));

let dir: string;
let web: WebServer;
const cursor: { dossierId?: string; etag?: string } = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntm-web-signing-'));
  const signer = await openSigner({ DATA_DIR: dir, SIGNER: 'dev', SIGNER_REMOTE_TIMEOUT_MS: 1000 });
  web = await startWebServer({
    now: new Date(steps[0]!.ctx.now),
    accounts: ACCOUNTS,
    api: { documentSigner: signer },
  });
  for (const step of steps.slice(0, DECIDE + 1)) {
    const answer = await web.sendStep(step, cursor);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  }
});
afterAll(async () => {
  await web?.close();
  await rm(dir, { recursive: true, force: true });
});

const eventCount = async () => (await web.store.readStream(`dossier-${cursor.dossierId}`)).length;

describe('signing the decision in the web app', () => {
  it('offers the button to the chairman alone, signs, and shows the signature verified again', async () => {
    const id = cursor.dossierId!;
    const official = new Visitor(web.url);
    await official.signIn(OFFICIAL.id);
    expect((await official.get(`/dossier/${id}`)).body).not.toContain(`action="/dossier/${id}/sign"`);

    const chairman = new Visitor(web.url);
    await chairman.signIn(CHAIRMAN.id);
    const page = await chairman.get(`/dossier/${id}`);
    expect(page.body).toContain(`action="/dossier/${id}/sign"`);
    const revision = /name="_revision" value="(\d+)"/.exec(page.body)![1]!;
    const before = await eventCount();
    // Without the form's CSRF token nothing is signed.
    expect((await chairman.post(`/dossier/${id}/sign`, { _revision: revision })).status).toBe(403);
    expect(await eventCount()).toBe(before);

    const signed = await chairman.post(`/dossier/${id}/sign`, {
      _csrf: csrfOf(page.body),
      _revision: revision,
    });
    expect(signed.status).toBe(200);
    expect(new URL(signed.url).pathname).toBe(`/dossier/${id}`);
    expect(signed.body).toContain('Đã ký số quyết định');
    expect(signed.body).toContain('Chữ ký số hợp lệ');
    expect(signed.body).not.toContain(`action="/dossier/${id}/sign"`);
    expect(await eventCount()).toBe(before + 1);

    // Anyone who may read the dossier sees it, and the PDF is the file the log names.
    const seen = await official.get(`/dossier/${id}`);
    expect(seen.body).toContain('Chữ ký số hợp lệ');
    expect(seen.body).toContain('Người ký');
    const state = (
      await web.server.inject({
        url: `/dossiers/${id}`,
        headers: { authorization: `Bearer ${await web.tokenFor(OFFICIAL)}` },
      })
    ).json<{ state: { decisionSignature: { sha256: string } } }>().state;
    const pdf = await official.bytes(`/dossier/${id}/pdf/decision`);
    expect(pdf.status).toBe(200);
    expect(createHash('sha256').update(pdf.bytes).digest('hex')).toBe(state.decisionSignature.sha256);

    // The same form again: refused in Vietnamese, nothing recorded.
    const again = await chairman.post(`/dossier/${id}/sign`, {
      _csrf: csrfOf(page.body),
      _revision: revision,
    });
    expect(again.status).toBe(409);
    expect(again.body).toContain('error-summary');
    expect(await eventCount()).toBe(before + 1);
  });
});
