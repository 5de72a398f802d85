// The signer's adapters against real things: key files on disk, an HTTP signing service on loopback, OpenSSL as
// an independent verifier of the CMS, and the two CLI commands as processes.
import { execFileSync, spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf, startSigningServer, type SigningServer } from '../test/support/index.js';
import { DEV_CA, ensureDevSigningKeys, issueCertificate, type DevSigningKeys } from './devKeys.js';
import { openSigner } from './openSigner.js';
import { RemoteSignerError, remoteSigningKey } from './remoteSigner.js';
import { signPdf } from './signPdf.js';
import { verifyPdf } from './verifyPdf.js';

let dir: string;
let dev: DevSigningKeys;
let pdf: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntm-signing-'));
  dev = await ensureDevSigningKeys(join(dir, 'keys'));
  pdf = await samplePdf();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The CMS and the bytes it signs, cut out of a signed PDF by its /ByteRange, as files for OpenSSL. */
async function extractForOpenssl(signed: Buffer, name: string) {
  const [b, c, d] = /\/ByteRange \[0 (\d+) (\d+) (\d+)\]/
    .exec(signed.toString('latin1'))!
    .slice(1)
    .map(Number) as [number, number, number];
  // The hex string is the DER padded with zeros: cut it at the length its header gives (30 82 hi lo).
  const padded = Buffer.from(signed.subarray(b + 1, c - 1).toString('latin1'), 'hex');
  expect(padded.subarray(0, 2).toString('hex')).toBe('3082');
  const der = padded.subarray(0, 4 + padded.readUInt16BE(2));
  const cms = join(dir, `${name}.p7s`);
  const content = join(dir, `${name}.bin`);
  await writeFile(cms, der);
  await writeFile(content, Buffer.concat([signed.subarray(0, b), signed.subarray(c, c + d)]));
  return { cms, content };
}

const opensslVerify = (cms: string, content: string, caFile: string) =>
  spawnSync(
    'openssl',
    [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      cms,
      '-content',
      content,
      '-CAfile',
      caFile,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ],
    {
      encoding: 'utf8',
    },
  );

describe('the development signer', () => {
  it('is generated once: the same certificate on every later open, even when opened concurrently', async () => {
    const again = await Promise.all([1, 2, 3].map(() => ensureDevSigningKeys(join(dir, 'keys'))));
    const first = await dev.key.certificates();
    for (const keys of again)
      expect(Buffer.from((await keys.key.certificates())[0]!).equals(Buffer.from(first[0]!))).toBe(true);
    const fresh = join(dir, 'fresh');
    const racing = await Promise.all([1, 2, 3, 4].map(() => ensureDevSigningKeys(fresh)));
    const leaves = await Promise.all(
      racing.map(async (k) => Buffer.from((await k.key.certificates())[0]!).toString('hex')),
    );
    expect(new Set(leaves).size).toBe(1);
    expect((await stat(join(fresh, 'signing.pem'))).mode & 0o777).toBe(0o600);
  });

  it('makes signatures that OpenSSL verifies on its own against the development CA, and refuses when tampered', async () => {
    const signed = await signPdf(pdf, dev.key, { reason: 'Ký số', location: 'Thái Nguyên' });
    const { cms, content } = await extractForOpenssl(signed, 'good');
    const good = opensslVerify(cms, content, dev.trustAnchorFile);
    expect(good.stderr).toContain('Verification successful');
    expect(good.status).toBe(0);

    const bytes = await readFile(content);
    bytes[10] = bytes[10]! ^ 0x01;
    await writeFile(content, bytes);
    const bad = opensslVerify(cms, content, dev.trustAnchorFile);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/digest failure|verification failure/i);
  });

  it('gives every certificate a serial number that OpenSSL reads, whatever the random bytes it is made from', async () => {
    const key = await webcrypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      false,
      ['sign', 'verify'],
    );
    // 00 12…: kept as it was, a non-minimal INTEGER that OpenSSL refused ("illegal padding"), one serial in 256.
    // 80…, ff…: negative unless changed.
    for (const first of [
      [0x00, 0x12],
      [0x00, 0x92],
      [0x80, 0x00],
      [0xff, 0xff],
      [0x7f, 0x00],
    ]) {
      const serialBytes = Uint8Array.from([...first, ...new Uint8Array(14).fill(0x5a)]);
      const der = await issueCertificate({
        subject: DEV_CA,
        issuer: DEV_CA,
        publicKey: key.publicKey,
        issuerKey: key.privateKey,
        ca: true,
        notBefore: new Date('2020-01-01T00:00:00Z'),
        notAfter: new Date('2030-01-01T00:00:00Z'),
        serialBytes,
      });
      const file = join(dir, `serial-${first.join('-')}.der`);
      await writeFile(file, der);
      const read = spawnSync('openssl', ['x509', '-inform', 'DER', '-in', file, '-noout', '-serial'], {
        encoding: 'utf8',
      });
      expect(read.stderr, JSON.stringify(first)).toBe('');
      expect(read.status).toBe(0);
      // A positive serial of the 16 bytes, the first between 0x40 and 0x7f.
      expect(read.stdout.trim()).toMatch(/^serial=[4-7][0-9A-F]{31}$/);
    }
  });
});

describe('the remote signer', () => {
  const token = 'remote-token-for-the-test-only';
  let server: SigningServer;
  beforeAll(async () => {
    server = await startSigningServer(dev.key, token);
  });
  afterAll(() => server.close());

  it('signs through an HTTP signing service that sees only the digest, and the result verifies', async () => {
    const before = server.signed;
    const key = remoteSigningKey({ url: server.url, token });
    const signed = await signPdf(pdf, key, { name: 'Văn phòng điều phối nông thôn mới' });
    expect(server.signed).toBe(before + 1);
    const report = await verifyPdf(signed, { trustAnchors: [dev.trustAnchor] });
    expect(report.verdict).toBe('valid');
    expect(report.signatures[0]?.name).toBe('Văn phòng điều phối nông thôn mới');
  });

  it('fails with a RemoteSignerError and signs nothing when the credential is refused or the service is gone', async () => {
    const before = server.signed;
    await expect(signPdf(pdf, remoteSigningKey({ url: server.url, token: 'wrong' }))).rejects.toThrow(
      RemoteSignerError,
    );
    await expect(signPdf(pdf, remoteSigningKey({ url: 'http://127.0.0.1:9', token }))).rejects.toThrow(
      RemoteSignerError,
    );
    expect(server.signed).toBe(before);
  });

  it('is what openSigner gives for SIGNER=remote, with the configured trust anchors', async () => {
    const opened = await openSigner({
      DATA_DIR: dir,
      SIGNER: 'remote',
      SIGNER_REMOTE_URL: server.url,
      SIGNER_REMOTE_TOKEN: token,
      SIGNER_REMOTE_TIMEOUT_MS: 5000,
      SIGNER_TRUST_ANCHORS: dev.trustAnchorFile,
    });
    const signed = await signPdf(pdf, opened.key!);
    expect((await verifyPdf(signed, { trustAnchors: await opened.trustAnchors() })).verdict).toBe('valid');
  });
});

describe('pnpm run pdf:sign and pdf:verify', () => {
  const runTs = fileURLToPath(new URL('../../testing/scripts/run-ts.mjs', import.meta.url));
  const cli = (name: string, args: string[]) =>
    spawnSync(
      process.execPath,
      [runTs, fileURLToPath(new URL(`./cli/${name}.ts`, import.meta.url)), ...args],
      {
        encoding: 'utf8',
        env: { ...process.env, DATA_DIR: dir, SIGNER: 'dev', INIT_CWD: dir },
      },
    );

  it('signs a file with the development signer and prints a VALID verdict; a tampered copy is INVALID', async () => {
    await writeFile(join(dir, 'in.pdf'), pdf);
    const sign = cli('pdfSign', ['--', 'in.pdf', 'out.pdf']);
    expect(sign.stderr).toBe('');
    expect(sign.status).toBe(0);
    expect(sign.stdout).toMatch(/signed by the development signer: .*out\.pdf sha256=[0-9a-f]{64}/);

    const ok = cli('pdfVerify', ['out.pdf']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/signature 1: VALID signer "Development signer/);
    expect(ok.stdout).toMatch(/out\.pdf: VALID/);

    const bytes = await readFile(join(dir, 'out.pdf'));
    bytes[200] = bytes[200]! ^ 0x01;
    await writeFile(join(dir, 'tampered.pdf'), bytes);
    const bad = cli('pdfVerify', ['tampered.pdf']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/tampered\.pdf: INVALID/);

    expect(cli('pdfVerify', []).status).toBe(2);
  });
});

// OpenSSL is the independent verifier above; make its absence an explicit failure, not a confusing one.
execFileSync('openssl', ['version']);
