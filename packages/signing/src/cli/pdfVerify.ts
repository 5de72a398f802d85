/**
 * `pnpm run pdf:verify -- file.pdf [--json]`: verifies every signature of a PDF against the configured trust
 * anchors and prints one verdict line per signature and an overall verdict (or the report as JSON).
 * Exit 0 valid, 1 invalid, untrusted or unsigned, 2 usage.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
// Only the config module: the runtime's index would load every store adapter for a file operation.
import { loadConfig } from '@ntm/runtime/config';
import { openSigner } from '../openSigner.js';
import { verifyPdf, type VerificationReport } from '../verifyPdf.js';
import { cliArguments } from './arguments.js';

const args = cliArguments();
const json = args.includes('--json');
const [file] = args.filter((a) => a !== '--json');
if (!file) {
  console.error('usage: pnpm run pdf:verify -- file.pdf [--json]');
  process.exit(2);
}
try {
  const trustAnchors = await (await openSigner(loadConfig())).trustAnchors();
  const report = await verifyPdf(await readFile(resolve(file)), { trustAnchors });
  console.log(json ? JSON.stringify(report) : describe(file, report));
  process.exit(report.verdict === 'valid' ? 0 : 1);
} catch (error) {
  console.error(`not verified: ${(error as Error).message}`);
  process.exit(1);
}

function describe(file: string, report: VerificationReport): string {
  const lines = report.signatures.map(
    (s, i) =>
      `signature ${i + 1}: ${s.verdict.toUpperCase()} signer "${s.signer ?? '?'}" (issuer "${s.issuer ?? '?'}")` +
      `${s.signingTime ? ` at ${s.signingTime}` : ''}${s.problems.length ? `: ${s.problems.join('; ')}` : ''}`,
  );
  lines.push(`${file}: ${report.verdict.toUpperCase()} (sha256 ${report.sha256})`);
  lines.push(`not checked: ${report.notChecked.join('; ')}`);
  return lines.join('\n');
}
