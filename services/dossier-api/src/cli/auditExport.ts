/**
 * `pnpm audit:export -- <dossierId> [--out file.tar]`: writes a dossier's signed audit bundle from the configured
 * store, signed by the configured audit key (see docs/audit.md). With the embedded store the API must be stopped
 * (PGlite opens its folder in one process); while it runs, use `GET /dossiers/{id}/audit-bundle`.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { blobReader, exportBundle } from '@ntm/audit';
import { dossierStreamId } from '@ntm/event-store';
import { openAuditSigner } from '@ntm/runtime';
import { runCli } from './runCli.js';
import { DOSSIER_ID } from '../dossier.js';

const USAGE = 'usage: pnpm audit:export -- <dossierId> [--out <file.tar>]';

runCli(
  'ntm-audit-export',
  async ({ args, config, infra }) => {
    const { values, positionals } = parseArgs({
      args,
      options: { dossier: { type: 'string' }, out: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const dossierId = values.dossier ?? positionals[0];
    if (dossierId === undefined || !DOSSIER_ID.test(dossierId))
      throw new Error('missing or malformed dossier id');
    const signer = await openAuditSigner(config);
    const events = await infra.store.readStream(dossierStreamId(dossierId));
    if (events.length === 0) {
      process.stderr.write(`dossier ${dossierId} has no events\n`);
      return 1;
    }
    const out = values.out ?? `dossier-${dossierId}.audit.tar`;
    const bundle = await exportBundle({
      dossierId,
      events,
      signer,
      exportedAt: new Date(),
      readDocument: blobReader(infra.blobs),
    });
    await writeFile(out, bundle);
    process.stdout.write(`${out}: ${events.length} events, signed by ${signer.kid}\n`);
    return 0;
  },
  { usage: USAGE, failCode: 2 },
);
