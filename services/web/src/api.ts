/**
 * The web app's only way to the engine: the API's own routes, called in-process (`inject`, no socket) with the
 * signed-in person's access token. Every read and command therefore passes the same authentication, `can` checks,
 * validation and problem details as a call from any other client; the web app holds no rights of its own.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Lang } from './i18n.js';
import type { WebUser } from './session.js';

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  etag?: string | undefined;
}

/** An RFC 9457 problem as the API sends it. */
export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

/** The access token was refused (expired or withdrawn): the person signs in again. */
export class SessionExpiredError extends Error {
  constructor() {
    super('the API refused the session access token');
    this.name = 'SessionExpiredError';
  }
}

export interface Api {
  get<T>(url: string): Promise<ApiAnswer<T>>;
  /** a GET whose answer is passed on as it is (a file) */
  download(url: string): Promise<{ status: number; type: string; disposition?: string; payload: Buffer }>;
  /** a GET whose body is passed on as it streams (a document's file: never held whole), with the given headers */
  stream(url: string, headers?: Record<string, string>): Promise<StreamedAnswer>;
  post<T>(url: string, body: unknown, headers?: Record<string, string>): Promise<ApiAnswer<T>>;
  /** a POST of a body passed on as it came (a multipart upload), with its content type */
  upload<T>(
    url: string,
    contentType: string,
    payload: Buffer,
    headers?: Record<string, string>,
  ): Promise<ApiAnswer<T>>;
}

export interface StreamedAnswer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Readable;
}

/** The API as the signed-in person, in their language, from their address (the API's rate limit counts them). */
export function apiFor(fastify: FastifyInstance, request: FastifyRequest, user: WebUser, lang: Lang): Api {
  const call = async <T>(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> => {
    const response = await fastify.inject({
      method,
      url,
      remoteAddress: request.ip,
      headers: {
        authorization: `Bearer ${user.accessToken}`,
        'accept-language': lang,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    if (response.statusCode === 401) throw new SessionExpiredError();
    const etag = response.headers['etag'];
    return {
      status: response.statusCode,
      body: (response.body ? JSON.parse(response.body) : undefined) as T,
      etag: typeof etag === 'string' ? etag : undefined,
    };
  };
  return {
    get: (url) => call('GET', url),
    async download(url) {
      const response = await fastify.inject({
        method: 'GET',
        url,
        remoteAddress: request.ip,
        headers: { authorization: `Bearer ${user.accessToken}`, 'accept-language': lang },
      });
      if (response.statusCode === 401) throw new SessionExpiredError();
      const disposition = response.headers['content-disposition'];
      return {
        status: response.statusCode,
        type: String(response.headers['content-type'] ?? 'application/octet-stream'),
        ...(typeof disposition === 'string' ? { disposition } : {}),
        payload: response.rawPayload,
      };
    },
    async stream(url, headers = {}) {
      const response = await fastify.inject({
        method: 'GET',
        url,
        remoteAddress: request.ip,
        headers: { authorization: `Bearer ${user.accessToken}`, 'accept-language': lang, ...headers },
        payloadAsStream: true,
      });
      if (response.statusCode === 401) throw new SessionExpiredError();
      return { status: response.statusCode, headers: response.headers, body: response.stream() };
    },
    post: (url, body, headers) => call('POST', url, body, headers),
    async upload(url, contentType, payload, headers = {}) {
      const response = await fastify.inject({
        method: 'POST',
        url,
        remoteAddress: request.ip,
        headers: {
          authorization: `Bearer ${user.accessToken}`,
          'accept-language': lang,
          'content-type': contentType,
          ...headers,
        },
        payload,
      });
      if (response.statusCode === 401) throw new SessionExpiredError();
      return {
        status: response.statusCode,
        body: (response.body ? JSON.parse(response.body) : undefined) as never,
      };
    },
  };
}

/** A query string from the defined values only. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const text = search.toString();
  return text ? `?${text}` : '';
}
