/**
 * What an outsider or another identity of the same user can learn or do: a foreign dossier is not found, even
 * when asked to wait for a revision; an idempotent replay goes only to the identity (user, role, unit) that made
 * the request; a token in the query string is never echoed; the system's own command has no route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainActor } from '@ntm/domain';
import { communeJourney } from '@ntm/testing';
import { sendCommand } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
const [open, first] = journey.steps;

let t: TestServer;
let dossierId: string;
beforeAll(async () => {
  t = await startTestServer({ now: new Date(String(open!.ctx.now)), schemaPrefix: 'api_wsec' });
  const cursor: JourneyCursor = {};
  expect((await t.sendStep(open!, cursor)).status).toBe(201);
  dossierId = cursor.dossierId!;
});
afterAll(() => t.close());

const outsider: DomainActor = { id: 'cb-banthi', role: 'commune_official', unit: '02035' };

async function get(path: string, actor: DomainActor) {
  const response = await fetch(`${t.url}${path}`, {
    headers: { authorization: `Bearer ${await t.tokenFor(actor)}`, 'accept-language': 'en' },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('a dossier outside the caller’s jurisdiction', () => {
  it('is not found, exactly as a dossier that does not exist, and no wait is spent on it', async () => {
    const missing = 'no-such-dossier-0000';
    // minRevision far ahead: a reader would wait the whole waitMs; the outsider gets the answer of a missing id.
    const foreign = await get(`/dossiers/${dossierId}?minRevision=99&waitMs=5000`, outsider);
    const none = await get(`/dossiers/${missing}?minRevision=99&waitMs=5000`, outsider);
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body).replaceAll(dossierId, missing)).toBe(JSON.stringify(none.body));
  });
});

describe('an idempotent replay', () => {
  it('goes only to the identity that made the request, not to the same user id with other rights', async () => {
    const lawful = first!.ctx.actor;
    const key = 'replay-scope-0001';
    const send = (actor: DomainActor) =>
      t.tokenFor(actor).then((token) =>
        sendCommand({
          baseUrl: t.url,
          token,
          command: first!.command,
          dossierId,
          etag: '"0"',
          headers: { 'idempotency-key': key },
        }),
      );
    t.clock.set(new Date(first!.ctx.now));
    const done = await send(lawful);
    expect(done.status).toBe(200);
    const before = await t.countEvents();

    // Same `sub`, another commune: may not read the dossier, so it does not exist for them.
    const elsewhere = await send({ ...lawful, unit: '02035' });
    expect([elsewhere.status, elsewhere.body['code']]).toEqual([404, 'DOSSIER_NOT_FOUND']);
    // Same `sub`, as an auditor of the province: may read, may not write.
    const auditor = await send({ ...lawful, role: 'auditor', unit: '06' });
    expect([auditor.status, auditor.body['code']]).toEqual([403, 'OUT_OF_JURISDICTION']);
    // The identity that made it still gets its answer again.
    const again = await send(lawful);
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
    expect(again.body).toEqual(done.body);
    expect(await t.countEvents()).toBe(before);
  });
});

describe('a token in the query string', () => {
  it('is not echoed in the problem’s instance', async () => {
    const secret = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2VjcmV0LXNpZ25hdHVyZQ';
    const response = await fetch(`${t.url}/dossiers/${dossierId}?access_token=${secret}&waitMs=0`);
    const text = await response.text();
    expect(response.status).toBe(401);
    expect(text).not.toContain(secret);
    expect((JSON.parse(text) as { instance: string }).instance).toBe(`/dossiers/${dossierId}`);
  });
});

describe('ElapseDeadline', () => {
  it('has no route and is not in the OpenAPI document: only the deadline worker issues it', async () => {
    const administrator: DomainActor = { id: 'qt', role: 'administrator', unit: '06' };
    const response = await fetch(`${t.url}/dossiers/${dossierId}/deadlines/elapsed`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await t.tokenFor(administrator)}`,
        'content-type': 'application/json',
        'if-match': '"0"',
      },
      body: JSON.stringify({ deadlineId: 'verification-2024-04-01' }),
    });
    expect([response.status, ((await response.json()) as { code: string }).code]).toEqual([
      404,
      'ROUTE_NOT_FOUND',
    ]);
    const doc = (await fetch(`${t.url}/docs/json`).then((r) => r.json())) as { paths: object };
    expect(Object.keys(doc.paths)).not.toContain('/dossiers/{id}/deadlines/elapsed');
  });
});
