/**
 * Bad input over HTTP: every malformed request gets a 4xx problem document with a stable code, none a 5xx, and
 * nothing reaches the log (the store's head position does not move).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { communeJourney } from '@ntm/testing';
import { sendCommand } from '@ntm/testing';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
let dossierId: string;
let token: string;
const journey = communeJourney('ntm', 1);
const open = journey.steps[0]!;
const assess = journey.steps[1]!;

beforeAll(async () => {
  t = await startTestServer({ now: new Date(String(open.ctx.now)), schemaPrefix: 'api_bad' });
  token = await t.tokenFor(open.ctx.actor);
  const opened = await sendCommand({ baseUrl: t.url, token, command: open.command });
  dossierId = opened.body['dossierId'] as string;
});
afterAll(() => t.close());

const { type: _t, dossierId: _d, ...assessBody } = assess.command;

interface Case {
  name: string;
  method?: string;
  path: () => string;
  headers?: Record<string, string>;
  body?: string;
  status: number;
  code: string;
}

const json = { 'content-type': 'application/json' };
const cases: Case[] = [
  {
    name: 'malformed JSON',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: { ...json, 'if-match': '"0"' },
    body: '{"criterionCode": "1",',
    status: 400,
    code: 'MALFORMED_JSON',
  },
  {
    name: 'wrong types',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: { ...json, 'if-match': '"0"' },
    body: JSON.stringify({ ...assessBody, met: 'yes' }),
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'unknown field',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: { ...json, 'if-match': '"0"' },
    body: JSON.stringify({ ...assessBody, approvedBy: 'me' }),
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'missing body',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: { 'if-match': '"0"' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'array body',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: { ...json, 'if-match': '"0"' },
    body: '[]',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'oversized body',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: { ...json, 'if-match': '"0"' },
    body: JSON.stringify({ ...assessBody, pad: 'x'.repeat(300 * 1024) }),
    status: 413,
    code: 'BODY_TOO_LARGE',
  },
  {
    name: 'wrong media type',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: { 'content-type': 'text/xml', 'if-match': '"0"' },
    body: '<a/>',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'missing If-Match',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: json,
    body: JSON.stringify(assessBody),
    status: 428,
    code: 'IF_MATCH_REQUIRED',
  },
  {
    name: 'malformed If-Match',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: { ...json, 'if-match': 'W/"0"' },
    body: JSON.stringify(assessBody),
    status: 400,
    code: 'IF_MATCH_MALFORMED',
  },
  {
    name: 'stale If-Match',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: { ...json, 'if-match': '"7"' },
    body: JSON.stringify(assessBody),
    status: 412,
    code: 'REVISION_MISMATCH',
  },
  {
    name: 'malformed Idempotency-Key',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: { ...json, 'if-match': '"0"', 'idempotency-key': 'a b' },
    body: JSON.stringify(assessBody),
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'unknown dossier',
    path: () => '/dossiers/no-such-dossier/self-assessments',
    headers: { ...json, 'if-match': '"0"' },
    body: JSON.stringify(assessBody),
    status: 404,
    code: 'DOSSIER_NOT_FOUND',
  },
  {
    name: 'unknown dossier read',
    method: 'GET',
    path: () => '/dossiers/no-such-dossier',
    status: 404,
    code: 'DOSSIER_NOT_FOUND',
  },
  {
    name: 'encoded traversal',
    path: () => '/dossiers/..%2F..%2Fetc%2Fpasswd/self-assessments',
    headers: { ...json, 'if-match': '"0"' },
    body: JSON.stringify(assessBody),
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  // fetch normalises the dot segments away before sending: the request reaches no route.
  {
    name: 'dot-dot id',
    method: 'GET',
    path: () => '/dossiers/../../etc/passwd',
    status: 404,
    code: 'ROUTE_NOT_FOUND',
  },
  {
    name: 'traversal read',
    method: 'GET',
    path: () => '/dossiers/%2e%2e%2fsecrets/history',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'NUL in id',
    method: 'GET',
    path: () => '/dossiers/abc%00def',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'overlong id',
    method: 'GET',
    path: () => `/dossiers/${'a'.repeat(500)}`,
    status: 414,
    code: 'URI_TOO_LONG',
  },
  {
    name: 'id just over the limit',
    method: 'GET',
    path: () => `/dossiers/${'a'.repeat(81)}`,
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'bad revision query',
    method: 'GET',
    path: () => `/dossiers/${dossierId}/state?revision=-1`,
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'waitMs above bound',
    method: 'GET',
    path: () => `/dossiers/${dossierId}?minRevision=5&waitMs=60000`,
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'unknown list filter',
    method: 'GET',
    path: () => '/dossiers?colour=red',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  // A valid command whose text holds what the event log cannot store: refused at the edge, not a 500 from append.
  {
    name: 'U+0000 in a text field of a valid command',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: { ...json, 'if-match': '"0"' },
    body: JSON.stringify({ ...assessBody, indicators: [{ code: 'x\u0000y', value: 1 }] }),
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'lone surrogate in a text field of a valid command',
    path: () => `/dossiers/${dossierId}/self-assessments`,
    headers: { ...json, 'if-match': '"0"' },
    body: JSON.stringify({ ...assessBody, evidence: [{ description: 'ảnh \uD800' }] }),
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'anonymous caller with a malformed body: 401 before any parsing',
    path: () => '/dossiers',
    headers: { ...json, authorization: '' },
    body: '{"kind":',
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  { name: 'unknown route', method: 'GET', path: () => '/nowhere', status: 404, code: 'ROUTE_NOT_FOUND' },
  {
    name: 'domain refusal: command not allowed in step',
    path: () => `/dossiers/${dossierId}/submit`,
    headers: { ...json, 'if-match': '"0"' },
    body: JSON.stringify({ letterNo: '1/TTr' }),
    status: 409,
    code: 'COMMAND_NOT_ALLOWED_IN_STATE',
  },
];

describe('bad input', () => {
  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.code}, nothing appended`, async () => {
      const before = await t.countEvents();
      const response = await fetch(`${t.url}${c.path()}`, {
        method: c.method ?? 'POST',
        headers: { authorization: `Bearer ${token}`, ...c.headers },
        ...(c.body !== undefined ? { body: c.body } : {}),
      });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await response.json()) as {
        status: number;
        code: string;
        title: string;
        detail: string;
        type: string;
      };
      expect({ status: response.status, code: problem.code }).toEqual({ status: c.status, code: c.code });
      expect(problem).toMatchObject({
        status: c.status,
        type: expect.stringMatching(/^urn:ntm:problem:/) as string,
      });
      expect(await t.countEvents()).toBe(before);
    });
  }

  it('speaks Vietnamese by default and English on request, with the same code', async () => {
    const ask = (lang?: string) =>
      fetch(`${t.url}/dossiers/no-such-dossier`, {
        headers: { authorization: `Bearer ${token}`, ...(lang ? { 'accept-language': lang } : {}) },
      }).then((r) => r.json() as Promise<{ code: string; title: string; detail: string }>);
    const vi = await ask();
    const en = await ask('en-GB,en;q=0.9');
    expect(vi).toMatchObject({
      code: 'DOSSIER_NOT_FOUND',
      title: 'Không tìm thấy',
      detail: 'Không tìm thấy hồ sơ no-such-dossier',
    });
    expect(en).toMatchObject({
      code: 'DOSSIER_NOT_FOUND',
      title: 'Not found',
      detail: 'Dossier no-such-dossier not found',
    });
    const refusal = await sendCommand({
      baseUrl: t.url,
      token,
      command: { type: 'SubmitDossier', letterNo: '1/TTr' },
      dossierId,
      etag: '"0"',
      headers: { 'accept-language': 'en' },
    });
    expect(refusal.body['detail']).toMatch(/not allowed in step/);
  });
});
