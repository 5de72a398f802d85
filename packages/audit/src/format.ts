/**
 * The bundle format shared by the exporter and the verifier: file names, the manifest, and the canonical line of
 * one stored event. Every file is canonical JSON (sorted keys, no whitespace), so the same history always gives
 * the same bytes and the same hashes.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type RecordedEvent } from '@ntm/event-store';

export const BUNDLE_FORMAT = 'ntm-audit-bundle/1';

export const FILES = {
  manifest: 'manifest.json',
  signature: 'manifest.jws',
  events: 'events.jsonl',
  workflow: 'workflow.json',
  ruleSet: 'rule-set.json',
  keys: 'keys.json',
} as const;

/** A document file's bytes in a bundle: `documents/<sha256>`, named by the hash its event recorded. */
export const documentPath = (sha256: string): string => `documents/${sha256}`;

/** The JWS `typ` of a bundle manifest's signature. */
export const MANIFEST_TYP = 'ntm-audit-manifest+jws';

export interface ManifestFile {
  name: string;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  dossierId: string;
  streamId: string;
  /** the instant the bundle was signed; the signing key must have been valid then */
  exportedAt: string;
  events: { count: number; lastRevision: number; headHash: string };
  workflow: { id: string; version: number };
  ruleSet: { id: string; version: number };
  /** the files covered by the signature, with their SHA-256 */
  files: ManifestFile[];
  /**
   * Every document file the events reference (DocumentFileAttached, and the signed decision of DecisionSigned),
   * once per hash, and whether its bytes are in
   * the bundle (`documents/<sha256>`); absent in bundles made before documents were bundled.
   */
  documents?: ManifestDocument[];
}

export interface ManifestDocument {
  sha256: string;
  size: number;
  included: boolean;
}

/** The events that name a file of the blob store: a document's file, and the signed decision (ADR 0028). */
export const FILE_EVENT_TYPES: ReadonlySet<string> = new Set(['DocumentFileAttached', 'DecisionSigned']);

/** The document files `events` reference, once per hash, in the order first referenced. */
export function referencedDocuments(
  events: readonly { type: string; data: unknown }[],
): { sha256: string; size: number }[] {
  const seen = new Map<string, number>();
  for (const e of events) {
    if (!FILE_EVENT_TYPES.has(e.type)) continue;
    const { sha256, size } = e.data as { sha256?: unknown; size?: unknown };
    if (typeof sha256 === 'string' && typeof size === 'number' && !seen.has(sha256)) seen.set(sha256, size);
  }
  return [...seen].map(([sha256, size]) => ({ sha256, size }));
}

/** One stored event as a line of `events.jsonl`: the envelope as stored, revision a number, position a string. */
export interface EventLine {
  streamId: string;
  revision: number;
  position: string;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
  recordedAt: string;
  prevHash: string;
  hash: string;
}

export function eventLine(e: RecordedEvent): EventLine {
  return {
    streamId: e.streamId,
    revision: Number(e.revision),
    position: e.position.toString(),
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: e.metadata,
    recordedAt: e.recordedAt,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const jsonBytes = (value: unknown): Buffer => Buffer.from(canonicalJson(value), 'utf8');

/**
 * An event's hash from its line of `events.jsonl` as the exporter wrote it (canonical JSON of `eventLine`), without
 * serialising the event again: the hash input is the canonical JSON of the same object without `hash`, `position`
 * and `recordedAt`, and in canonical key order those three are whole top-level members at known places, so cutting
 * them out of the line gives the hash input byte for byte. Undefined when the line is not laid out so (then hash
 * the parsed event). Sound: if the bytes left hash to the recorded hash, they are the original event's canonical
 * input, and what was cut out can add no other member to what the line parses to.
 */
export function hashOfCanonicalLine(line: string, e: EventLine): string | undefined {
  const id = `,"eventId":${JSON.stringify(e.eventId)},`;
  const hash = `"hash":${JSON.stringify(e.hash)},`;
  const i = line.lastIndexOf(`${id}${hash}"metadata":`);
  if (i < 0) return undefined;
  const position = `"position":${JSON.stringify(e.position)},`;
  const prev = `"prevHash":${JSON.stringify(e.prevHash)},`;
  const recorded = `"recordedAt":${JSON.stringify(e.recordedAt)},`;
  const j = line.lastIndexOf(`,${position}${prev}${recorded}"revision":`);
  if (j < i) return undefined;
  const hashAt = i + id.length;
  const positionAt = j + 1;
  const recordedAt = positionAt + position.length + prev.length;
  return createHash('sha256')
    .update(line.slice(0, hashAt), 'utf8')
    .update(line.slice(hashAt + hash.length, positionAt), 'utf8')
    .update(line.slice(positionAt + position.length, recordedAt), 'utf8')
    .update(line.slice(recordedAt + recorded.length), 'utf8')
    .digest('hex');
}
