/**
 * Document files (ADR 0013): upload streamed into the blob store, download streamed out of it, and the download
 * trail auditors read.
 *
 * Upload (`multipart/form-data`, the fields `documentId` and `documentKind` before the one `file` part): the
 * principal is judged before a byte of the file is read; the file is staged while it streams (hashed, never
 * buffered whole), its type sniffed from the content, and only then is the `AttachDocumentFile` command decided.
 * The blob is committed just before the event is appended and removed again when the append fails, so every
 * refusal leaves neither a blob nor an event. The original file name goes to an erasable SQL table, not the log.
 *
 * Download: the same `read` jurisdiction as the dossier; `ETag` is the hash; one `Range` is served as 206 (416
 * when unsatisfiable); a whole download is re-hashed as it streams and cut off if the bytes are not the ones the
 * event names. Every download is recorded (who, which version, which range, when).
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { fileTypeFromStream } from 'file-type';
import { z } from 'zod';
import { DOCUMENT_MEDIA_TYPES, DocumentKindSchema, type EventType } from '@ntm/contracts';
import { BlobTooLargeError, type BlobStore, type StagedBlob } from '@ntm/blob-store';
import {
  checkJurisdiction,
  commandHandler,
  dossierFor,
  type CommandPorts,
  type CurrentDossier,
} from '@ntm/application';
import { readTrailFilterFor, type Principal } from '@ntm/auth';
import type { DocumentFileRecord, DossierState } from '@ntm/domain';
import type { RecordedEvent } from '@ntm/event-store';
import { commandPortsOf, DOSSIER_ID, etagOf, parseIfMatch } from '../dossier.js';
import { ProblemError, problems } from '../problems.js';
import { correlationIdOf } from '../plugins/requestContext.js';

/** What the file stream of an upload holds while its bytes wait for the blob store. */
const FILE_STREAM_BUFFER_BYTES = 64 * 1024;
const DOCUMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const Params = z.object({ id: z.string().regex(DOSSIER_ID) });
const FileParams = Params.extend({ documentId: z.string().regex(DOCUMENT_ID) });
const VersionParams = FileParams.extend({ version: z.coerce.number().int().min(1).max(1_000_000) });
/** The fields sent before the file part (built once: a zod schema per upload showed in the service's profile). */
const UploadFields = z.object({
  documentId: z.string().regex(DOCUMENT_ID),
  documentKind: DocumentKindSchema,
});

const fileProblems = {
  storeMissing: () =>
    new ProblemError(503, 'DOCUMENT_STORE_UNAVAILABLE', {
      vi: 'Kho tệp tài liệu chưa được cấu hình',
      en: 'No document file store is configured',
    }),
  multipartRequired: () =>
    new ProblemError(415, 'MULTIPART_REQUIRED', {
      vi: 'Hãy gửi tệp dưới dạng multipart/form-data',
      en: 'Send the file as multipart/form-data',
    }),
  fileMissing: () =>
    new ProblemError(400, 'FILE_MISSING', {
      vi: 'Yêu cầu không có phần tệp (file)',
      en: 'The request has no file part',
    }),
  fieldsInvalid: (detail: string) =>
    new ProblemError(
      400,
      'UPLOAD_FIELDS_INVALID',
      {
        vi: 'Cần các trường documentId và documentKind hợp lệ, gửi trước phần tệp',
        en: 'Valid documentId and documentKind fields are required, sent before the file part',
      },
      { detail },
    ),
  fileNameInvalid: () =>
    new ProblemError(400, 'FILE_NAME_INVALID', {
      vi: 'Tên tệp không hợp lệ (trống, quá dài, hoặc chứa ký tự đường dẫn hay ký tự điều khiển)',
      en: 'The file name is invalid (empty, too long, or holding path or control characters)',
    }),
  fileTooLarge: (maxBytes: number) =>
    new ProblemError(
      413,
      'FILE_TOO_LARGE',
      { vi: `Tệp vượt quá giới hạn ${maxBytes} byte`, en: `The file is larger than ${maxBytes} bytes` },
      { maxBytes },
    ),
  dossierFilesTooLarge: (maxBytes: number) =>
    new ProblemError(
      413,
      'DOSSIER_FILES_TOO_LARGE',
      {
        vi: `Tổng dung lượng tệp của hồ sơ sẽ vượt quá giới hạn ${maxBytes} byte`,
        en: `The dossier's files would exceed ${maxBytes} bytes in total`,
      },
      { maxBytes },
    ),
  truncated: () =>
    new ProblemError(400, 'UPLOAD_TRUNCATED', {
      vi: 'Tệp tải lên bị cắt ngang, không nhận được đầy đủ',
      en: 'The upload ended before the whole file arrived',
    }),
  typeNotAllowed: (detected: string | undefined) =>
    new ProblemError(
      415,
      'FILE_TYPE_NOT_ALLOWED',
      {
        vi: 'Chỉ nhận tệp PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS (kiểm tra theo nội dung tệp)',
        en: 'Only PDF, JPEG, PNG, DOCX, XLSX, ODT and ODS files are accepted (checked from the content)',
      },
      { detected: detected ?? null, allowed: DOCUMENT_MEDIA_TYPES },
    ),
  fileNotFound: (documentId: string) =>
    new ProblemError(404, 'DOCUMENT_FILE_NOT_FOUND', {
      vi: `Tài liệu ${documentId} không có tệp (hoặc phiên bản) này`,
      en: `Document ${documentId} has no such file (or version)`,
    }),
  rangeNotSatisfiable: (size: number) =>
    new ProblemError(
      416,
      'RANGE_NOT_SATISFIABLE',
      { vi: 'Khoảng byte yêu cầu nằm ngoài tệp', en: 'The requested byte range is outside the file' },
      { size },
    ),
  blobMissing: () =>
    // 500: nothing the client sends can fix it; it pages whoever runs the service, as a broken chain does.
    new ProblemError(500, 'DOCUMENT_FILE_MISSING', {
      vi: 'Tệp của tài liệu không còn trong kho hoặc đã bị thay đổi; sự cố đã được ghi lại',
      en: "The document's file is missing from the store or was altered; it has been logged",
    }),
} as const;

/** A file name is a label, never a path: no separators, no `..`, no control characters, at most 255 characters. */
export function isSafeFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    name.trim() === name &&
    name !== '.' &&
    name !== '..' &&
    // eslint-disable-next-line no-control-regex
    !/[/\\\u0000-\u001f\u007f]/.test(name) &&
    !name.includes('..')
  );
}

/**
 * Parses a `Range` header against a size: undefined for none (or several ranges, which are answered whole, as
 * RFC 9110 allows), 'unsatisfiable', or one inclusive range.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!match) return header.includes(',') ? undefined : 'unsatisfiable';
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return 'unsatisfiable';
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  return start >= size || end < start ? 'unsatisfiable' : { start, end };
}

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266), so Vietnamese names survive. */
function contentDisposition(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Passes the bytes through and fails at the end when their SHA-256 is not `expected`. The last chunk is held back
 * until the hash is known, so a client never receives every byte of a file that does not match.
 */
function hashChecked(expected: string, onMismatch: (actual: string) => void): Transform {
  const hash = createHash('sha256');
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback) {
      const actual = hash.digest('hex');
      if (actual === expected) return callback(null, held);
      onMismatch(actual);
      callback(new Error('document file does not match its hash'));
    },
  });
}

/** The media type sniffed from the staged bytes, when it is one of the accepted ones. */
async function sniff(staged: StagedBlob): Promise<string | undefined> {
  const stream = staged.read();
  try {
    return (await fileTypeFromStream(stream))?.mime;
  } finally {
    stream.destroy();
  }
}

/** Every file an event of the stream names, checked against the blob store: present, same size, same hash. */
export async function verifyFiles(blobs: BlobStore, events: readonly RecordedEvent[]) {
  const attached = events.filter((e) => e.type === ('DocumentFileAttached' satisfies EventType));
  const failures: { documentId: string; version: number; sha256: string; problem: string }[] = [];
  for (const event of attached) {
    const file = event.data as unknown as DocumentFileRecord;
    const at = { documentId: file.documentId, version: file.version, sha256: file.sha256 };
    const found = await blobs.stat(file.sha256);
    if (found === undefined) failures.push({ ...at, problem: 'missing' });
    else if (found.size !== file.size) failures.push({ ...at, problem: 'size' });
    else {
      const hash = createHash('sha256');
      for await (const chunk of await blobs.get(file.sha256)) hash.update(chunk as Buffer);
      if (hash.digest('hex') !== file.sha256) failures.push({ ...at, problem: 'hash' });
    }
  }
  return { ok: failures.length === 0, checked: attached.length, failures };
}

const documentFileRoutes: FastifyPluginCallbackZod = (fastify, _opts, done) => {
  const limits = fastify.documentLimits;
  const ports = commandPortsOf(fastify);
  const handle = commandHandler(ports);
  void fastify.register(multipart, {
    throwFileSizeLimit: true,
    // The file stream holds one socket read (64 KiB) before the parser pauses the request, instead of pausing it
    // for every chunk at Node's default 16 KiB; not more, since reading a stream joins whatever it holds into one
    // copied buffer.
    fileHwm: FILE_STREAM_BUFFER_BYTES,
    // Keep the name as sent: a name with a path in it is refused, never silently cut to its last segment.
    preservePath: true,
    limits: {
      fileSize: limits.maxFileBytes,
      files: 1,
      fields: 4,
      fieldSize: 1024,
      parts: 6,
      headerPairs: 100,
    },
  });
  const blobsOf = (): BlobStore => {
    if (fastify.blobs === undefined) throw fileProblems.storeMissing();
    return fastify.blobs;
  };

  fastify.post(
    '/dossiers/:id/documents/files',
    {
      schema: {
        tags: ['documents'],
        summary: 'Upload a document file (multipart: documentId, documentKind, then file)',
        description:
          'Tải lên tệp tài liệu (AttachDocumentFile). PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS; the type is sniffed ' +
          'from the content. A second upload for the same documentId is a new version.',
        security: [{ bearer: [] }],
        params: Params,
        headers: z.looseObject({ 'if-match': z.string().max(40).optional() }),
      },
      onRequest: async (request) => {
        await fastify.authenticate(request);
      },
    },
    (request, reply) => upload(fastify, ports, handle, blobsOf(), request, reply),
  );

  const download = async (
    request: FastifyRequest,
    reply: FastifyReply,
    params: { id: string; documentId: string; version?: number },
  ) => {
    const blobs = blobsOf();
    const principal = await fastify.authenticate(request);
    const { state } = await dossierFor(ports, principal, 'read', params.id);
    const versions = (state.files ?? []).filter((f) => f.documentId === params.documentId);
    const file =
      params.version === undefined ? versions.at(-1) : versions.find((f) => f.version === params.version);
    if (file === undefined) throw fileProblems.fileNotFound(params.documentId);
    const etag = `"${file.sha256}"`;
    void reply.header('etag', etag).header('accept-ranges', 'bytes').header('cache-control', 'private');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    const range = parseRange(request.headers.range, file.size);
    if (range === 'unsatisfiable') {
      void reply.header('content-range', `bytes */${file.size}`);
      throw fileProblems.rangeNotSatisfiable(file.size);
    }
    const stored = await blobs.stat(file.sha256);
    if (stored?.size !== file.size) {
      request.log.error({ dossierId: params.id, ...file, stored }, 'document file missing or altered');
      throw fileProblems.blobMissing();
    }
    await fastify.documentFiles.recordDownload({
      dossierId: params.id,
      documentId: file.documentId,
      version: file.version,
      sha256: file.sha256,
      actor: principal.actor,
      onBehalfOf: principal.onBehalfOf?.id,
      range: range && `bytes=${range.start}-${range.end}`,
      at: fastify.clock.now(),
    });
    const name = await fastify.documentFiles.nameOf(params.id, file.documentId, file.sha256);
    void reply
      .type(file.mediaType)
      .header('content-disposition', contentDisposition(name ?? `${file.documentId}-v${file.version}`));
    let body: Readable = await blobs.get(file.sha256, range);
    if (range === undefined) {
      // A whole download is re-hashed on the way out; bytes that are not the event's are cut off, not completed.
      body = body.pipe(
        hashChecked(file.sha256, (actual) =>
          request.log.error(
            { dossierId: params.id, ...file, actual },
            'document file does not match its hash',
          ),
        ),
      );
      void reply.header('content-length', String(file.size));
      return reply.code(200).send(body);
    }
    void reply
      .header('content-length', String(range.end - range.start + 1))
      .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
    return reply.code(206).send(body);
  };

  fastify.get(
    '/dossiers/:id/documents/:documentId/file',
    {
      schema: {
        tags: ['documents'],
        summary: 'The latest file of a document (Range, ETag = SHA-256); recorded in the download trail',
        security: [{ bearer: [] }],
        params: FileParams,
      },
    },
    (request, reply) => download(request, reply, request.params),
  );
  fastify.get(
    '/dossiers/:id/documents/:documentId/versions/:version/file',
    {
      schema: {
        tags: ['documents'],
        summary: 'One version of a document file (Range, ETag = SHA-256); recorded in the download trail',
        security: [{ bearer: [] }],
        params: VersionParams,
      },
    },
    (request, reply) => download(request, reply, request.params),
  );

  fastify.get(
    '/dossiers/:id/downloads',
    {
      schema: {
        tags: ['audit'],
        summary: "The dossier's download trail: who downloaded which file version, which range, when",
        security: [{ bearer: [] }],
        params: Params,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(1000) }),
      },
    },
    async (request) => {
      const principal = await fastify.authenticate(request);
      await dossierFor(ports, principal, 'audit', request.params.id);
      const trail = await fastify.documentFiles.downloadsOf(request.params.id, request.query.limit);
      return {
        dossierId: request.params.id,
        downloads: trail.map((d) => ({ ...d, at: d.at.toISOString() })),
      };
    },
  );

  fastify.get(
    '/audit/downloads',
    {
      schema: {
        tags: ['audit'],
        summary:
          'The read-access trail across dossiers, for auditors (the dossiers they may read) and data-protection ' +
          'officers (their unit): who downloaded which document of which dossier, when',
        security: [{ bearer: [] }],
        querystring: z.strictObject({
          actor: z
            .string()
            .regex(/^[A-Za-z0-9_.:@-]{1,200}$/)
            .optional()
            .describe('the id of the user who downloaded'),
          dossier: z.string().regex(DOSSIER_ID).optional(),
          document: z
            .string()
            .regex(/^[A-Za-z0-9_.:-]{1,100}$/)
            .optional(),
          from: z.iso.date().optional().describe('first day (Vietnam), inclusive'),
          to: z.iso.date().optional().describe('last day (Vietnam), inclusive'),
          after: z.coerce.number().int().min(0).optional().describe('the `next` of the previous page'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
    },
    async (request) => {
      const principal = await fastify.authenticate(request);
      const scope = readTrailFilterFor(principal.actor, {
        now: fastify.clock.now(),
        units: fastify.domainContext.units,
      });
      if (scope === undefined) {
        request.log.info({ actorId: principal.actor.id, reason: 'NO_TRAIL_RIGHTS' }, 'access denied');
        throw problems.outOfJurisdiction();
      }
      const q = request.query;
      const items = await fastify.documentFiles.trail(
        {
          actorId: q.actor,
          dossierId: q.dossier,
          documentId: q.document,
          from: q.from,
          to: q.to,
          afterId: q.after,
          limit: q.limit,
        },
        scope,
        fastify.readModels.schema,
      );
      // Who asked is part of the trail's own accountability: the query is logged with its filters.
      request.log.info(
        { actorId: principal.actor.id, role: principal.actor.role, query: q },
        'download trail read',
      );
      return {
        items: items.map((d) => ({ ...d, at: d.at.toISOString() })),
        next: items.length === q.limit ? items.at(-1)!.id : null,
      };
    },
  );
  done();
};

type Handle = ReturnType<typeof commandHandler>;

async function upload(
  fastify: FastifyInstance,
  ports: CommandPorts,
  handle: Handle,
  blobs: BlobStore,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const limits = fastify.documentLimits;
  const principal = await fastify.authenticate(request);
  const { id } = request.params as { id: string };
  const ifMatch = request.headers['if-match'];
  if (ifMatch === undefined) throw problems.ifMatchRequired();
  const expectedRevision = parseIfMatch(ifMatch);
  if (expectedRevision === undefined) throw problems.ifMatchMalformed();
  if (!request.isMultipart()) throw fileProblems.multipartRequired();
  // Judged before a byte of the file is read: a stranger's upload is never received.
  const { state } = await dossierAt(ports, principal, 'AttachDocumentFile', id, expectedRevision);
  const used = (state.files ?? []).reduce((sum, f) => sum + f.size, 0);
  const room = limits.maxDossierBytes - used;

  const part = await request.file().catch((error: unknown) => {
    throw multipartProblem(error, limits.maxFileBytes);
  });
  if (part === undefined) throw fileProblems.fileMissing();
  const fields = UploadFields.safeParse({
    documentId: fieldValue(part.fields, 'documentId'),
    documentKind: fieldValue(part.fields, 'documentKind'),
  });
  const drain = () => drainStream(part.file);
  let refusal: ProblemError | undefined;
  if (!fields.success)
    refusal = fileProblems.fieldsInvalid(fields.error.issues.map((i) => i.path).join(', '));
  else if (!isSafeFileName(part.filename)) refusal = fileProblems.fileNameInvalid();
  else if (room <= 0) refusal = fileProblems.dossierFilesTooLarge(limits.maxDossierBytes);
  if (refusal) {
    await drain();
    throw refusal;
  }
  const { documentId, documentKind } = fields.data!;

  let staged: StagedBlob;
  try {
    staged = await blobs.stage(readingToTheEnd(part.file), { maxBytes: Math.min(limits.maxFileBytes, room) });
  } catch (error) {
    await drain();
    if (error instanceof BlobTooLargeError && error.maxBytes < limits.maxFileBytes)
      throw fileProblems.dossierFilesTooLarge(limits.maxDossierBytes);
    throw multipartProblem(error, limits.maxFileBytes);
  }
  let committed: { created: boolean } | undefined;
  try {
    if (part.file.truncated) throw fileProblems.fileTooLarge(limits.maxFileBytes);
    const mediaType = await sniff(staged);
    if (!(DOCUMENT_MEDIA_TYPES as readonly (string | undefined)[]).includes(mediaType))
      throw fileProblems.typeNotAllowed(mediaType);
    const result = await handle(principal, {
      type: 'AttachDocumentFile',
      dossierId: id,
      body: { documentId, documentKind, sha256: staged.hash, size: staged.size, mediaType },
      expectedRevision,
      correlationId: correlationIdOf(request),
      causationId: request.id,
      beforeAppend: async () => {
        committed ??= await staged.commit();
      },
    });
    if (committed === undefined) await staged.discard();
    await fastify.documentFiles.rememberName(id, documentId, staged.hash, part.filename);
    // The state the append left in the cache (read again only when another writer's append took its place).
    const after = ports.dossiers.at(id, result.revision) ?? (await dossierFor(ports, principal, 'read', id));
    const version = (after.state?.files ?? []).filter((f) => f.documentId === documentId).at(-1)?.version;
    void reply
      .code(201)
      .header('etag', etagOf(result.revision))
      .header('location', `/dossiers/${id}/documents/${documentId}/versions/${version}/file`)
      .send({
        dossierId: id,
        revision: Number(result.revision),
        events: result.events,
        file: { documentId, documentKind, version, sha256: staged.hash, size: staged.size, mediaType },
      });
  } catch (error) {
    // Nothing stays of a refused upload: the staged bytes, or the blob this upload created before the append failed.
    if (committed === undefined) await staged.discard();
    else if (committed.created)
      await blobs
        .delete(staged.hash)
        .catch((e: unknown) => request.log.error({ err: e }, 'orphan blob not removed'));
    throw error;
  }
}

/**
 * The dossier for `action` at the caller's `If-Match` revision: from the cache when it holds exactly that revision
 * (no read; the command handler takes the same shortcut, and its conditional append fails, reads and judges again
 * if another process wrote meanwhile), else read from the store with its chain checked. Either way the principal
 * is judged before a byte of the file is received.
 */
async function dossierAt(
  ports: Pick<CommandPorts, 'store' | 'dossiers' | 'authorize' | 'log'>,
  principal: Principal,
  action: string,
  id: string,
  revision: bigint,
): Promise<CurrentDossier & { state: DossierState }> {
  const cached = ports.dossiers.at(id, revision);
  if (cached?.state === undefined) return dossierFor(ports, principal, action, id);
  checkJurisdiction(ports, principal, action, cached.state, id);
  return { ...cached, state: cached.state };
}

/**
 * Reads the rest of a stream and drops it. A reply sent while the client is still sending can end in a reset
 * connection, and the client would never read the refusal; the parser's size limit bounds what is read.
 */
async function drainStream(stream: Readable): Promise<void> {
  try {
    for await (const _ of stream) void _;
  } catch {
    // a truncated or oversized rest is dropped all the same
  }
}

/** The upload as a source that, when the store stops reading early (a limit passed), still reads it to the end. */
async function* readingToTheEnd(stream: Readable): AsyncGenerator<Uint8Array> {
  let finished = false;
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Uint8Array;
    finished = true;
  } finally {
    if (!finished) await drainStream(stream);
  }
}

function fieldValue(fields: Record<string, unknown>, name: string): unknown {
  const field = fields[name] as { type?: string; value?: unknown } | undefined;
  return field?.type === 'field' ? field.value : undefined;
}

/** Multipart parser and upload stream failures as problems; any other failure (the disk, the store) as it is. */
function multipartProblem(error: unknown, maxFileBytes: number): unknown {
  if (error instanceof ProblemError) return error;
  const code = (error as { code?: string } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE' || error instanceof BlobTooLargeError)
    return fileProblems.fileTooLarge(maxFileBytes);
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return fileProblems.multipartRequired();
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return fileProblems.fieldsInvalid('one file part and the fields documentId, documentKind');
  // The body ended (or the connection closed) before the file did.
  const message = error instanceof Error ? error.message : '';
  if (
    code === 'FST_MP_PREMATURE_CLOSE' ||
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    /unexpected end of|aborted|premature close/i.test(message)
  )
    return fileProblems.truncated();
  return error;
}

export default documentFileRoutes;
