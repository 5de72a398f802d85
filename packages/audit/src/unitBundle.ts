/**
 * A unit bundle: every dossier about an administrative unit whose history overlaps a period, as one signed tar. It
 * holds each dossier's own signed bundle whole (`dossiers/<id>.audit.tar`, verifiable alone), the keys, and a
 * manifest naming the unit, the period, the selection rule, the log's head position at export and every dossier
 * with its file's SHA-256, itself signed like a dossier manifest. The verifier checks the unit manifest's signature
 * and hashes, then each dossier bundle with the same keys.
 */
import { canonicalJson, type EventStore, type RecordedEvent } from '@ntm/event-store';
import { exportBundle } from './exportBundle.js';
import { FILES, jsonBytes, sha256Hex, type ManifestFile } from './format.js';
import { signDetached, verifyDetached } from './jws.js';
import type { AuditSigner, PublishedKey, PublishedKeys } from './keys.js';
import { packTar, unpackTar } from './tar.js';
import { signedByLine } from './formatReport.js';
import {
  checkListedFiles,
  verifyBundle,
  type BundleReport,
  type Failure,
  type VerifyOptions,
} from './verifyBundle.js';

export const UNIT_BUNDLE_FORMAT = 'ntm-audit-unit-bundle/1';
const UNIT_MANIFEST_TYP = 'ntm-audit-unit-manifest+jws';

/** How dossiers are chosen, in words, so that the signed manifest says what "the unit's dossiers" meant. */
export const UNIT_SELECTION =
  'every dossier whose opening scope names the unit (as the unit, its commune, district or province) and whose ' +
  'events, by occurredAt as a date in Vietnam, fall at least once within [from, to]; each dossier whole';

export interface UnitManifest {
  format: typeof UNIT_BUNDLE_FORMAT;
  unit: string;
  from: string;
  to: string;
  selection: string;
  exportedAt: string;
  /** the log's head position when the dossiers were selected: events after it are not looked at */
  logPosition: string;
  dossiers: { dossierId: string; file: string; events: number; headHash: string }[];
  files: ManifestFile[];
}

const dossierFile = (dossierId: string) => `dossiers/${dossierId}.audit.tar`;
const vietnamDay = (instant: string) =>
  new Date(Date.parse(instant) + 7 * 3_600_000).toISOString().slice(0, 10);

/**
 * The ids of the dossiers a unit bundle holds, in log order of their opening: one pass over the global log up to
 * its head now (a dossier's scope is on its first event; its dates on every event).
 */
export async function selectUnitDossiers(
  store: EventStore,
  selection: { unit: string; from: string; to: string },
): Promise<{ dossierIds: string[]; logPosition: bigint }> {
  const head = await store.headPosition();
  const candidates = new Map<string, boolean>();
  let after = 0n;
  for (;;) {
    const page = await store.readAll({ after, limit: 5_000 });
    for (const e of page.events) {
      if (e.position > head) break;
      if (!e.streamId.startsWith('dossier-')) continue;
      if (e.revision === 0n && e.type === 'DossierOpened') {
        const scope = (e.data as { scope?: Record<string, unknown> }).scope ?? {};
        const names = [scope['unitCode'], scope['communeCode'], scope['districtCode'], scope['provinceCode']];
        if (names.includes(selection.unit)) candidates.set(e.streamId, false);
      }
      if (candidates.get(e.streamId) === false) {
        const day = vietnamDay(e.metadata.occurredAt);
        if (day >= selection.from && day <= selection.to) candidates.set(e.streamId, true);
      }
    }
    if (page.isEnd || page.events.length === 0 || page.nextAfter >= head) break;
    after = page.nextAfter;
  }
  return {
    dossierIds: [...candidates].filter(([, inPeriod]) => inPeriod).map(([id]) => id.slice('dossier-'.length)),
    logPosition: head,
  };
}

export interface UnitExportOptions {
  unit: string;
  from: string;
  to: string;
  store: EventStore;
  signer: AuditSigner;
  exportedAt: Date;
  readDocument?: ((sha256: string) => Promise<Uint8Array | undefined>) | undefined;
  onDossier?: ((done: number, total: number) => void) | undefined;
}

/** Exports the unit bundle (see the module comment); a period with no dossier gives a signed empty list. */
export async function exportUnitBundle(
  options: UnitExportOptions,
): Promise<{ bundle: Buffer; dossiers: number }> {
  const { dossierIds, logPosition } = await selectUnitDossiers(options.store, options);
  const content = new Map<string, Buffer>([[FILES.keys, jsonBytes(options.signer.published)]]);
  const dossiers: UnitManifest['dossiers'] = [];
  for (const dossierId of dossierIds) {
    const events: RecordedEvent[] = (await options.store.readStream(`dossier-${dossierId}`)).filter(
      (e) => e.position <= logPosition,
    );
    const bundle = await exportBundle({
      dossierId,
      events,
      signer: options.signer,
      exportedAt: options.exportedAt,
      readDocument: options.readDocument,
    });
    content.set(dossierFile(dossierId), bundle);
    dossiers.push({
      dossierId,
      file: dossierFile(dossierId),
      events: events.length,
      headHash: events.at(-1)!.hash,
    });
    options.onDossier?.(dossiers.length, dossierIds.length);
  }
  const manifest: UnitManifest = {
    format: UNIT_BUNDLE_FORMAT,
    unit: options.unit,
    from: options.from,
    to: options.to,
    selection: UNIT_SELECTION,
    exportedAt: options.exportedAt.toISOString(),
    logPosition: logPosition.toString(),
    dossiers,
    files: [...content].map(([name, bytes]) => ({ name, sha256: sha256Hex(bytes), bytes: bytes.length })),
  };
  const manifestBytes = jsonBytes(manifest);
  const signature = await signDetached(options.signer, manifestBytes, UNIT_MANIFEST_TYP);
  const bundle = await packTar(
    new Map([
      [FILES.manifest, manifestBytes],
      [FILES.signature, Buffer.from(`${signature}\n`, 'utf8')],
      ...content,
    ]),
    options.exportedAt,
  );
  return { bundle, dossiers: dossiers.length };
}

export interface UnitBundleReport {
  ok: boolean;
  unit?: string;
  from?: string;
  to?: string;
  exportedAt?: string;
  signedBy?: { kid: string; trust: 'given' | 'bundle-only' };
  /** each dossier's own report */
  dossiers: (BundleReport & { dossierId: string })[];
  checks: { name: 'archive' | 'manifest' | 'signature' | 'files' | 'dossiers'; ok: boolean }[];
  /** the unit manifest's failures, then every dossier's (with its stream) */
  failures: Failure[];
}

/** True when `archive` is a unit bundle (its manifest says so); false for anything else. */
export async function isUnitBundle(archive: Uint8Array): Promise<boolean> {
  try {
    const manifest = (await unpackTar(archive)).get(FILES.manifest);
    return (
      (JSON.parse(manifest?.toString('utf8') ?? '{}') as { format?: string }).format === UNIT_BUNDLE_FORMAT
    );
  } catch {
    return false;
  }
}

/** Verifies a unit bundle; never throws for a bad one: every problem is a named failure. */
export async function verifyUnitBundle(
  archive: Uint8Array,
  options: VerifyOptions = {},
): Promise<UnitBundleReport> {
  const failures: Failure[] = [];
  const fail = (f: Failure) => failures.push(f);
  const reports: UnitBundleReport['dossiers'] = [];
  const report = (extra: Partial<UnitBundleReport> = {}): UnitBundleReport => ({
    ok: failures.length === 0,
    dossiers: reports,
    ...extra,
    checks: (['archive', 'manifest', 'signature', 'files', 'dossiers'] as const).map((name) => ({
      name,
      ok: !failures.some((f) => f.check === name || (name === 'dossiers' && f.streamId !== undefined)),
    })),
    failures,
  });
  let files: Map<string, Buffer>;
  try {
    files = await unpackTar(archive);
  } catch (error) {
    fail({ check: 'archive', message: `not a readable tar archive: ${(error as Error).message}` });
    return report();
  }
  const manifestBytes = files.get(FILES.manifest);
  let manifest: UnitManifest | undefined;
  try {
    manifest = JSON.parse(manifestBytes?.toString('utf8') ?? '') as UnitManifest;
  } catch {
    manifest = undefined;
  }
  if (!manifestBytes || manifest?.format !== UNIT_BUNDLE_FORMAT) {
    fail({ check: 'manifest', message: `manifest.json is missing, unreadable or not ${UNIT_BUNDLE_FORMAT}` });
    return report();
  }
  let bundleKeys: readonly PublishedKey[] = [];
  try {
    bundleKeys = (JSON.parse(files.get(FILES.keys)?.toString('utf8') ?? '{}') as PublishedKeys).keys ?? [];
  } catch {
    fail({ check: 'archive', message: 'keys.json is unreadable' });
  }
  const keys = options.trustedKeys?.keys ?? bundleKeys;
  const signature = await verifyDetached(
    files.get(FILES.signature)?.toString('utf8') ?? '',
    manifestBytes,
    keys,
    manifest.exportedAt,
  );
  if (!signature.ok) fail({ check: 'signature', message: signature.reason });
  for (const entry of manifest.files)
    if (!files.has(entry.name)) fail({ check: 'archive', message: `${entry.name} is missing` });
  checkListedFiles(files, manifest.files, fail);
  const listed = canonicalJson(manifest.dossiers.map((d) => d.file).sort());
  const inFiles = canonicalJson(
    manifest.files
      .map((f) => f.name)
      .filter((n) => n.startsWith('dossiers/'))
      .sort(),
  );
  if (listed !== inFiles)
    fail({
      check: 'dossiers',
      message: 'the dossiers listed are not the dossier files',
      expected: listed,
      found: inFiles,
    });
  // Each dossier's bundle with the keys the auditor gave (or, without them, this bundle's own keys).
  const dossierKeys = options.trustedKeys ?? { keys: [...bundleKeys] };
  for (const d of manifest.dossiers) {
    const bytes = files.get(d.file);
    if (!bytes) {
      fail({ check: 'dossiers', message: `${d.file} is missing`, streamId: `dossier-${d.dossierId}` });
      continue;
    }
    const inner = await verifyBundle(bytes, { trustedKeys: dossierKeys });
    reports.push({ ...inner, dossierId: d.dossierId });
    if (inner.dossierId !== d.dossierId || inner.events !== d.events)
      fail({
        check: 'dossiers',
        streamId: `dossier-${d.dossierId}`,
        message: `${d.file} is not the dossier the manifest lists`,
        expected: `${d.dossierId} (${d.events} events)`,
        found: `${inner.dossierId ?? '?'} (${inner.events} events)`,
      });
    for (const f of inner.failures) failures.push({ ...f, streamId: f.streamId ?? `dossier-${d.dossierId}` });
  }
  return report({
    unit: manifest.unit,
    from: manifest.from,
    to: manifest.to,
    exportedAt: manifest.exportedAt,
    ...(signature.ok
      ? {
          signedBy: {
            kid: signature.kid,
            trust: options.trustedKeys ? ('given' as const) : ('bundle-only' as const),
          },
        }
      : {}),
  });
}

/** The unit report as text: the unit and period, each dossier's verdict, each check and every failure. */
export function formatUnitReport(report: UnitBundleReport): string {
  const lines = [
    `unit ${report.unit ?? '?'} from ${report.from ?? '?'} to ${report.to ?? '?'}: ${report.dossiers.length} dossier(s), exported ${report.exportedAt ?? '?'}`,
  ];
  if (report.signedBy) lines.push(signedByLine(report.signedBy));
  lines.push('', 'dossiers:');
  for (const d of report.dossiers)
    lines.push(
      `  ${d.ok ? 'ok  ' : 'FAIL'} ${d.dossierId}: ${d.events} events, last step ${d.story.at(-1)?.toState ?? '?'}`,
    );
  lines.push('', 'checks:');
  for (const c of report.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}`);
  if (report.failures.length > 0) {
    lines.push('', 'failures:');
    for (const f of report.failures) {
      const at = f.streamId !== undefined ? ` ${f.streamId}` : '';
      const rev = f.revision !== undefined ? ` event #${f.revision}` : '';
      const diff =
        f.expected !== undefined || f.found !== undefined
          ? `: expected ${f.expected ?? '?'}, found ${f.found ?? '?'}`
          : '';
      lines.push(`  [${f.check}]${at}${rev} ${f.message}${diff}`);
    }
  }
  lines.push('', report.ok ? 'VERIFIED' : 'NOT VERIFIED');
  return `${lines.join('\n')}\n`;
}
