/**
 * A malformed stream id on the API's parked-stream release is the administrator's bad input, not a server
 * error: `%00` used to reach PostgreSQL and come back as a 500. Real PostgreSQL, inline projections.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

const admin = { id: 'qt-backan', role: 'administrator' as const, unit: '06' };

describe('DELETE /projections/parked/{streamId} with a malformed id', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ now: new Date('2024-06-10T02:00:00Z') });
  });
  afterAll(() => t.close());

  it("is a 400 problem in the caller's language, and refused before that to anyone but an administrator", async () => {
    const del = async (id: string, token?: string) =>
      fetch(`${t.url}/projections/parked/${id}`, {
        method: 'DELETE',
        headers: { 'accept-language': 'en', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
    expect((await del('%00')).status).toBe(401);
    const answer = await del('%00', await t.tokenFor(admin));
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await answer.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((await del('dossier-not-parked', await t.tokenFor(admin))).status).toBe(404);
  });

  it('answers a JSON content type with an empty body (found by the fuzz test) or an oversized body (found by the fuzz test) with a 4xx problem, not a 500', async () => {
    const answer = await fetch(`${t.url}/projections/parked/dossier-not-parked`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.tokenFor(admin)}` },
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await answer.json()).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    const oversized = await fetch(`${t.url}/projections/parked/dossier-not-parked?access_token=secret`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await t.tokenFor(admin)}` },
      body: 'x'.repeat(320_000),
    });
    expect(oversized.status).toBe(413);
    expect(await oversized.json()).toMatchObject({
      status: 413,
      instance: '/projections/parked/dossier-not-parked',
    });
  });
});
