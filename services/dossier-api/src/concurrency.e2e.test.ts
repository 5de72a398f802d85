/**
 * Concurrent writers and retried requests over HTTP on the PostgreSQL store: optimistic concurrency lets exactly
 * one of many same-revision writes through, and an Idempotency-Key appends once however often it is retried,
 * even when the stored answer was lost (a crash between append and answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dossierStreamId, verifyChain } from '@ntm/event-store';
import { communeJourney, type JourneyStep } from '@ntm/testing';
import { sendCommand } from '@ntm/testing';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ now: new Date('2024-04-01T02:00:00Z'), schemaPrefix: 'api_conc' });
});
afterAll(() => t.close());

const journey = communeJourney('ntm', 1);
const [open, ...rest] = journey.steps as [JourneyStep, ...JourneyStep[]];
const assessments = rest.filter((s) => s.command.type === 'RecordSelfAssessment');

async function openDossier(): Promise<{ dossierId: string; etag: string }> {
  t.clock.set(new Date(open.ctx.now));
  const answer = await sendCommand({
    baseUrl: t.url,
    token: await t.tokenFor(open.ctx.actor),
    command: open.command,
  });
  expect(answer.status).toBe(201);
  return { dossierId: answer.body['dossierId'] as string, etag: answer.etag! };
}

describe('concurrent writes', () => {
  it('lets exactly one of 50 writes with the same If-Match through; the others get 412 and the chain verifies', async () => {
    const { dossierId, etag } = await openDossier();
    const token = await t.tokenFor(open.ctx.actor);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sendCommand({
          baseUrl: t.url,
          token,
          command: assessments[i % assessments.length]!.command,
          dossierId,
          etag,
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(49);
    expect(answers.filter((a) => a.status === 412).every((a) => a.body['code'] === 'REVISION_MISMATCH')).toBe(
      true,
    );
    const events = await t.store.readStream(dossierStreamId(dossierId));
    expect(events).toHaveLength(2);
    expect(verifyChain(events)).toEqual({ ok: true, count: 2 });
  });

  it('appends once for 50 concurrent retries with one Idempotency-Key, and answers all of them alike', async () => {
    const { dossierId, etag } = await openDossier();
    const token = await t.tokenFor(open.ctx.actor);
    const call = {
      baseUrl: t.url,
      token,
      command: assessments[0]!.command,
      dossierId,
      etag,
      idempotencyKey: 'retry-0001-abcdef',
    };
    const answers = await Promise.all(Array.from({ length: 50 }, () => sendCommand(call)));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 50 }, () => 200));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(new Set(answers.map((a) => a.etag))).toEqual(new Set(['"1"']));
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(49);
    expect(await t.store.readStream(dossierStreamId(dossierId))).toHaveLength(2);

    const later = await sendCommand(call);
    expect(later.status).toBe(200);
    expect(later.body).toEqual(answers[0]!.body);
    const reused = await sendCommand({ ...call, command: assessments[1]!.command });
    expect(reused.status).toBe(422);
    expect(reused.body['code']).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await t.store.readStream(dossierStreamId(dossierId))).toHaveLength(2);
  });

  it('refuses with 412 a write based on a state another API process has since moved past', async () => {
    // Two replicas on one store: each caches folded states, so the write must not trust a stale cache.
    const replica = await startTestServer({ now: new Date(open.ctx.now), shareSchemaOf: t });
    try {
      const { dossierId, etag } = await openDossier();
      const token = await t.tokenFor(open.ctx.actor);
      // Each test server signs with its own key.
      const send = async (server: TestServer, step: JourneyStep, ifMatch: string) =>
        sendCommand({
          baseUrl: server.url,
          token: await server.tokenFor(open.ctx.actor),
          command: step.command,
          dossierId,
          etag: ifMatch,
        });
      // The first replica reads the dossier at revision 0, the second one then writes revision 1.
      const read = await fetch(`${t.url}/dossiers/${dossierId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(read.headers.get('etag')).toBe(etag);
      expect((await send(replica, assessments[0]!, etag)).status).toBe(200);
      const stale = await send(t, assessments[1]!, etag);
      expect(stale.status).toBe(412);
      expect(stale.body['code']).toBe('REVISION_MISMATCH');
      const current = await send(t, assessments[1]!, '"1"');
      expect(current.status).toBe(200);
      expect(await t.store.readStream(dossierStreamId(dossierId))).toHaveLength(3);
    } finally {
      await replica.close();
    }
  });

  it('answers a retry from the stream when the first answer was lost, without appending again', async () => {
    const { dossierId, etag } = await openDossier();
    const token = await t.tokenFor(open.ctx.actor);
    const call = {
      baseUrl: t.url,
      token,
      command: assessments[0]!.command,
      dossierId,
      etag,
      idempotencyKey: 'crash-0001-abcdef',
    };
    const first = await sendCommand(call);
    expect(first.status).toBe(200);
    // Simulate a crash after the append and before the answer was stored: the key's row never completed.
    await t.sql.query(`DELETE FROM "${t.schema}".idempotency WHERE key = $1`, ['crash-0001-abcdef']);
    const retry = await sendCommand(call);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await t.store.readStream(dossierStreamId(dossierId))).toHaveLength(2);
  });

  it('opens a dossier once for retried creations with one Idempotency-Key', async () => {
    t.clock.set(new Date(open.ctx.now));
    // Xã Bản Thi (02035), Chợ Đồn: its own official opens it.
    const token = await t.tokenFor({ id: 'cb-banthi-1', role: 'commune_official', unit: '02035' });
    const call = {
      baseUrl: t.url,
      token,
      command: { ...open.command, unitCode: '02035' },
      idempotencyKey: 'open-02035-2024',
    };
    const answers = await Promise.all(Array.from({ length: 10 }, () => sendCommand(call)));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 10 }, () => 201));
    expect(new Set(answers.map((a) => a.body['dossierId'])).size).toBe(1);
    const dossierId = answers[0]!.body['dossierId'] as string;
    expect((await t.store.readStream(dossierStreamId(dossierId))).map((e) => e.type)).toEqual([
      'DossierOpened',
    ]);
  });
});
