/**
 * Document files over HTTP (ADR 0013): upload streamed into the filesystem blob store, versions, the same bytes
 * stored once, download with ETag and Range, every refusal leaving neither a blob nor an event, authorisation
 * as for the dossier, the download trail, and `verify` catching a tampered or missing blob.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DomainActor } from '@ntm/domain';
import { ACTORS, communeJourney, uploadDocumentFile, type UploadCall } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

const MAX_FILE = 256 * 1024;
const MAX_DOSSIER = 600 * 1024;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** A PDF as far as sniffing goes (the magic `%PDF-`), then random bytes. */
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);
/** A whole 1×1 PNG (sniffing walks its chunks, so it must be well formed). */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082',
  'hex',
);
const outsider: DomainActor = { id: 'cb-other', role: 'commune_official', unit: '02035' };

let t: TestServer;
const cursor: JourneyCursor = {};

async function blobFiles(dir = join(t.blobRoot, 'objects')): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? blobFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]),
    ),
  );
  return nested.flat();
}
const spoolFiles = async () => readdir(join(t.blobRoot, 'spool')).catch(() => []);

async function upload(
  call: Partial<UploadCall> & { content: UploadCall['content'] },
  actor = ACTORS.communeOfficial,
) {
  const answer = await uploadDocumentFile({
    baseUrl: t.url,
    token: await t.tokenFor(actor),
    dossierId: cursor.dossierId!,
    etag: cursor.etag,
    documentId: 'minutes',
    documentKind: 'proposal_meeting_minutes',
    fileName: 'Biên bản họp đề nghị.pdf',
    ...call,
  });
  if (answer.status === 201) cursor.etag = answer.headers['etag'] as string;
  return answer;
}

async function get(path: string, actor: DomainActor, headers: Record<string, string> = {}) {
  return fetch(`${t.url}${path}`, {
    headers: { authorization: `Bearer ${await t.tokenFor(actor)}`, 'accept-language': 'en', ...headers },
  });
}

/** The refusal leaves nothing: no event, no blob, no staged file. */
async function expectNothingLeft(
  answer: { status: number; body: Record<string, unknown> },
  status: number,
  code: string,
) {
  expect({ status: answer.status, code: answer.body['code'] }).toEqual({ status, code });
  expect(await t.countEvents()).toBe(eventsBefore);
  expect(await blobFiles()).toEqual(blobsBefore);
  expect(await spoolFiles()).toEqual([]);
}
let eventsBefore = 0;
let blobsBefore: string[] = [];
async function snapshot() {
  eventsBefore = await t.countEvents();
  blobsBefore = await blobFiles();
}

beforeAll(async () => {
  t = await startTestServer({
    now: new Date('2024-04-01T02:00:00Z'),
    schemaPrefix: 'api_files',
    documentLimits: { maxFileBytes: MAX_FILE, maxDossierBytes: MAX_DOSSIER },
  });
  const open = communeJourney('ntm', 1).steps[0]!;
  expect((await t.sendStep(open, cursor)).status).toBe(201);
});
afterAll(() => t.close());

describe('document files', () => {
  const first = pdf(100_000);
  const second = PNG;

  it('uploads a file streamed, records hash, size and sniffed type, and keeps the name out of the log', async () => {
    const answer = await upload({ content: first });
    expect(answer.status).toBe(201);
    expect(answer.body['file']).toEqual({
      documentId: 'minutes',
      documentKind: 'proposal_meeting_minutes',
      version: 1,
      sha256: sha256(first),
      size: first.byteLength,
      mediaType: 'application/pdf',
    });
    const history = await (await get(`/dossiers/${cursor.dossierId}/history`, ACTORS.auditor)).json();
    const event = (history as { events: { type: string; data: object }[] }).events.at(-1)!;
    expect(event.type).toBe('DocumentFileAttached');
    expect(JSON.stringify(event.data)).not.toContain('Biên bản');
    expect(await blobFiles()).toHaveLength(1);
  });

  it('downloads the file whole with ETag = hash, its type and its (Vietnamese) name', async () => {
    const res = await get(`/dossiers/${cursor.dossierId}/documents/minutes/file`, ACTORS.communeOfficial);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${sha256(first)}"`);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('Biên bản họp đề nghị.pdf')}`,
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(first)).toBe(true);
    const again = await get(`/dossiers/${cursor.dossierId}/documents/minutes/file`, ACTORS.communeOfficial, {
      'if-none-match': `"${sha256(first)}"`,
    });
    expect(again.status).toBe(304);
  });

  it('serves byte ranges (206) and refuses unsatisfiable ones (416)', async () => {
    const path = `/dossiers/${cursor.dossierId}/documents/minutes/file`;
    const part = await get(path, ACTORS.communeOfficial, { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${first.byteLength}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(first.subarray(10, 20))).toBe(true);
    const tail = await get(path, ACTORS.communeOfficial, { range: 'bytes=-5' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(first.subarray(-5))).toBe(true);
    const outside = await get(path, ACTORS.communeOfficial, { range: `bytes=${first.byteLength}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${first.byteLength}`);
    expect(((await outside.json()) as { code: string }).code).toBe('RANGE_NOT_SATISFIABLE');
  });

  it('keeps every version: a new upload is version 2, version 1 stays downloadable', async () => {
    const answer = await upload({ content: second, fileName: 'bien-ban-v2.png' });
    expect(answer.status).toBe(201);
    expect((answer.body['file'] as { version: number }).version).toBe(2);
    const latest = await get(`/dossiers/${cursor.dossierId}/documents/minutes/file`, ACTORS.communeOfficial);
    expect(Buffer.from(await latest.arrayBuffer()).equals(second)).toBe(true);
    const v1 = await get(`/dossiers/${cursor.dossierId}/documents/minutes/versions/1/file`, ACTORS.auditor);
    expect(Buffer.from(await v1.arrayBuffer()).equals(first)).toBe(true);
    const v3 = await get(`/dossiers/${cursor.dossierId}/documents/minutes/versions/3/file`, ACTORS.auditor);
    expect(v3.status).toBe(404);
  });

  it('judges and answers an upload on the cached dossier when If-Match is its revision: no stream read', async () => {
    const reads = vi.spyOn(t.store, 'readStream');
    try {
      const answer = await upload({ content: pdf(20_000), documentId: 'poll', documentKind: 'poll_report' });
      expect(answer.status).toBe(201);
      expect((answer.body['file'] as { version: number }).version).toBe(1);
      expect(reads).not.toHaveBeenCalled();
      // A stale If-Match is not in the cache: the dossier is read, and the upload refused before it is kept.
      const stale = await upload({ content: pdf(20_000), etag: '"1"', documentId: 'poll' });
      expect(stale.status).toBe(412);
      expect(reads).toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
  });

  it('stores the same bytes once, whichever document they are attached to', async () => {
    const before = await blobFiles();
    const answer = await upload({
      content: first,
      documentId: 'security',
      documentKind: 'security_confirmation',
    });
    expect(answer.status).toBe(201);
    expect(await blobFiles()).toEqual(before);
  });

  describe('refusals leave neither a blob nor an event', () => {
    beforeAll(snapshot);
    it('a type not on the list, sniffed from the content whatever the name says', async () => {
      const answer = await upload({
        content: Buffer.from('MZ\x90\x00 not a pdf at all'.repeat(50)),
        fileName: 'x.pdf',
      });
      await expectNothingLeft(answer, 415, 'FILE_TYPE_NOT_ALLOWED');
      await expectNothingLeft(await upload({ content: new Uint8Array(0) }), 415, 'FILE_TYPE_NOT_ALLOWED');
    });
    it('a file over the per-file limit', async () => {
      await expectNothingLeft(await upload({ content: pdf(MAX_FILE + 1) }), 413, 'FILE_TOO_LARGE');
    });
    it('a file that would take the dossier over its total', async () => {
      // 100 000 + 70 bytes are attached; two more files of 240 KiB pass the 600 KiB total.
      expect(
        (await upload({ content: pdf(240 * 1024), documentId: 'a', documentKind: 'other' })).status,
      ).toBe(201);
      await snapshot();
      const answer = await upload({ content: pdf(240 * 1024), documentId: 'b', documentKind: 'other' });
      await expectNothingLeft(answer, 413, 'DOSSIER_FILES_TOO_LARGE');
    });
    it('a name with path or control characters', async () => {
      for (const fileName of ['../../etc/passwd.pdf', 'a/b.pdf', 'C:\\x\\y.pdf', 'a\u0001.pdf', '..']) {
        await expectNothingLeft(await upload({ content: pdf(1000), fileName }), 400, 'FILE_NAME_INVALID');
      }
    });
    it('a truncated upload', async () => {
      await expectNothingLeft(
        await upload({ content: pdf(50_000), truncate: true }),
        400,
        'UPLOAD_TRUNCATED',
      );
    });
    it('missing or invalid fields, no file, no If-Match, not multipart', async () => {
      await expectNothingLeft(
        await upload({ content: pdf(1000), documentKind: 'nonsense' }),
        400,
        'UPLOAD_FIELDS_INVALID',
      );
      await expectNothingLeft(
        await upload({ content: pdf(1000), documentId: undefined }),
        400,
        'UPLOAD_FIELDS_INVALID',
      );
      await expectNothingLeft(
        await upload({ content: pdf(1000), etag: undefined }),
        428,
        'IF_MATCH_REQUIRED',
      );
      await expectNothingLeft(
        await upload({ content: pdf(1000), contentType: 'application/octet-stream' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });
    it('a kind that differs from the document, and a stale If-Match', async () => {
      await expectNothingLeft(
        await upload({ content: pdf(1000), documentKind: 'poll_report' }),
        409,
        'DOCUMENT_KIND_MISMATCH',
      );
      await expectNothingLeft(await upload({ content: pdf(1000), etag: '"1"' }), 412, 'REVISION_MISMATCH');
    });
    it('the loser of two concurrent uploads on one revision (its blob is removed after the failed append)', async () => {
      const [a, b] = [pdf(2000), pdf(2000)];
      const etag = cursor.etag;
      const answers = await Promise.all([
        upload({ content: a, documentId: 'c1', documentKind: 'other', etag }),
        upload({ content: b, documentId: 'c2', documentKind: 'other', etag }),
      ]);
      expect(answers.map((x) => x.status).sort()).toEqual([201, 412]);
      const winner = answers[0].status === 201 ? a : b;
      const names = (await blobFiles()).map((f) => f.split('/').at(-1));
      expect(names).toContain(sha256(winner));
      expect(names).not.toContain(sha256(winner === a ? b : a));
      expect(await spoolFiles()).toEqual([]);
    });
  });

  describe('authorisation as for the dossier', () => {
    beforeAll(snapshot);
    it('another unit learns nothing (404); a reader who may not attach gets 403', async () => {
      await expectNothingLeft(await upload({ content: pdf(1000) }, outsider), 404, 'DOSSIER_NOT_FOUND');
      await expectNothingLeft(
        await upload({ content: pdf(1000) }, ACTORS.auditor),
        403,
        'OUT_OF_JURISDICTION',
      );
      const res = await get(`/dossiers/${cursor.dossierId}/documents/minutes/file`, outsider);
      expect(res.status).toBe(404);
      expect((await get(`/dossiers/${cursor.dossierId}/downloads`, outsider)).status).toBe(404);
      expect((await fetch(`${t.url}/dossiers/${cursor.dossierId}/documents/minutes/file`)).status).toBe(401);
    });
  });

  it('records every download in the trail auditors read', async () => {
    const res = await get(`/dossiers/${cursor.dossierId}/downloads`, ACTORS.auditor);
    expect(res.status).toBe(200);
    const { downloads } = (await res.json()) as {
      downloads: { documentId: string; version: number; actor: { id: string }; range?: string }[];
    };
    expect(downloads.map((d) => [d.actor.id, d.documentId, d.version, d.range ?? null])).toEqual([
      [ACTORS.communeOfficial.id, 'minutes', 1, null],
      [ACTORS.communeOfficial.id, 'minutes', 1, 'bytes=10-19'],
      [ACTORS.communeOfficial.id, 'minutes', 1, `bytes=${100_000 - 5}-${100_000 - 1}`],
      [ACTORS.communeOfficial.id, 'minutes', 2, null],
      [ACTORS.auditor.id, 'minutes', 1, null],
    ]);
  });

  it('answers the read-access trail across dossiers to auditors and data-protection officers, in their units', async () => {
    type Trail = {
      items: { id: number; dossierId: string; actor: { id: string }; version: number }[];
      next: number | null;
    };
    const trail = async (query: string, actor: DomainActor) => {
      const res = await get(`/audit/downloads${query}`, actor);
      return { status: res.status, body: (await res.json()) as Trail & { code?: string } };
    };
    const dpo: DomainActor = { id: 'dpo-backan', role: 'data_protection_officer', unit: '06' };
    const all = await trail('', ACTORS.auditor);
    expect(all.status).toBe(200);
    expect(all.body.items.map((d) => [d.dossierId, d.actor.id, d.version])).toEqual([
      [cursor.dossierId, ACTORS.communeOfficial.id, 1],
      [cursor.dossierId, ACTORS.communeOfficial.id, 1],
      [cursor.dossierId, ACTORS.communeOfficial.id, 1],
      [cursor.dossierId, ACTORS.communeOfficial.id, 2],
      [cursor.dossierId, ACTORS.auditor.id, 1],
    ]);
    // Who read what: by user, by dossier, by day (Vietnam), page by page.
    expect((await trail(`?actor=${ACTORS.auditor.id}`, dpo)).body.items.map((d) => d.actor.id)).toEqual([
      ACTORS.auditor.id,
    ]);
    expect(
      (await trail(`?dossier=${cursor.dossierId}&from=2024-04-01&to=2024-04-01`, dpo)).body.items,
    ).toHaveLength(5);
    expect((await trail('?from=2024-04-02', dpo)).body.items).toEqual([]);
    const page1 = await trail('?limit=2', dpo);
    expect(page1.body.items.map((d) => d.id)).toEqual(all.body.items.slice(0, 2).map((d) => d.id));
    const page2 = await trail(`?limit=2&after=${page1.body.next}`, dpo);
    expect(page2.body.items.map((d) => d.id)).toEqual(all.body.items.slice(2, 4).map((d) => d.id));
    // Another province's auditor and officer see none of it; the officer reads no dossier itself.
    expect((await trail('', { ...ACTORS.auditor, unit: '19' })).body.items).toEqual([]);
    expect((await trail('', { ...dpo, unit: '19' })).body.items).toEqual([]);
    expect((await get(`/dossiers/${cursor.dossierId}`, dpo)).status).toBe(404);
    // Officials and administrators may not query it.
    for (const actor of [ACTORS.communeOfficial, { ...ACTORS.auditor, role: 'administrator' as const }])
      expect(await trail('', actor)).toMatchObject({ status: 403, body: { code: 'OUT_OF_JURISDICTION' } });
    expect((await trail('?from=01-04-2024', dpo)).status).toBe(400);
  });

  it('verify checks every referenced blob; a tampered one is named and never served whole', async () => {
    const verify = async () =>
      (await (await get(`/dossiers/${cursor.dossierId}/verify`, ACTORS.auditor)).json()) as {
        ok: boolean;
        files: {
          ok: boolean;
          checked: number;
          failures: { documentId: string; version: number; problem: string }[];
        };
      };
    const clean = await verify();
    expect(clean.ok).toBe(true);
    expect(clean.files.ok).toBe(true);
    const path = (await blobFiles()).find((f) => f.endsWith(sha256(second)))!;
    const altered = randomBytes(second.byteLength);
    await writeFile(path, altered);
    const tampered = await verify();
    expect(tampered.ok).toBe(false);
    expect(tampered.files.failures).toEqual([
      { documentId: 'minutes', version: 2, sha256: sha256(second), problem: 'hash' },
    ]);
    const served = await get(`/dossiers/${cursor.dossierId}/documents/minutes/file`, ACTORS.auditor);
    const received = await served.arrayBuffer().then(
      (b) => Buffer.from(b),
      () => Buffer.alloc(0),
    );
    expect(received.equals(altered)).toBe(false);
    await rm(path);
    expect((await verify()).files.failures[0]!.problem).toBe('missing');
    const missing = await get(`/dossiers/${cursor.dossierId}/documents/minutes/file`, ACTORS.auditor);
    expect(missing.status).toBe(500);
    expect(((await missing.json()) as { code: string }).code).toBe('DOCUMENT_FILE_MISSING');
  });
});
