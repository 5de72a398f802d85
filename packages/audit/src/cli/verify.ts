/**
 * `pnpm audit:verify -- <bundle.tar> [--keys ntm-audit-keys.json] [--json]` (a dossier's bundle or a unit's), and
 * the one-file offline verifier
 * `node ntm-audit-verify.mjs <bundle.tar> --keys <keys.json>` (this file bundled by esbuild): needs no server and
 * no database. Exit 0 verified, 1 not verified (each failure named), 2 bad usage.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { PublishedKeys } from '../keys.js';
import { verifyBundle } from '../verifyBundle.js';
import { formatReport } from '../formatReport.js';
import { formatUnitReport, isUnitBundle, verifyUnitBundle } from '../unitBundle.js';

const USAGE = 'usage: ntm-audit-verify <bundle.tar> [--keys <ntm-audit-keys.json>] [--json]';

async function main(): Promise<number> {
  // pnpm forwards a literal "--" before the script's own arguments.
  const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
  const { values, positionals } = parseArgs({
    args,
    options: { keys: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const trustedKeys = values.keys
    ? (JSON.parse(await readFile(values.keys, 'utf8')) as PublishedKeys)
    : undefined;
  const archive = await readFile(path);
  // A unit bundle (`audit:export -- --unit`) holds dossier bundles: each is verified with the same keys.
  if (await isUnitBundle(archive)) {
    const report = await verifyUnitBundle(archive, { trustedKeys });
    process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatUnitReport(report));
    return report.ok ? 0 : 1;
  }
  const report = await verifyBundle(archive, { trustedKeys });
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatReport(report));
  return report.ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exitCode = 2;
  },
);
