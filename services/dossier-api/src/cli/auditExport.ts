/**
 * `pnpm audit:export -- <dossierId> [--out file.tar]`: writes a dossier's signed audit bundle;
 * `pnpm audit:export -- --unit <code> --from <yyyy-mm-dd> --to <yyyy-mm-dd> [--out file.tar]`: one signed bundle of
 * every dossier about a unit (commune, district or province code) whose history overlaps the period, each dossier's
 * own bundle inside. From the configured store, signed by the configured audit key (see docs/audit.md). With the
 * embedded store the API must be stopped (PGlite opens its folder in one process); while it runs, use
 * `GET /dossiers/{id}/audit-bundle`.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { blobReader, exportBundle, exportUnitBundle } from '@ntm/audit';
import { dossierStreamId } from '@ntm/event-store';
import { openAuditSigner } from '@ntm/runtime';
import { runCli } from './runCli.js';
import { DOSSIER_ID } from '../dossier.js';

const USAGE =
  'usage: pnpm audit:export -- <dossierId> [--out <file.tar>]\n' +
  '       pnpm audit:export -- --unit <code> --from <yyyy-mm-dd> --to <yyyy-mm-dd> [--out <file.tar>]';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

runCli(
  'ntm-audit-export',
  async ({ args, config, infra }) => {
    const { values, positionals } = parseArgs({
      args,
      options: {
        dossier: { type: 'string' },
        unit: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.unit !== undefined) {
      const { unit, from, to } = values;
      if (!/^\d{2,5}$/.test(unit)) throw new Error('--unit is an official unit code (2, 3 or 5 digits)');
      if (from === undefined || to === undefined || !ISO_DATE.test(from) || !ISO_DATE.test(to) || from > to)
        throw new Error('--from and --to are dates (yyyy-mm-dd), --from not after --to');
      const signer = await openAuditSigner(config);
      const { bundle, dossiers } = await exportUnitBundle({
        unit,
        from,
        to,
        store: infra.store,
        signer,
        exportedAt: new Date(),
        readDocument: blobReader(infra.blobs),
        onDossier: (done, total) => process.stderr.write(`${done}/${total} dossiers\n`),
      });
      const out = values.out ?? `unit-${unit}-${from}-${to}.audit.tar`;
      await writeFile(out, bundle);
      process.stdout.write(`${out}: ${dossiers} dossiers of unit ${unit}, signed by ${signer.kid}\n`);
      return 0;
    }
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
