/**
 * Verifies an audit bundle with nothing but the bundle and the keys the auditor trusts: the signature over the
 * manifest, every file's SHA-256, every event's hash and chain link, and a replay of the events through the
 * pinned workflow version that must reproduce each recorded from-state and to-state. Every mismatch is named:
 * which check, which event, expected and found. This module is what the one-file verifier bundles.
 */
import { canonicalJson, GENESIS_HASH, hashEvent } from '@ntm/event-store';
import {
  COMMAND_OF_EVENT,
  evolve,
  ruleSetById,
  workflowByPin,
  type DossierState,
  type WorkflowDefinition,
} from '@ntm/domain';
import { BUNDLE_FORMAT, FILES, sha256Hex, type EventLine, type Manifest } from './format.js';
import { verifyDetached } from './jws.js';
import type { PublishedKey, PublishedKeys } from './keys.js';
import { unpackTar } from './tar.js';

export type CheckName =
  'archive' | 'manifest' | 'signature' | 'files' | 'hashes' | 'chain' | 'workflow' | 'rule-set' | 'replay';

export interface Failure {
  check: CheckName;
  message: string;
  revision?: number;
  eventId?: string;
  expected?: string;
  found?: string;
}

/** One step of the dossier's story: who did what, when, from which step to which. */
export interface StoryStep {
  revision: number;
  occurredAt: string;
  type: string;
  actor: { id: string; role: string; unit: string };
  onBehalfOf?: { id: string; role: string; unit: string };
  fromState?: string;
  toState?: string;
}

export interface BundleReport {
  ok: boolean;
  dossierId?: string;
  exportedAt?: string;
  events: number;
  /** the key that signed, and whether it was among the keys the auditor gave or only in the bundle itself */
  signedBy?: { kid: string; trust: 'given' | 'bundle-only' };
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

  // Files: each one the manifest lists, with its hash; nothing unlisted but the manifest and its signature.
  for (const entry of manifest.files) {
    const bytes = files.get(entry.name);
    if (!bytes) continue;
    const found = sha256Hex(bytes);
    if (found !== entry.sha256)
      fail({ check: 'files', message: `${entry.name} was changed`, expected: entry.sha256, found });
  }
  for (const name of files.keys()) {
    if (name !== FILES.manifest && name !== FILES.signature && !manifest.files.some((f) => f.name === name))
      fail({ check: 'files', message: `${name} is not listed in the manifest` });
  }

  const events = readEvents(files.get(FILES.events), fail);
  checkChain(events, manifest, fail);
  const definition = checkPins(files, manifest, fail);
  const story = replayEvents(events, definition, fail);
  return report({
    dossierId: manifest.dossierId,
    exportedAt: manifest.exportedAt,
    events: events.length,
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

function readEvents(bytes: Buffer | undefined, fail: (f: Failure) => void): EventLine[] {
  if (!bytes) return [];
  const events: EventLine[] = [];
  bytes
    .toString('utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line === '') return;
      try {
        events.push(JSON.parse(line) as EventLine);
      } catch {
        fail({ check: 'hashes', message: `line ${index + 1} of events.jsonl is not JSON` });
      }
    });
  return events;
}

/** Every event's hash, every link, revisions 0..n-1 with none missing, and the head the manifest signed. */
function checkChain(events: readonly EventLine[], manifest: Manifest, fail: (f: Failure) => void): void {
  let expectedPrev = GENESIS_HASH;
  events.forEach((e, index) => {
    const at = { revision: e.revision, eventId: e.eventId };
    if (e.streamId !== manifest.streamId)
      fail({
        check: 'chain',
        ...at,
        message: 'event of another stream',
        expected: manifest.streamId,
        found: e.streamId,
      });
    if (e.revision !== index)
      fail({
        check: 'chain',
        ...at,
        message: 'revision out of sequence (an event is missing or moved)',
        expected: String(index),
        found: String(e.revision),
      });
    if (e.prevHash !== expectedPrev)
      fail({
        check: 'chain',
        ...at,
        message: 'prevHash is not the previous event’s hash',
        expected: expectedPrev,
        found: e.prevHash,
      });
    const hash = hashEvent({ ...e, revision: BigInt(e.revision) });
    if (hash !== e.hash)
      fail({
        check: 'hashes',
        ...at,
        message: 'the event’s content does not match its hash',
        expected: e.hash,
        found: hash,
      });
    expectedPrev = e.hash;
  });
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
  const definition = parseJson<WorkflowDefinition>(files.get(FILES.workflow));
  const known = workflowByPin(manifest.workflow);
  const pin = `${manifest.workflow.id} v${manifest.workflow.version}`;
  if (
    !definition ||
    definition.id !== manifest.workflow.id ||
    definition.version !== manifest.workflow.version
  )
    fail({ check: 'workflow', message: `workflow.json is not ${pin}` });
  else if (!known)
    fail({ check: 'workflow', message: `${pin} is not a workflow version this verifier knows` });
  else {
    const expected = publishedHash(`workflow ${pin}`, () => known.definition);
    const found = sha256Hex(files.get(FILES.workflow)!);
    if (expected !== found)
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

/**
 * Folds the events through the pinned machine (the domain's `evolve`, which checks each recorded from-state and
 * each transition), and checks each step change is an edge of the bundle's own definition. Stops at the first
 * event the replay refuses: the state after it is unknown.
 */
function replayEvents(
  events: readonly EventLine[],
  definition: WorkflowDefinition | undefined,
  fail: (f: Failure) => void,
): StoryStep[] {
  const story: StoryStep[] = [];
  let state: DossierState | undefined;
  for (const e of events) {
    const at = { revision: e.revision, eventId: e.eventId };
    const { fromState, toState } = e.metadata;
    const step = state?.step ?? 'draft';
    try {
      state = evolve(state, e);
    } catch (error) {
      fail({
        check: 'replay',
        ...at,
        message: `${e.type}: ${(error as Error).message}`,
        expected: step,
        found: fromState ?? '(none)',
      });
      break;
    }
    if (toState !== undefined && state.step !== toState)
      fail({
        check: 'replay',
        ...at,
        message: `${e.type} recorded another to-state than the replay`,
        expected: state.step,
        found: toState,
      });
    // Clock events (a deadline scheduled, suspended or resumed) go with another command's event: no edge of their own.
    if (definition && Object.hasOwn(COMMAND_OF_EVENT, e.type)) {
      const command = COMMAND_OF_EVENT[e.type as keyof typeof COMMAND_OF_EVENT];
      const to = toState ?? step;
      if (!definition.edges.some((edge) => edge.from === step && edge.command === command && edge.to === to))
        fail({ check: 'replay', ...at, message: `workflow.json has no ${command} from ${step} to ${to}` });
    }
    const { actor, onBehalfOf, occurredAt } = e.metadata;
    story.push({
      revision: e.revision,
      occurredAt,
      type: e.type,
      actor: { id: actor.id, role: actor.role, unit: actor.unit },
      ...(onBehalfOf
        ? { onBehalfOf: { id: onBehalfOf.id, role: onBehalfOf.role, unit: onBehalfOf.unit } }
        : {}),
      ...(fromState !== undefined ? { fromState } : {}),
      ...(toState !== undefined ? { toState } : {}),
    });
  }
  return story;
}
