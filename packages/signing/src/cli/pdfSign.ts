/**
 * `pnpm run pdf:sign -- in.pdf out.pdf`: signs a PDF with the configured signer (SIGNER, see docs/api.md) and
 * prints the signed file's SHA-256. Exit 0 signed, 1 failed, 2 usage or SIGNER=none.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
// Only the config module: the runtime's index would load every store adapter for a file operation.
import { loadConfig } from '@ntm/runtime/config';
import { openSigner } from '../openSigner.js';
import { sha256 } from '../pki.js';
import { signPdf } from '../signPdf.js';
import { cliArguments } from './arguments.js';

const [input, output] = cliArguments();
if (!input || !output) {
  console.error('usage: pnpm run pdf:sign -- in.pdf out.pdf');
  process.exit(2);
}
try {
  const signer = await openSigner(loadConfig());
  if (!signer.key) {
    console.error('SIGNER=none: no signer is configured');
    process.exit(2);
  }
  const signed = await signPdf(await readFile(resolve(input)), signer.key);
  await writeFile(resolve(output), signed);
  console.log(`signed by the ${signer.key.description}: ${output} sha256=${sha256(signed).toString('hex')}`);
} catch (error) {
  console.error(`not signed: ${(error as Error).message}`);
  process.exit(1);
}
