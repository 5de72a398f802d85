/**
 * Verifies an audit bundle with nothing but the bundle and the keys the auditor trusts: the signature over the
 * manifest, every file's SHA-256, every event's hash and chain link, and a replay of the events through the
 * pinned workflow version that must reproduce each recorded from-state and to-state. Every mismatch is named:
 * which check, which event, expected and found. This module is what the one-file verifier bundles.
 */
import { canonicalJson } from '@ntm/event-store';
import { ruleSetById, workflowByPin, type WorkflowDefinition } from '@ntm/domain';
import {
  BUNDLE_FORMAT,
  documentPath,
  FILES,
  FILE_EVENT_TYPES,
  referencedDocuments,
  sha256Hex,
  type EventLine,
  type Manifest,
  type ManifestFile,
} from './format.js';
import { verifyDetached } from './jws.js';
import type { PublishedKey, PublishedKeys } from './keys.js';
import { unpackTar } from './tar.js';
import {
  checkStreamChain,
  replayEvents,
  type CheckName,
  type Failure,
  type StoryStep,
} from './replayStream.js';

export type { CheckName, Failure, StoryStep };

export interface BundleReport {
  ok: boolean;
  dossierId?: string;
  exportedAt?: string;
  events: number;
  /** the key that signed, and whether it was among the keys the auditor gave or only in the bundle itself */
  signedBy?: { kid: string; trust: 'given' | 'bundle-only' };
  /** the document files the events reference, and how many of them are in the bundle and were checked */
  documents?: { referenced: number; included: number };
  checks: { name: CheckName; ok: boolean }[];
  failures: Failure[];
  story: StoryStep[];
}

export interface VerifyOptions {
  /** the keys the auditor trusts (the province's published keys); without them the bundle's own keys are used */
  trustedKeys?: PublishedKeys | undefined;
}

const ALL_CHECKS: readonly CheckName[] = [
  'archive',
  'manifest',
  'signature',
  'files',
  'documents',
  'hashes',
  'chain',
  'workflow',
  'rule-set',
  'replay',
];

function parseJson<T>(bytes: Buffer | undefined): T | undefined {
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Verifies a bundle (the tar's bytes). Never throws for a bad bundle: every problem is a named failure. */
export async function verifyBundle(archive: Uint8Array, options: VerifyOptions = {}): Promise<BundleReport> {
  const failures: Failure[] = [];
  const fail = (failure: Failure) => failures.push(failure);
  const report = (extra: Partial<BundleReport> = {}): BundleReport => ({
    ok: failures.length === 0,
    events: 0,
    story: [],
    ...extra,
    checks: ALL_CHECKS.map((name) => ({ name, ok: !failures.some((f) => f.check === name) })),
    failures,
  });

  let files: Map<string, Buffer>;
  try {
    files = await unpackTar(archive);
  } catch (error) {
    fail({ check: 'archive', message: `not a readable tar archive: ${(error as Error).message}` });
    return report();
  }
  for (const name of Object.values(FILES)) {
    if (!files.has(name)) fail({ check: 'archive', message: `${name} is missing` });
  }
  const manifestBytes = files.get(FILES.manifest);
  const manifest = parseJson<Manifest>(manifestBytes);
  if (!manifestBytes || !manifest || manifest.format !== BUNDLE_FORMAT) {
    fail({ check: 'manifest', message: `manifest.json is missing, unreadable or not ${BUNDLE_FORMAT}` });
    return report();
  }

  // Signature: over the manifest's exact bytes, by a key valid when the bundle was exported.
  const bundleKeys = parseJson<PublishedKeys>(files.get(FILES.keys))?.keys ?? [];
  const keys: readonly PublishedKey[] = options.trustedKeys?.keys ?? bundleKeys;
  const signature = await verifyDetached(
    files.get(FILES.signature)?.toString('utf8') ?? '',
    manifestBytes,
    keys,
    manifest.exportedAt,
  );
  if (!signature.ok) fail({ check: 'signature', message: signature.reason });

  checkListedFiles(files, manifest.files, fail);

  const { events, lines } = readEvents(files.get(FILES.events), fail);
  const documents = checkDocuments(files, manifest, events, fail);
  checkChain(events, lines, manifest, fail);
  const definition = checkPins(files, manifest, fail);
  const { story } = replayEvents(events, definition, fail);
  return report({
    dossierId: manifest.dossierId,
    exportedAt: manifest.exportedAt,
    events: events.length,
    documents,
    story,
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

/**
 * Files: each one the manifest lists has its hash (a missing one is the caller's `archive` failure); nothing is
 * there unlisted but the manifest and its signature.
 */
export function checkListedFiles(
  files: ReadonlyMap<string, Buffer>,
  listed: readonly ManifestFile[],
  fail: (f: Failure) => void,
): void {
  for (const entry of listed) {
    const bytes = files.get(entry.name);
    if (!bytes) continue;
    const found = sha256Hex(bytes);
    if (found !== entry.sha256)
      fail({ check: 'files', message: `${entry.name} was changed`, expected: entry.sha256, found });
  }
  for (const name of files.keys()) {
    if (name !== FILES.manifest && name !== FILES.signature && !listed.some((f) => f.name === name))
      fail({ check: 'files', message: `${name} is not listed in the manifest` });
  }
}

/** The events of `events.jsonl`, each with its line as read (so its hash is taken from the bytes). */
function readEvents(
  bytes: Buffer | undefined,
  fail: (f: Failure) => void,
): { events: EventLine[]; lines: string[] } {
  const events: EventLine[] = [];
  const lines: string[] = [];
  if (!bytes) return { events, lines };
  bytes
    .toString('utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line === '') return;
      try {
        events.push(JSON.parse(line) as EventLine);
        lines.push(line);
      } catch {
        fail({ check: 'hashes', message: `line ${index + 1} of events.jsonl is not JSON` });
      }
    });
  return { events, lines };
}

/**
 * The document files: the manifest lists exactly the files the events reference, and each one it says is included
 * is in the bundle with the recorded hash and size (a swapped file is named with the event that recorded it).
 */
function checkDocuments(
  files: Map<string, Buffer>,
  manifest: Manifest,
  events: readonly EventLine[],
  fail: (f: Failure) => void,
): { referenced: number; included: number } {
  const referenced = referencedDocuments(events);
  const listed = manifest.documents;
  if (listed === undefined) return { referenced: referenced.length, included: 0 };
  const key = (d: { sha256: string; size: number }) => `${d.sha256}:${d.size}`;
  const expected = referenced.map(key).join(',');
  const found = listed.map(key).join(',');
  if (expected !== found)
    fail({
      check: 'documents',
      message: 'the manifest’s documents are not the ones the events reference',
      expected,
      found,
    });
  let included = 0;
  for (const d of listed.filter((x) => x.included)) {
    const at = events.find(
      (e) => FILE_EVENT_TYPES.has(e.type) && (e.data as { sha256?: unknown }).sha256 === d.sha256,
    );
    const where = at ? { revision: at.revision, eventId: at.eventId } : {};
    const bytes = files.get(documentPath(d.sha256));
    if (!bytes) {
      fail({ check: 'documents', ...where, message: `${documentPath(d.sha256)} is missing` });
      continue;
    }
    const hash = sha256Hex(bytes);
    if (hash !== d.sha256 || bytes.length !== d.size)
      fail({
        check: 'documents',
        ...where,
        message: `${documentPath(d.sha256)} is not the file the event recorded`,
        expected: `${d.sha256} (${d.size} bytes)`,
        found: `${hash} (${bytes.length} bytes)`,
      });
    else included += 1;
  }
  return { referenced: referenced.length, included };
}

/** The stream's own checks, then the count and the head hash the manifest signed. */
function checkChain(
  events: readonly EventLine[],
  lines: readonly string[],
  manifest: Manifest,
  fail: (f: Failure) => void,
): void {
  checkStreamChain(events, manifest.streamId, fail, lines);
  const last = events.at(-1);
  if (events.length !== manifest.events.count)
    fail({
      check: 'chain',
      message: 'number of events',
      expected: String(manifest.events.count),
      found: String(events.length),
    });
  if (last?.hash !== manifest.events.headHash)
    fail({
      check: 'chain',
      message: 'head hash',
      expected: manifest.events.headHash,
      found: last?.hash ?? '(none)',
    });
}

/** SHA-256 of the canonical JSON of a published version, computed once per version (they never change). */
const published = new Map<string, string>();
function publishedHash(key: string, value: () => unknown): string {
  let hash = published.get(key);
  if (hash === undefined) {
    hash = sha256Hex(Buffer.from(canonicalJson(value())));
    published.set(key, hash);
  }
  return hash;
}

/**
 * The bundle's workflow definition and rule set must be the published versions the dossier pinned, byte for byte
 * as this verifier knows them; returns the bundle's definition for the replay's edge check.
 */
function checkPins(
  files: Map<string, Buffer>,
  manifest: Manifest,
  fail: (f: Failure) => void,
): WorkflowDefinition | undefined {
  const bytes = files.get(FILES.workflow);
  const known = workflowByPin(manifest.workflow);
  const pin = `${manifest.workflow.id} v${manifest.workflow.version}`;
  let definition: WorkflowDefinition | undefined;
  const expected = known ? publishedHash(`workflow ${pin}`, () => known.definition) : undefined;
  const found = bytes ? sha256Hex(bytes) : undefined;
  // The common case first: the bundle's file is the published version byte for byte, so its parse is the known
  // definition (parsing it again, for every bundle, cost as much as a third of parsing the events).
  if (known && expected === found) definition = known.definition;
  else {
    definition = parseJson<WorkflowDefinition>(bytes);
    if (
      !definition ||
      definition.id !== manifest.workflow.id ||
      definition.version !== manifest.workflow.version
    )
      fail({ check: 'workflow', message: `workflow.json is not ${pin}` });
    else if (!known)
      fail({ check: 'workflow', message: `${pin} is not a workflow version this verifier knows` });
    else
      fail({
        check: 'workflow',
        message: `workflow.json differs from the published ${pin}`,
        expected,
        found,
      });
  }
  const rules = `${manifest.ruleSet.id} v${manifest.ruleSet.version}`;
  try {
    const expected = publishedHash(`rule set ${rules}`, () =>
      ruleSetById(manifest.ruleSet.id, manifest.ruleSet.version),
    );
    const found = sha256Hex(files.get(FILES.ruleSet) ?? Buffer.alloc(0));
    if (expected !== found)
      fail({
        check: 'rule-set',
        message: `rule-set.json differs from the published ${rules}`,
        expected,
        found,
      });
  } catch {
    fail({ check: 'rule-set', message: `${rules} is not a rule set this verifier knows` });
  }
  return definition;
}
