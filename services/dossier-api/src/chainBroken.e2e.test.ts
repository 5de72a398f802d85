/**
 * A dossier whose stored events were altered in SQL (as an attacker with database access would) is never written
 * again: a command on it is refused with 500 CHAIN_BROKEN and appends nothing, whether the process reads the
 * whole stream (a cold cache, another replica) or only the new tail on top of its cache; the audit route still
 * names the bad event.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dossierStreamId } from '@ntm/event-store';
import { sqlTamper } from '@ntm/testing';
import { communeJourney } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
const [open, first, second, third] = journey.steps;

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer({ now: new Date(String(open!.ctx.now)), schemaPrefix: 'api_chain' });
});
afterEach(() => t.close());

/** Opens the dossier and records one self-assessment through `t`: revisions 0 and 1, both in `t`'s cache. */
async function twoEvents(): Promise<JourneyCursor & { dossierId: string }> {
  const cursor: JourneyCursor = {};
  for (const step of [open!, first!]) expect((await t.sendStep(step, cursor)).status).toBeLessThan(300);
  return cursor as JourneyCursor & { dossierId: string };
}

/** Flips a recorded self-assessment's `met`: the event still folds, only its hash tells it was changed. */
async function forge(streamId: string, revision: bigint): Promise<void> {
  const [event] = await t.store.readStream(streamId, { fromRevision: revision, maxCount: 1 });
  await sqlTamper(t.sql, t.schema).editData(streamId, revision, { ...event!.data, met: !event!.data['met'] });
}

async function get(
  server: TestServer,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${await server.tokenFor(open!.ctx.actor)}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('a dossier whose hash chain is broken', () => {
  it('is refused by a replica that reads the whole stream, and by the one whose cache held it once it reads', async () => {
    const cursor = await twoEvents();
    const streamId = dossierStreamId(cursor.dossierId);
    // The head, where the next command would chain on, is edited.
    await forge(streamId, 1n);
    const before = await t.countEvents();

    const replica = await startTestServer({ now: t.clock.now(), shareSchemaOf: t });
    try {
      const cold = await replica.sendStep(second!, { ...cursor });
      expect([cold.status, cold.body['code']]).toEqual([500, 'CHAIN_BROKEN']);
    } finally {
      await replica.close();
    }
    // The process that wrote it reads the tail from its cached head again, and finds the head edited.
    const read = await get(t, `/dossiers/${cursor.dossierId}`);
    expect([read.status, read.body['code']]).toEqual([500, 'CHAIN_BROKEN']);
    // From then on even a command naming the cached revision (which would skip the read) is refused.
    const warm = await t.sendStep(second!, { ...cursor });
    expect([warm.status, warm.body['code']]).toEqual([500, 'CHAIN_BROKEN']);
    expect(await t.countEvents()).toBe(before);

    const verify = await get(t, `/dossiers/${cursor.dossierId}/verify`);
    expect(verify.body).toMatchObject({ ok: false, firstBadRevision: '1', reason: 'hash_mismatch' });
  });

  it('is refused when only the new tail, written by another replica, is read on top of the cache', async () => {
    const cursor = await twoEvents();
    const replica = await startTestServer({ now: t.clock.now(), shareSchemaOf: t });
    try {
      // Revision 2 comes from the other replica; `t` still caches revision 1.
      const other = await replica.sendStep(second!, { ...cursor });
      expect(other.status).toBe(200);
    } finally {
      await replica.close();
    }
    const streamId = dossierStreamId(cursor.dossierId);
    await forge(streamId, 2n);
    const before = await t.countEvents();
    const answer = await t.sendStep(third!, { dossierId: cursor.dossierId, etag: '"2"' });
    expect([answer.status, answer.body['code']]).toEqual([500, 'CHAIN_BROKEN']);
    expect(await t.countEvents()).toBe(before);
  });

  it('tells an outsider nothing but that there is no such dossier', async () => {
    const cursor = await twoEvents();
    await forge(dossierStreamId(cursor.dossierId), 1n);
    const outsider = { id: 'ngoai', role: 'commune_official' as const, unit: '02035' };
    const response = await fetch(`${t.url}/dossiers/${cursor.dossierId}`, {
      headers: { authorization: `Bearer ${await t.tokenFor(outsider)}` },
    });
    expect([response.status, ((await response.json()) as { code: string }).code]).toEqual([
      404,
      'DOSSIER_NOT_FOUND',
    ]);
  });
});
