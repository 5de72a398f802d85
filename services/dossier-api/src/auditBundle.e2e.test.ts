/**
 * The audit bundle over HTTP: an auditor of the province downloads a dossier's signed bundle, fetches the
 * published keys, and verifies the bundle offline (no server involved in the check), the attached file included; an auditor elsewhere gets
 * 404 as for any dossier it may not read; the bundle of a dossier altered in SQL does not verify.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalKeyRing, verifyBundle, type PublishedKeys } from '@ntm/audit';
import { dossierStreamId } from '@ntm/event-store';
import { ACTORS, communeJourney, sqlTamper, uploadDocumentFile } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
const LETTER = Buffer.from('%PDF-1.7\n% the registration letter\n%%EOF\n');
const open = journey.steps[0]!;

let t: TestServer;
let keyDir: string;
let dossierId: string;
beforeAll(async () => {
  keyDir = await mkdtemp(join(tmpdir(), 'ntm-audit-keys-'));
  const auditSigner = await openLocalKeyRing({ dir: keyDir, now: new Date('2020-01-01T00:00:00Z') });
  t = await startTestServer({ now: new Date(String(open.ctx.now)), schemaPrefix: 'api_bundle', auditSigner });
  const cursor: JourneyCursor = {};
  expect((await t.sendStep(open, cursor)).status).toBeLessThan(300);
  // A file attached: the bundle carries it, and the verifier checks it against the hash its event recorded.
  const upload = await uploadDocumentFile({
    baseUrl: t.url,
    token: await t.tokenFor(ACTORS.communeOfficial),
    dossierId: cursor.dossierId!,
    etag: cursor.etag,
    documentId: 'letter',
    documentKind: 'registration_letter',
    fileName: 'To trinh.pdf',
    content: LETTER,
  });
  expect(upload.status).toBe(201);
  cursor.etag = upload.headers['etag'] as string;
  for (const step of journey.steps.slice(1, 12))
    expect((await t.sendStep(step, cursor)).status).toBeLessThan(300);
  dossierId = cursor.dossierId!;
});
afterAll(async () => {
  await t.close();
  await rm(keyDir, { recursive: true, force: true });
});

async function download(unit: string): Promise<Response> {
  const token = await t.tokenFor({ id: `auditor-${unit}`, role: 'auditor', unit });
  return fetch(`${t.url}/dossiers/${dossierId}/audit-bundle`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

const publishedKeys = async () =>
  (await (await fetch(`${t.url}/.well-known/ntm-audit-keys.json`)).json()) as PublishedKeys;

describe('GET /dossiers/{id}/audit-bundle', () => {
  it('gives an auditor of the province a bundle that verifies offline against the published keys', async () => {
    const response = await download('06');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-tar');
    const keys = await publishedKeys();
    expect(keys.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(JSON.stringify(keys)).not.toContain('"d"');
    const report = await verifyBundle(Buffer.from(await response.arrayBuffer()), { trustedKeys: keys });
    expect(report.failures).toEqual([]);
    expect(report.events).toBe(13);
    expect(report.documents).toEqual({ referenced: 1, included: 1 });
    expect(report.signedBy?.trust).toBe('given');
  });

  it('is not found for an auditor of another province', async () => {
    const response = await download('01');
    expect(response.status).toBe(404);
  });

  it('requires a token', async () => {
    const response = await fetch(`${t.url}/dossiers/${dossierId}/audit-bundle`);
    expect(response.status).toBe(401);
  });

  it('exports an altered history as it is stored: the verifier names the edited event', async () => {
    const streamId = dossierStreamId(dossierId);
    const [event] = await t.store.readStream(streamId, { fromRevision: 3n, maxCount: 1 });
    await sqlTamper(t.sql, t.schema).editData(streamId, 3n, { ...event!.data, tampered: true });
    const response = await download('06');
    expect(response.status).toBe(200);
    const report = await verifyBundle(Buffer.from(await response.arrayBuffer()), {
      trustedKeys: await publishedKeys(),
    });
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toMatchObject({ check: 'hashes', revision: 3 });
  });
});
