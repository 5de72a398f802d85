/**
 * Signing the decision is a recorded step (ADR 0017, 0028): a commune dossier taken to its decision over HTTP, the
 * unsigned draft served before signing, a signer that does not answer or a caller who may not decide refused with
 * nothing recorded, then `POST /dossiers/{id}/decision/signature` by the chairman: the signed PDF is in the blob
 * store, a DecisionSigned event names its hash, and decision.pdf serves those bytes, verified by us and by OpenSSL
 * on its own. A stored file altered behind the log's back is refused, and `verify` names it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackTar, verifyBundle } from '@ntm/audit';
import { openSigner, toPem, verifyPdf, type OpenedSigner } from '@ntm/signing';
import { communeJourney, pdfText } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
const DECIDE = journey.steps.findIndex((s) => s.command.type === 'DecideRecognition');
const chairman = journey.steps[DECIDE]!.ctx.actor;
const official = journey.steps[0]!.ctx.actor;
const SIGNED_AT = new Date('2024-04-02T03:00:00Z');

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

const authorised = async (on: TestServer, actor = official) => ({
  authorization: `Bearer ${await on.tokenFor(actor)}`,
});
const get = async (on: TestServer, path: string) =>
  fetch(`${on.url}/dossiers/${cursor.dossierId}${path}`, { headers: await authorised(on) });
const sign = async (on: TestServer, actor = chairman) =>
  fetch(`${on.url}/dossiers/${cursor.dossierId}/decision/signature`, {
    method: 'POST',
    headers: { ...(await authorised(on, actor)), 'if-match': cursor.etag! },
  });
const eventTypes = async () =>
  (await server.store.readStream(`dossier-${cursor.dossierId}`)).map((e) => e.type);

/** OpenSSL's own check of the CMS in a signed PDF against the development CA: the independent verifier. */
async function opensslVerifies(signed: Buffer, name: string) {
  const [b, c, d] = /\/ByteRange \[0 (\d+) (\d+) (\d+)\]/
    .exec(signed.toString('latin1'))!
    .slice(1)
    .map(Number) as [number, number, number];
  const padded = Buffer.from(signed.subarray(b + 1, c - 1).toString('latin1'), 'hex');
  const der = padded.subarray(0, 4 + padded.readUInt16BE(2));
  const [cms, content, ca] = ['p7s', 'bin', 'pem'].map((x) => join(dir, `${name}.${x}`)) as [
    string,
    string,
    string,
  ];
  await writeFile(cms, der);
  await writeFile(content, Buffer.concat([signed.subarray(0, b), signed.subarray(c, c + d)]));
  await writeFile(ca, (await signer.trustAnchors()).map((a) => toPem('CERTIFICATE', a)).join(''));
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cms, '-content', content];
  return spawnSync('openssl', [...args, '-CAfile', ca, '-purpose', 'any', '-out', '/dev/null'], {
    encoding: 'utf8',
  });
}

describe('signing the decision (SignDecision → DecisionSigned)', () => {
  it('serves the unsigned draft before the decision is signed', async () => {
    const draft = await get(server, '/decision.pdf');
    expect(draft.status).toBe(200);
    expect(draft.headers.get('x-signature-verdict')).toBe('unsigned');
    const signature = await get(server, '/decision/signature');
    expect(signature.status).toBe(404);
    expect(((await signature.json()) as { code: string }).code).toBe('DECISION_NOT_SIGNED');
  });

  it('refuses, recording nothing, a caller who may not decide and a signer that does not answer', async () => {
    const before = await eventTypes();
    const stranger = await sign(server, official);
    expect(stranger.status).toBe(403);
    expect(((await stranger.json()) as { code: string }).code).toBe('ROLE_NOT_ALLOWED');
    const unanswered = await sign(refused);
    expect(unanswered.status).toBe(503);
    expect(((await unanswered.json()) as { code: string }).code).toBe('SIGNER_UNAVAILABLE');
    expect(await eventTypes()).toEqual(before);
  });

  it('records the signed file in the log and the blob store, and serves exactly those bytes, verified', async () => {
    server.clock.set(SIGNED_AT);
    const answer = await sign(server);
    const body = (await answer.json()) as {
      signature: {
        sha256: string;
        size: number;
        decisionNo: string;
        verdict: string;
        signer: { subject: string };
      };
    };
    expect(answer.status, JSON.stringify(body)).toBe(201);
    cursor.etag = answer.headers.get('etag')!;
    expect((await eventTypes()).at(-1)).toBe('DecisionSigned');
    const recorded = (await server.store.readStream(`dossier-${cursor.dossierId}`)).at(-1)!;
    expect(recorded.data).toMatchObject({ ...body.signature, signedAt: SIGNED_AT.toISOString() });
    expect(recorded.metadata).toMatchObject({ fromState: 'recognised', toState: 'recognised' });
    expect(body.signature.verdict).toBe('valid');
    expect(body.signature.decisionNo).toMatch(/^\d+\/QĐ-UBND$/);
    expect(body.signature.signer.subject).toContain('Development signer');
    expect(await server.blobs.exists(body.signature.sha256)).toBe(true);

    const served = await get(server, '/decision.pdf');
    expect(served.status).toBe(200);
    expect(served.headers.get('x-signature-verdict')).toBe('valid');
    expect(served.headers.get('etag')).toBe(`"${body.signature.sha256}"`);
    expect(decodeURIComponent(served.headers.get('x-signature-signer')!)).toBe(body.signature.signer.subject);
    const bytes = Buffer.from(await served.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(body.signature.sha256);
    expect(bytes.length).toBe(body.signature.size);

    const report = await verifyPdf(bytes, { trustAnchors: await signer.trustAnchors(), at: SIGNED_AT });
    expect(report.verdict).toBe('valid');
    expect(report.signatures[0]?.name).toMatch(/^CHỦ TỊCH ỦY BAN NHÂN DÂN /);
    expect(report.signatures[0]?.reason).toBe(`Quyết định số ${body.signature.decisionNo}`);
    expect(report.signatures[0]?.signingTime).toBe(SIGNED_AT.toISOString());
    const text = (await pdfText(bytes)).text.replace(/\s+/g, ' ');
    expect(text).toContain('QUYẾT ĐỊNH');
    // The visible stamp, in the page content the signature covers (every byte but /Contents is verified above),
    // with the signature's widget on it rather than an invisible one.
    expect(text).toContain('Ký số bởi: Development signer (not a public-duty certificate)');
    expect(text).toContain('Thời gian ký: 02/04/2024 10:00:00 (GMT+7)');
    expect(text).toContain('Chứng thư số do NTM development signing CA cấp');
    const widget = /\/Subtype \/Widget[\s\S]*?\/Rect \[([\d.\s-]+)\]/.exec(bytes.toString('latin1'));
    expect(
      widget?.[1]
        ?.trim()
        .split(/\s+/)
        .map(Number)
        .some((n) => n > 0),
    ).toBe(true);

    const openssl = await opensslVerifies(bytes, 'served');
    expect(openssl.stderr).toContain('Verification successful');
    expect(openssl.status).toBe(0);

    // The same stored bytes on every request.
    expect((await get(server, '/decision.pdf')).headers.get('etag')).toBe(`"${body.signature.sha256}"`);

    const shown = (await (await get(server, '/decision/signature')).json()) as {
      recorded: { sha256: string };
      verification: { verdict: string };
    };
    expect(shown.recorded.sha256).toBe(body.signature.sha256);
    expect(shown.verification.verdict).toBe('valid');

    const verify = (await (await get(server, '/verify')).json()) as {
      ok: boolean;
      signedDecisions: { ok: boolean; checked: number; decisions: { verdict?: string }[] };
    };
    expect(verify.ok).toBe(true);
    expect(verify.signedDecisions).toMatchObject({ ok: true, checked: 1, decisions: [{ verdict: 'valid' }] });

    // The audit bundle carries the signed file under its hash, and verifies offline with it.
    const auditor = { id: 'auditor-06', role: 'auditor' as const, unit: '06' };
    const bundle = await fetch(`${server.url}/dossiers/${cursor.dossierId}/audit-bundle`, {
      headers: await authorised(server, auditor),
    });
    expect(bundle.status).toBe(200);
    const archive = Buffer.from(await bundle.arrayBuffer());
    const files = await unpackTar(archive);
    expect(
      createHash('sha256')
        .update(files.get(`documents/${body.signature.sha256}`)!)
        .digest('hex'),
    ).toBe(body.signature.sha256);
    const bundleReport = await verifyBundle(archive);
    expect(bundleReport.failures).toEqual([]);
    expect(bundleReport.documents?.included).toBeGreaterThanOrEqual(1);
  });

  it('signs a decision once', async () => {
    const twice = await sign(server);
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as { code: string }).code).toBe('DECISION_ALREADY_SIGNED');
  });

  it('refuses a stored file altered behind the log’s back, and verify names it', async () => {
    const { recorded } = (await (await get(server, '/decision/signature')).json()) as {
      recorded: { sha256: string };
    };
    const h = recorded.sha256;
    const file = join(server.blobRoot, 'objects', h.slice(0, 2), h.slice(2, 4), h);
    const original = await readFile(file);
    const tampered = Buffer.from(original);
    // A byte of the signed content, the same size: only the hash (and the signature) can tell.
    const at = tampered.indexOf('QUY', 0, 'latin1');
    const i = at > 0 ? at : 100;
    tampered[i] = tampered[i]! ^ 0x01;
    // The blob store keeps its objects read-only; the test plays the intruder who does not care.
    await rm(file);
    await writeFile(file, tampered);
    try {
      const served = await get(server, '/decision.pdf');
      expect(served.status).toBe(500);
      expect(await served.json()).toMatchObject({ code: 'SIGNED_DECISION_ALTERED', problem: 'hash' });
      const verify = (await (await get(server, '/verify')).json()) as {
        ok: boolean;
        signedDecisions: { ok: boolean; decisions: { problem?: string }[] };
      };
      expect(verify.ok).toBe(false);
      expect(verify.signedDecisions.decisions[0]?.problem).toBe('hash');
      // OpenSSL refuses the tampered bytes on its own too.
      expect((await opensslVerifies(tampered, 'tampered')).status).not.toBe(0);
    } finally {
      await rm(file);
      await writeFile(file, original);
    }
    expect((await get(server, '/decision.pdf')).status).toBe(200);
  });
});
