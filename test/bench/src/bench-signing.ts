/**
 * `pnpm bench:signing`: the time to generate a one-page A4 decision-like PDF with pdfkit and sign it (PAdES, CMS
 * with the development key: placeholder, byte range, signed attributes, RSA-2048), each timed per document; in the
 * same run, the baseline is a plain SHA-256 + RSA-2048 PKCS#1 v1.5 signature (`crypto.sign`) of the same PDF
 * bytes, and the verification time is measured too. Goal (issue 12): generation + signing p99 < 300 ms.
 * Human lines first, then one JSON line. BENCH_DOCS sets the number of documents (default 300).
 */
import { generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import PDFDocument from 'pdfkit';
import { devSigningKeyFromBundle, generateDevSigningBundle, signPdf, verifyPdf } from '@ntm/signing';

const DOCS = Number(process.env['BENCH_DOCS'] ?? 300);
const WARM_UP = 20;
const GOAL_P99_MS = 300;

function decisionPdf(n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margins: { top: 57, bottom: 57, left: 85, right: 57 } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    // Standard fonts are Latin-1 only, so the text is ASCII; the documents package embeds Times New Roman.
    doc.fontSize(13).text('UY BAN NHAN DAN TINH THAI NGUYEN', { align: 'left' });
    doc.text('CONG HOA XA HOI CHU NGHIA VIET NAM', { align: 'right' });
    doc.text(`So: ${n}/QD-UBND`).moveDown();
    doc.fontSize(14).text('QUYET DINH', { align: 'center' });
    doc
      .fontSize(13)
      .text('Ve viec cong nhan xa dat chuan nong thon moi nam 2026', { align: 'center' })
      .moveDown();
    for (let i = 1; i <= 12; i += 1) {
      doc.text(
        `Dieu ${i}. Cong nhan xa ${n}-${i} dat chuan nong thon moi nam 2026 theo Bo tieu chi quoc gia.`,
      );
    }
    doc.moveDown().text('CHU TICH', { align: 'right' });
    doc.end();
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]!),
  };
};

const { key, trustAnchor } = devSigningKeyFromBundle(await generateDevSigningBundle(new Date()));
const baselineKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const timings = {
  generate: [] as number[],
  sign: [] as number[],
  total: [] as number[],
  baseline: [] as number[],
  verify: [] as number[],
};
let signedBytes = 0;

for (let i = 0; i < WARM_UP + DOCS; i += 1) {
  const t0 = performance.now();
  const pdf = await decisionPdf(i + 1);
  const t1 = performance.now();
  const signed = await signPdf(pdf, key, {
    name: 'Chu tich UBND tinh',
    reason: 'Quyet dinh',
    location: 'Thai Nguyen',
  });
  const t2 = performance.now();
  rsaSign('sha256', pdf, baselineKey);
  const t3 = performance.now();
  const report = await verifyPdf(signed, { trustAnchors: [trustAnchor] });
  const t4 = performance.now();
  if (report.verdict !== 'valid') throw new Error(`document ${i}: ${report.verdict}`);
  if (i < WARM_UP) continue;
  timings.generate.push(t1 - t0);
  timings.sign.push(t2 - t1);
  timings.total.push(t2 - t0);
  timings.baseline.push(t3 - t2);
  timings.verify.push(t4 - t3);
  signedBytes += signed.length;
  if ((i - WARM_UP + 1) % 100 === 0) console.error(`${i - WARM_UP + 1}/${DOCS} documents`);
}

const result = {
  bench: 'signing',
  documents: DOCS,
  meanSignedBytes: Math.round(signedBytes / DOCS),
  generateMs: summary(timings.generate),
  signMs: summary(timings.sign),
  generatePlusSignMs: summary(timings.total),
  baselineSha256RsaSignMs: summary(timings.baseline),
  verifyMs: summary(timings.verify),
  signOverBaselineP50: Math.round((summary(timings.sign).p50 / summary(timings.baseline).p50) * 100) / 100,
  goalP99Ms: GOAL_P99_MS,
  met: summary(timings.total).p99 < GOAL_P99_MS,
};
console.log(
  `generate + sign: p50 ${result.generatePlusSignMs.p50} ms, p99 ${result.generatePlusSignMs.p99} ms (goal p99 < ${GOAL_P99_MS} ms); ` +
    `sign alone p50 ${result.signMs.p50} ms vs plain SHA-256 + RSA sign p50 ${result.baselineSha256RsaSignMs.p50} ms ` +
    `(${result.signOverBaselineP50}x); verify p50 ${result.verifyMs.p50} ms`,
);
console.log(JSON.stringify(result));
