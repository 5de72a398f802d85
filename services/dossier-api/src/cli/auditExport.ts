/**
 * `pnpm audit:export -- <dossierId> [--out file.tar]`: writes a dossier's signed audit bundle from the configured
 * store, signed by the configured audit key (see docs/audit.md). With the embedded store the API must be stopped
 * (PGlite opens its folder in one process); while it runs, use `GET /dossiers/{id}/audit-bundle`.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { exportBundle } from '@ntm/audit';
import { dossierStreamId } from '@ntm/event-store';
import { loadConfig, openAuditSigner, openInfrastructure } from '@ntm/runtime';
import { DOSSIER_ID } from '../dossier.js';

const USAGE = 'usage: pnpm audit:export -- <dossierId> [--out <file.tar>]';

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
  const { values, positionals } = parseArgs({
    args,
    options: { dossier: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const dossierId = values.dossier ?? positionals[0];
  if (dossierId === undefined || !DOSSIER_ID.test(dossierId)) {
    process.stderr.write(`missing or malformed dossier id\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const signer = await openAuditSigner(config);
  const infra = await openInfrastructure(config, { applicationName: 'ntm-audit-export' });
  try {
    const events = await infra.store.readStream(dossierStreamId(dossierId));
    if (events.length === 0) {
      process.stderr.write(`dossier ${dossierId} has no events\n`);
      return 1;
    }
    const out = values.out ?? `dossier-${dossierId}.audit.tar`;
    await writeFile(out, await exportBundle({ dossierId, events, signer, exportedAt: new Date() }));
    process.stdout.write(`${out}: ${events.length} events, signed by ${signer.kid}\n`);
    return 0;
  } finally {
    await infra.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
