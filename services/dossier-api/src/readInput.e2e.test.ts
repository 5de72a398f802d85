/**
 * Bad query parameters on the read routes: a 400 problem from the API's one error handler (stable code, in
 * Vietnamese by default and in English on request), never a 500. Names of JavaScript built-ins are no filters,
 * and `overdue` is a filter of the deadlines only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
let token: string;
beforeAll(async () => {
  t = await startTestServer({ now: new Date('2025-08-01T02:00:00Z'), schemaPrefix: 'api_readin' });
  token = await t.tokenFor({ id: 'kt-19', role: 'auditor', unit: '19' });
});
afterAll(() => t.close());

const ROUTES = [
  '/dossiers',
  '/read/inbox',
  '/read/deadlines',
  '/read/progress',
  '/read/units/02038/recognition',
];
const BUILT_INS = [
  '__proto__=x',
  'constructor=x',
  'toString=x',
  'hasOwnProperty=x',
  'valueOf=1',
  'sort=constructor',
  'sort=__proto__',
  'sort=toString',
  'order=constructor',
  'limit=constructor',
  '__proto__[sort]=x',
  'constructor[prototype]=x',
];

const get = (path: string, language?: string) =>
  fetch(`${t.url}${path}`, {
    headers: { authorization: `Bearer ${token}`, ...(language ? { 'accept-language': language } : {}) },
  });

describe('read routes refuse bad query parameters', () => {
  for (const route of ROUTES) {
    it(`${route}: built-in names and bad values → 400 problem, in vi and en`, async () => {
      for (const query of [...BUILT_INS, 'kind=a&kind=b', 'limit=0', 'limit=9999', 'offset=-1']) {
        const vi = await get(`${route}?${query}`);
        const body = (await vi.json()) as { code: string; detail: string; status: number };
        expect([query, vi.status], JSON.stringify(body)).toEqual([query, 400]);
        expect(vi.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(['VALIDATION_FAILED', 'INVALID_QUERY']).toContain(body.code);
        const en = (await (await get(`${route}?${query}`, 'en')).json()) as { code: string; detail: string };
        expect(en.code).toBe(body.code);
        expect(en.detail).not.toBe(body.detail);
      }
    });
  }

  it('overdue is a filter of the deadlines, not of the dossiers or the inbox', async () => {
    for (const route of ['/dossiers', '/read/inbox', '/read/progress']) {
      for (const value of ['true', 'false']) {
        const response = await get(`${route}?overdue=${value}`);
        expect([route, value, response.status]).toEqual([route, value, 400]);
      }
    }
    for (const value of ['true', 'false'])
      expect((await get(`/read/deadlines?overdue=${value}`)).status).toBe(200);
    expect((await get('/read/deadlines?overdue=maybe')).status).toBe(400);
  });

  it('GET /read/dossiers is gone: the dossier list is GET /dossiers', async () => {
    const response = await get('/read/dossiers');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: string }).code).toBe('ROUTE_NOT_FOUND');
  });

  it('the read routes are in the OpenAPI document, with their query parameters', async () => {
    const doc = (await (await fetch(`${t.url}/docs/json`)).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>;
    };
    const parameters = (path: string) =>
      (doc.paths[path]?.get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(parameters('/read/inbox')).toEqual(expect.arrayContaining(['role', 'unitCode', 'sort', 'limit']));
    expect(parameters('/read/deadlines')).toEqual(expect.arrayContaining(['state', 'overdue', 'sort']));
    expect(parameters('/read/progress')).toEqual(expect.arrayContaining(['from', 'to']));
    expect(doc.paths['/read/units/{code}/recognition']?.get).toBeDefined();
    expect(parameters('/dossiers')).toEqual(expect.arrayContaining(['kind', 'status', 'sort']));
  });
});
