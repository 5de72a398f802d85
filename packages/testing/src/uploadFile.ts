/**
 * Uploads a document file the way a browser form does (`multipart/form-data`: the fields documentId and
 * documentKind, then the file), streamed with chunked transfer encoding so that a file of any size is sent
 * without being held in memory. Used by the e2e tests and the documents benchmark.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';

export interface UploadCall {
  baseUrl: string;
  token: string;
  dossierId: string;
  /** the ETag to send as If-Match; absent: none is sent */
  etag?: string | undefined;
  documentId?: string | undefined;
  documentKind?: string | undefined;
  fileName: string;
  /** the file's bytes: whole, as chunks in hand, or as a stream of chunks */
  content: Uint8Array | readonly Uint8Array[] | AsyncIterable<Uint8Array>;
  /** end the body in the middle of the file (no closing boundary), as a dropped connection would */
  truncate?: boolean;
  /** the request's Content-Type instead of multipart (to test the refusal) */
  contentType?: string;
  language?: 'vi' | 'en';
}

export interface UploadAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

async function* multipartBody(call: UploadCall, boundary: string): AsyncGenerator<Uint8Array> {
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  let head = '';
  if (call.documentId !== undefined) head += field('documentId', call.documentId);
  if (call.documentKind !== undefined) head += field('documentKind', call.documentKind);
  const name = call.fileName.replaceAll('"', '%22');
  head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n`;
  head += 'Content-Type: application/octet-stream\r\n\r\n';
  yield Buffer.from(head, 'utf8');
  if (call.content instanceof Uint8Array) yield call.content;
  else yield* call.content;
  if (!call.truncate) yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

export function uploadDocumentFile(call: UploadCall): Promise<UploadAnswer> {
  const boundary = `ntm-${randomUUID()}`;
  const url = new URL(`/dossiers/${encodeURIComponent(call.dossierId)}/documents/files`, call.baseUrl);
  return new Promise<UploadAnswer>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${call.token}`,
          'content-type': call.contentType ?? `multipart/form-data; boundary=${boundary}`,
          'accept-language': call.language ?? 'en',
          ...(call.etag === undefined ? {} : { 'if-match': call.etag }),
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let body: Record<string, unknown> = {};
          try {
            body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
          } catch {
            body = { text };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    Readable.from(multipartBody(call, boundary)).pipe(req);
  });
}
