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
