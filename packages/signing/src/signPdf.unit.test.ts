import { beforeAll, describe, expect, it } from 'vitest';
import { samplePdf } from '../test/support/index.js';
import { devSigningKeyFromBundle, generateDevSigningBundle } from './devKeys.js';
import type { SigningKey } from './key.js';
import { signPdf } from './signPdf.js';
import { verifyPdf } from './verifyPdf.js';

const now = new Date(Date.UTC(2026, 11, 3, 8, 0, 0));
let key: SigningKey;
let anchor: Uint8Array;
let otherAnchor: Uint8Array;
let pdf: Buffer;
let signed: Buffer;

beforeAll(async () => {
  ({ key, trustAnchor: anchor } = devSigningKeyFromBundle(await generateDevSigningBundle(now)));
  ({ trustAnchor: otherAnchor } = devSigningKeyFromBundle(await generateDevSigningBundle(now)));
  pdf = await samplePdf();
  signed = await signPdf(pdf, key, {
    name: 'Chủ tịch Ủy ban nhân dân tỉnh Thái Nguyên',
    reason: 'Quyết định công nhận xã đạt chuẩn nông thôn mới',
    location: 'Thái Nguyên',
    signingTime: now,
  });
});

const verify = (bytes: Uint8Array, anchors = [anchor]) =>
  verifyPdf(bytes, { trustAnchors: anchors, at: now });

describe('signPdf and verifyPdf', () => {
  it('signs a PDF so that it verifies: whole file covered, digest, signature, chain, signer and time reported', async () => {
    const report = await verify(signed);
    expect(report.verdict).toBe('valid');
    expect(report.signatures).toHaveLength(1);
    expect(report.signatures[0]).toMatchObject({
      verdict: 'valid',
      coversWholeFile: true,
      digestMatches: true,
      signatureVerified: true,
      chainTrusted: true,
      subFilter: 'ETSI.CAdES.detached',
      signer: 'Development signer (not a public-duty certificate), NTM dossier engine (development)',
      issuer: 'NTM development signing CA, NTM dossier engine (development)',
      name: 'Chủ tịch Ủy ban nhân dân tỉnh Thái Nguyên',
      reason: 'Quyết định công nhận xã đạt chuẩn nông thôn mới',
      location: 'Thái Nguyên',
      signingTime: now.toISOString(),
      problems: [],
    });
    expect(report.notChecked.join(' ')).toMatch(/revocation.*timestamp/);
    // The original content is still there: signing is an incremental update.
    expect(signed.subarray(0, pdf.length - 1).equals(pdf.subarray(0, pdf.length - 1))).toBe(true);
  });

  it('finds a PDF that was never signed unsigned', async () => {
    expect((await verify(pdf)).verdict).toBe('unsigned');
  });

  it('refuses a signed PDF with any one byte changed, in the content, the signature dictionary or the signature itself', async () => {
    const text = signed.toString('latin1');
    const positions = {
      first: 0,
      content: Math.floor(pdf.length / 2),
      signingTime: text.indexOf('/M (D:') + 8,
      signature: text.lastIndexOf('/Contents <') + 200,
      last: signed.length - 2,
    };
    for (const [where, at] of Object.entries(positions)) {
      const tampered = Buffer.from(signed);
      tampered[at] = tampered[at] === 0x30 ? 0x31 : 0x30;
      const report = await verify(tampered);
      expect(report.verdict, where).toBe('invalid');
      expect(report.signatures[0]?.problems.length, where).toBeGreaterThan(0);
    }
  });

  it('refuses bytes appended after the signature (an update no signature covers)', async () => {
    const appended = Buffer.concat([signed, Buffer.from('\n1 0 obj\n<< /Evil true >>\nendobj\n')]);
    const report = await verify(appended);
    expect(report.verdict).toBe('invalid');
    expect(report.signatures[0]).toMatchObject({ coversWholeFile: false, digestMatches: true });
  });

  it('refuses a byte range that leaves out more than the signature', async () => {
    const text = signed.toString('latin1');
    const match = /\/ByteRange \[0 (\d+) (\d+) (\d+)\]/.exec(text)!;
    const [b, c, d] = match.slice(1).map(Number) as [number, number, number];
    // Skip 10 more bytes after the signature, keeping the same length so nothing else moves.
    const forged = `/ByteRange [0 ${b} ${c + 10} ${d - 10}]`.padEnd(match[0].length, ' ');
    const tampered = Buffer.from(text.replace(match[0], forged.slice(0, match[0].length)), 'latin1');
    expect((await verify(tampered)).verdict).toBe('invalid');
  });

  it('finds a signature whose certificate does not chain to the configured anchors untrusted, not valid', async () => {
    const wrong = await verify(signed, [otherAnchor]);
    expect(wrong.verdict).toBe('untrusted');
    expect(wrong.signatures[0]).toMatchObject({
      digestMatches: true,
      signatureVerified: true,
      chainTrusted: false,
    });
    const none = await verify(signed, []);
    expect(none.verdict).toBe('untrusted');
    expect(none.signatures[0]?.problems).toContain('no trust anchor is configured');
  });

  it('finds a certificate outside its validity at the verification time untrusted', async () => {
    for (const at of [new Date(Date.UTC(2040, 0, 1)), new Date(Date.UTC(2019, 11, 31))]) {
      const report = await verifyPdf(signed, { trustAnchors: [anchor], at });
      expect(report.verdict, at.toISOString()).toBe('untrusted');
    }
    // Development certificates hold from 2020, so decisions dated in the past (injected clocks) verify.
    expect(
      (await verifyPdf(signed, { trustAnchors: [anchor], at: new Date(Date.UTC(2024, 3, 1)) })).verdict,
    ).toBe('valid');
  });

  it('verifies a document signed twice (two signers), each signature covering what existed when it was made', async () => {
    const { key: second, trustAnchor: secondAnchor } = devSigningKeyFromBundle(
      await generateDevSigningBundle(now),
    );
    const twice = await signPdf(signed, second, {
      name: 'Ủy ban nhân dân tỉnh Thái Nguyên',
      signingTime: now,
    });
    const report = await verify(twice, [anchor, secondAnchor]);
    expect(report.signatures.map((s) => [s.verdict, s.coversWholeFile])).toEqual([
      ['valid', false],
      ['valid', true],
    ]);
    expect(report.verdict).toBe('valid');
  });
});
