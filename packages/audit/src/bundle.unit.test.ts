import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, chainEvents, GENESIS_HASH, type RecordedEvent } from '@ntm/event-store';
import { sampleDossierEvents } from '@ntm/testing';
import {
  exportBundle,
  FILES,
  jsonBytes,
  openLocalKeyRing,
  packTar,
  rotateLocalKeyRing,
  sha256Hex,
  unpackTar,
  verifyBundle,
  type AuditSigner,
  type Manifest,
} from './index.js';
import { signDetached } from './jws.js';

const at = (i: number) => new Date(Date.UTC(2024, 2, 1 + i)).toISOString();
const EXPORTED = new Date('2024-06-01T00:00:00Z');

function recorded(
  events = sampleDossierEvents({ id: 'd1', communeCode: '01849', districtCode: '061', year: 2024 }, at),
): RecordedEvent[] {
  return chainEvents('dossier-d1', 0n, GENESIS_HASH, events).map((e, i) => ({
    ...e,
    position: BigInt(1000 + i),
    recordedAt: at(i),
  }));
}

let dir: string;
let signer: AuditSigner;
let other: AuditSigner;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntm-audit-'));
  signer = await openLocalKeyRing({ dir: join(dir, 'a'), now: new Date('2024-01-01T00:00:00Z') });
  other = await openLocalKeyRing({ dir: join(dir, 'b'), now: new Date('2024-01-01T00:00:00Z') });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const bundleOf = (events = recorded(), by = signer) =>
  exportBundle({ dossierId: 'd1', events, signer: by, exportedAt: EXPORTED });

/** Unpacks a bundle, lets `change` edit its files, packs it again. */
async function tampered(archive: Buffer, change: (files: Map<string, Buffer>) => void | Promise<void>) {
  const files = await unpackTar(archive);
  await change(files);
  return packTar(files, EXPORTED);
}

const editLine = (
  files: Map<string, Buffer>,
  revision: number,
  edit: (e: Record<string, unknown>) => void,
) => {
  const lines = files.get(FILES.events)!.toString('utf8').trimEnd().split('\n');
  const event = JSON.parse(lines[revision]!) as Record<string, unknown>;
  edit(event);
  lines[revision] = canonicalJson(event);
  files.set(FILES.events, Buffer.from(`${lines.join('\n')}\n`));
};

/** The attacker's manifest: every file hash recomputed (they cannot sign it with the engine's key). */
function rehashManifest(files: Map<string, Buffer>) {
  const manifest = JSON.parse(files.get(FILES.manifest)!.toString('utf8')) as Manifest;
  manifest.files = manifest.files.map((f) => ({
    ...f,
    sha256: sha256Hex(files.get(f.name)!),
    bytes: files.get(f.name)!.length,
  }));
  files.set(FILES.manifest, jsonBytes(manifest));
  return manifest;
}

const trusted = () => ({ trustedKeys: signer.published });
const failed = (report: Awaited<ReturnType<typeof verifyBundle>>) =>
  report.failures.map((f) => `${f.check}${f.revision !== undefined ? `#${f.revision}` : ''}`);

describe('audit bundles', () => {
  it('round trip: an exported bundle verifies with the published keys and tells the story', async () => {
    const report = await verifyBundle(await bundleOf(), trusted());
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.events).toBe(30);
    expect(report.signedBy).toEqual({ kid: signer.kid, trust: 'given' });
    expect(report.story[0]).toMatchObject({
      revision: 0,
      type: 'DossierOpened',
      fromState: 'draft',
      toState: 'preparing',
    });
    expect(report.story.at(-1)?.type).toBe('RecognitionDecided');
  });

  it('is reproducible: the same history gives the same bytes', async () => {
    expect(sha256Hex(await bundleOf())).toBe(sha256Hex(await bundleOf()));
  });

  it('names an edited event: its file hash and its event hash', async () => {
    const bundle = await tampered(await bundleOf(), (files) =>
      editLine(files, 5, (e) => ((e['data'] as Record<string, unknown>)['met'] = false)),
    );
    const report = await verifyBundle(bundle, trusted());
    expect(report.ok).toBe(false);
    expect(failed(report)).toEqual(['files', 'hashes#5']);
  });

  it('an edited event with the manifest re-hashed fails the signature', async () => {
    const bundle = await tampered(await bundleOf(), (files) => {
      editLine(files, 5, (e) => ((e['data'] as Record<string, unknown>)['met'] = false));
      rehashManifest(files);
    });
    expect(failed(await verifyBundle(bundle, trusted()))).toEqual(['signature', 'hashes#5']);
  });

  it('names a removed event (revision gap, broken link, count)', async () => {
    const bundle = await tampered(await bundleOf(), (files) => {
      const lines = files.get(FILES.events)!.toString('utf8').trimEnd().split('\n');
      lines.splice(7, 1);
      files.set(FILES.events, Buffer.from(`${lines.join('\n')}\n`));
    });
    const report = await verifyBundle(bundle, trusted());
    expect(report.ok).toBe(false);
    expect(report.failures.find((f) => f.check === 'chain')).toMatchObject({
      revision: 8,
      expected: '7',
      found: '8',
    });
    expect(report.failures.some((f) => f.message === 'number of events')).toBe(true);
  });

  it('a manifest edited fails the signature', async () => {
    const bundle = await tampered(await bundleOf(), (files) => {
      const manifest = JSON.parse(files.get(FILES.manifest)!.toString('utf8')) as Manifest;
      manifest.dossierId = 'd2';
      files.set(FILES.manifest, jsonBytes(manifest));
    });
    expect(failed(await verifyBundle(bundle, trusted()))).toEqual(['signature']);
  });

  it('a bundle signed by another key fails against the published keys (it passes only against its own)', async () => {
    const forged = await bundleOf(recorded(), other);
    const report = await verifyBundle(forged, trusted());
    expect(failed(report)).toEqual(['signature']);
    expect(report.failures[0]?.message).toContain('not among the trusted keys');
    const selfTrusted = await verifyBundle(forged);
    expect(selfTrusted.signedBy).toEqual({ kid: other.kid, trust: 'bundle-only' });
  });

  it('names a replay divergence: a to-state the pinned machine does not produce', async () => {
    const events = sampleDossierEvents(
      { id: 'd1', communeCode: '01849', districtCode: '061', year: 2024 },
      at,
    );
    events[20] = { ...events[20]!, metadata: { ...events[20]!.metadata, toState: 'decided' } };
    const report = await verifyBundle(await bundleOf(recorded(events)), trusted());
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toMatchObject({ check: 'replay', revision: 20 });
    expect(failed(report)).toEqual(['replay#20']);
  });

  it('a workflow definition other than the published version is named', async () => {
    const bundle = await tampered(await bundleOf(), (files) => {
      const definition = JSON.parse(files.get(FILES.workflow)!.toString('utf8')) as { edges: unknown[] };
      definition.edges.pop();
      files.set(FILES.workflow, jsonBytes(definition));
    });
    expect(failed(await verifyBundle(bundle, trusted()))).toEqual(['files', 'workflow']);
  });

  it('a key rotated out before the export does not verify it; a bundle signed before the rotation still does', async () => {
    const ringDir = join(dir, 'rotating');
    const first = await openLocalKeyRing({ dir: ringDir, now: new Date('2024-01-01T00:00:00Z') });
    const before = await exportBundle({
      dossierId: 'd1',
      events: recorded(),
      signer: first,
      exportedAt: new Date('2024-03-01T00:00:00Z'),
    });
    const second = await rotateLocalKeyRing(ringDir, new Date('2024-05-01T00:00:00Z'));
    expect(second.kid).not.toBe(first.kid);
    expect(second.published.keys.map((k) => k.kid)).toEqual([first.kid, second.kid]);
    expect(second.published.keys[0]?.validUntil).toBe('2024-05-01T00:00:00.000Z');
    expect((await verifyBundle(before, { trustedKeys: second.published })).ok).toBe(true);
    // The old key signing after its validity ended (a stolen retired key) is refused.
    const late = await tampered(before, async (files) => {
      const manifest = JSON.parse(files.get(FILES.manifest)!.toString('utf8')) as Manifest;
      manifest.exportedAt = '2024-06-01T00:00:00.000Z';
      const bytes = jsonBytes(manifest);
      files.set(FILES.manifest, bytes);
      files.set(FILES.signature, Buffer.from(await signDetached(first, bytes, 'ntm-audit-manifest+jws')));
    });
    const report = await verifyBundle(late, { trustedKeys: second.published });
    expect(failed(report)).toEqual(['signature']);
    expect(report.failures[0]?.message).toContain('was not valid');
  });

  it('rotates the local ring when its key is older than the rotation period', async () => {
    const ringDir = join(dir, 'aged');
    const first = await openLocalKeyRing({
      dir: ringDir,
      rotateAfterDays: 30,
      now: new Date('2024-01-01T00:00:00Z'),
    });
    const same = await openLocalKeyRing({
      dir: ringDir,
      rotateAfterDays: 30,
      now: new Date('2024-01-20T00:00:00Z'),
    });
    const next = await openLocalKeyRing({
      dir: ringDir,
      rotateAfterDays: 30,
      now: new Date('2024-02-01T00:00:00Z'),
    });
    expect(same.kid).toBe(first.kid);
    expect(next.kid).not.toBe(first.kid);
    expect(next.published.keys).toHaveLength(2);
  });

  it('refuses what is not a tar archive, naming the archive check', async () => {
    const report = await verifyBundle(Buffer.from('not a tar'), trusted());
    expect(report.ok).toBe(false);
    expect(report.failures[0]?.check).toBe('archive');
  });
});

describe('documents in audit bundles', () => {
  const pdf = Buffer.from('%PDF-1.7 the signed registration letter');
  const photo = Buffer.from('\xff\xd8\xff a photo of the village hall', 'latin1');
  const attach = (documentId: string, bytes: Buffer, documentKind: string) => ({
    eventId: `file-${documentId}`,
    type: 'DocumentFileAttached',
    schemaVersion: 1,
    data: {
      documentId,
      documentKind,
      sha256: sha256Hex(bytes),
      size: bytes.length,
      mediaType: 'application/pdf',
      version: 1,
      dossierVersion: 1,
    },
    metadata: {
      actor: { id: 'u-official', role: 'commune_official', unit: '01849' },
      correlationId: 'c',
      occurredAt: at(1),
      fromState: 'preparing',
      toState: 'preparing',
    },
  });
  /** The sample history with two files attached right after the opening. */
  const withFiles = () => {
    const [opened, ...rest] = sampleDossierEvents(
      { id: 'd1', communeCode: '01849', districtCode: '061', year: 2024 },
      at,
    );
    return recorded([
      opened!,
      attach('letter', pdf, 'registration_letter'),
      attach('photo', photo, 'self_assessment_report'),
      ...rest,
    ]);
  };
  const blobs = new Map([pdf, photo].map((b) => [sha256Hex(b), b]));
  const withDocuments = () =>
    exportBundle({
      dossierId: 'd1',
      events: withFiles(),
      signer,
      exportedAt: EXPORTED,
      readDocument: (hash) => Promise.resolve(blobs.get(hash)),
    });

  it('carries the files and verifies each against the hash its event recorded', async () => {
    const archive = await withDocuments();
    expect((await unpackTar(archive)).get(`documents/${sha256Hex(pdf)}`)).toEqual(pdf);
    const report = await verifyBundle(archive, trusted());
    expect(report.failures).toEqual([]);
    expect(report.documents).toEqual({ referenced: 2, included: 2 });
  });

  it('without the files, lists their hashes and says none was checked', async () => {
    const report = await verifyBundle(
      await exportBundle({ dossierId: 'd1', events: withFiles(), signer, exportedAt: EXPORTED }),
      trusted(),
    );
    expect(report.ok).toBe(true);
    expect(report.documents).toEqual({ referenced: 2, included: 0 });
  });

  it('leaves out a blob that is not the recorded bytes', async () => {
    const archive = await exportBundle({
      dossierId: 'd1',
      events: withFiles(),
      signer,
      exportedAt: EXPORTED,
      readDocument: (hash) => Promise.resolve(hash === sha256Hex(pdf) ? Buffer.from('other') : photo),
    });
    expect((await verifyBundle(archive, trusted())).documents).toEqual({ referenced: 2, included: 1 });
  });

  it('names a swapped document with the event that recorded it, even with the manifest re-hashed', async () => {
    const path = `documents/${sha256Hex(pdf)}`;
    const swapped = await tampered(await withDocuments(), (files) => {
      files.set(path, Buffer.from('%PDF-1.7 a forged letter'));
    });
    expect(failed(await verifyBundle(swapped, trusted()))).toEqual(['files', 'documents#1']);
    const rehashed = await tampered(await withDocuments(), (files) => {
      files.set(path, Buffer.from('%PDF-1.7 a forged letter'));
      rehashManifest(files);
    });
    expect(failed(await verifyBundle(rehashed, trusted()))).toEqual(['signature', 'documents#1']);
  });

  it('names a document removed from the bundle', async () => {
    const removed = await tampered(await withDocuments(), (files) => {
      files.delete(`documents/${sha256Hex(photo)}`);
    });
    expect(failed(await verifyBundle(removed, trusted()))).toEqual(['documents#2']);
  });
});
