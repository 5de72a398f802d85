/**
 * Builds a dossier's audit bundle: its events as stored (with their hashes), the workflow definition version and
 * the rule set the dossier pinned, the keys published at export time, a manifest with every file's SHA-256, and a
 * detached Ed25519 JWS over the manifest. Pure but for the signature; the caller reads the events.
 */
import type { RecordedEvent } from '@ntm/event-store';
import { ruleSetById, workflowByPin } from '@ntm/domain';
import {
  BUNDLE_FORMAT,
  documentPath,
  FILES,
  referencedDocuments,
  MANIFEST_TYP,
  eventLine,
  jsonBytes,
  sha256Hex,
  type Manifest,
} from './format.js';
import { canonicalJson } from '@ntm/event-store';
import { signDetached } from './jws.js';
import type { AuditSigner } from './keys.js';
import { packTar } from './tar.js';

export class BundleExportError extends Error {
  constructor(
    readonly code: 'EMPTY_STREAM' | 'UNKNOWN_PIN',
    message: string,
  ) {
    super(message);
    this.name = 'BundleExportError';
  }
}

interface Pins {
  workflow: { id: string; version: number };
  ruleSet: { id: string; version: number };
}

function pinsOf(first: RecordedEvent): Pins {
  const data = first.data as { workflow?: Pins['workflow']; ruleSet?: Pins['ruleSet'] };
  if (first.type !== 'DossierOpened' || !data.workflow || !data.ruleSet)
    throw new BundleExportError('UNKNOWN_PIN', `the first event is ${first.type}, not DossierOpened`);
  return { workflow: data.workflow, ruleSet: data.ruleSet };
}

export interface ExportOptions {
  dossierId: string;
  events: readonly RecordedEvent[];
  signer: AuditSigner;
  exportedAt: Date;
  /**
   * The bytes of a document file by its SHA-256 (the blob store), to put the files themselves in the bundle;
   * undefined for a file not available. Without it the bundle holds the documents' hashes only.
   */
  readDocument?: ((sha256: string) => Promise<Uint8Array | undefined>) | undefined;
}

/** The bundle as a tar archive. */
export async function exportBundle(options: ExportOptions): Promise<Buffer> {
  const { events, signer } = options;
  const first = events[0];
  const last = events.at(-1);
  if (!first || !last)
    throw new BundleExportError('EMPTY_STREAM', `dossier ${options.dossierId} has no events`);
  const pins = pinsOf(first);
  const workflow = workflowByPin(pins.workflow);
  if (!workflow)
    throw new BundleExportError(
      'UNKNOWN_PIN',
      `unknown workflow ${pins.workflow.id} v${pins.workflow.version}`,
    );
  const ruleSet = ruleSetById(pins.ruleSet.id, pins.ruleSet.version);
  const content = new Map<string, Buffer>([
    [FILES.events, Buffer.from(events.map((e) => `${canonicalJson(eventLine(e))}\n`).join(''), 'utf8')],
    [FILES.workflow, jsonBytes(workflow.definition)],
    [FILES.ruleSet, jsonBytes(ruleSet)],
    [FILES.keys, jsonBytes(signer.published)],
  ]);
  const documents: Manifest['documents'] = [];
  for (const d of referencedDocuments(events)) {
    const bytes = await options.readDocument?.(d.sha256);
    // Only bytes that are the recorded ones: a blob that no longer matches is left out, and the verifier says so.
    const included = bytes !== undefined && bytes.length === d.size && sha256Hex(bytes) === d.sha256;
    if (included) content.set(documentPath(d.sha256), Buffer.from(bytes));
    documents.push({ ...d, included });
  }
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    dossierId: options.dossierId,
    streamId: first.streamId,
    exportedAt: options.exportedAt.toISOString(),
    events: { count: events.length, lastRevision: Number(last.revision), headHash: last.hash },
    workflow: pins.workflow,
    ruleSet: pins.ruleSet,
    files: [...content].map(([name, bytes]) => ({ name, sha256: sha256Hex(bytes), bytes: bytes.length })),
    documents,
  };
  const manifestBytes = jsonBytes(manifest);
  const signature = await signDetached(signer, manifestBytes, MANIFEST_TYP);
  return packTar(
    new Map([
      [FILES.manifest, manifestBytes],
      [FILES.signature, Buffer.from(`${signature}\n`, 'utf8')],
      ...content,
    ]),
    options.exportedAt,
  );
}
