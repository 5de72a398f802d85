/**
 * decision.pdf signed by the configured signer (ADR 0017): a commune dossier taken to its decision over HTTP, the
 * decision served signed, verified on its own (verifyPdf against the development CA), the same signed bytes on
 * every request, and a refused remote signer turned into a 503 problem rather than an unsigned decision.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSigner, verifyPdf, type OpenedSigner } from '@ntm/signing';
import { communeJourney, pdfText } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
const DECIDE = journey.steps.findIndex((s) => s.command.type === 'DecideRecognition');

let dir: string;
let signer: OpenedSigner;
let server: TestServer;
let refused: TestServer;
const cursor: JourneyCursor = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntm-signed-decision-'));
  signer = await openSigner({ DATA_DIR: dir, SIGNER: 'dev', SIGNER_REMOTE_TIMEOUT_MS: 1000 });
  server = await startTestServer({
    now: new Date('2024-04-01T02:00:00Z'),
    schemaPrefix: 'api_sign',
    documentSigner: signer,
  });
  // A second replica whose remote signer is not there (nothing listens on port 9).
  const unreachable = await openSigner({
    DATA_DIR: dir,
    SIGNER: 'remote',
    SIGNER_REMOTE_URL: 'http://127.0.0.1:9',
    SIGNER_REMOTE_TOKEN: 'x',
    SIGNER_REMOTE_TIMEOUT_MS: 1000,
  });
  refused = await startTestServer({
    now: new Date('2024-04-01T02:00:00Z'),
    shareSchemaOf: server,
    documentSigner: unreachable,
  });
  for (const step of journey.steps.slice(0, DECIDE + 1)) {
    const answer = await server.sendStep(step, cursor);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  }
});
afterAll(async () => {
  await refused?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const getDecision = async (on: TestServer) =>
  fetch(`${on.url}/dossiers/${cursor.dossierId}/decision.pdf`, {
    headers: { authorization: `Bearer ${await on.tokenFor(journey.steps[0]!.ctx.actor)}` },
  });

describe('GET /dossiers/{id}/decision.pdf with a signer', () => {
  it('serves the decision signed, verified, with the signed file’s SHA-256 as its ETag, the same on every request', async () => {
    const first = await getDecision(server);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-signature-verdict')).toBe('valid');
    const bytes = new Uint8Array(await first.arrayBuffer());
    expect(first.headers.get('etag')).toBe(`"${createHash('sha256').update(bytes).digest('hex')}"`);

    const report = await verifyPdf(bytes, {
      trustAnchors: signer.trustAnchors,
      at: new Date('2024-04-01T02:00:00Z'),
    });
    expect(report.verdict).toBe('valid');
    const [signature] = report.signatures;
    expect(signature?.name).toMatch(/^CHỦ TỊCH ỦY BAN NHÂN DÂN /);
    expect(signature?.reason).toMatch(/^Quyết định số \d+\/QĐ-UBND/);
    expect(signature?.signer).toContain('Development signer');
    // The content is the decision the log records.
    expect((await pdfText(bytes)).text.replace(/\s+/g, ' ')).toContain('QUYẾT ĐỊNH');

    const again = await getDecision(server);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
  });

  it('answers 503 SIGNER_UNAVAILABLE, not an unsigned decision, when the signer does not answer', async () => {
    const answer = await getDecision(refused);
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toMatch(/problem\+json/);
    expect(((await answer.json()) as { code: string }).code).toBe('SIGNER_UNAVAILABLE');
  });
});
