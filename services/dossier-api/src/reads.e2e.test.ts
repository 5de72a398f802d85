/**
 * Reads and operations over HTTP: read-your-writes, correlation and delegation recorded in the envelope, the
 * OpenAPI document, health and readiness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dossierStreamId } from '@ntm/event-store';
import { communeJourney } from '@ntm/testing';
import { sendCommand } from '@ntm/testing';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
const journey = communeJourney('ntm', 1);
const [open, assess] = journey.steps as [(typeof journey.steps)[0], (typeof journey.steps)[0]];

beforeAll(async () => {
  t = await startTestServer({ now: new Date(String(open.ctx.now)), schemaPrefix: 'api_reads' });
});
afterAll(() => t.close());

describe('reads', () => {
  it('waits for a minimum revision, bounded, then answers with what is current', async () => {
    const token = await t.tokenFor(open.ctx.actor);
    const opened = await sendCommand({ baseUrl: t.url, token, command: open.command });
    const id = opened.body['dossierId'] as string;
    const read = (query: string) =>
      fetch(`${t.url}/dossiers/${id}${query}`, { headers: { authorization: `Bearer ${token}` } }).then(
        async (r) => ({
          etag: r.headers.get('etag'),
          body: (await r.json()) as { revision: number; allowedCommands: string[] },
        }),
      );
    const waiting = read('?minRevision=1&waitMs=5000');
    const written = await sendCommand({
      baseUrl: t.url,
      token,
      command: assess.command,
      dossierId: id,
      etag: opened.etag!,
    });
    expect(written.status).toBe(200);
    const seen = await waiting;
    expect(seen.etag).toBe('"1"');
    expect(seen.body.revision).toBe(1);
    expect(seen.body.allowedCommands).toContain('RecordSelfAssessment');
    // A revision that never comes: the wait ends at its bound and the current state is returned.
    expect((await read('?minRevision=99&waitMs=50')).body.revision).toBe(1);
  });

  it('records the correlation id and the delegation in every event, and echoes the correlation id', async () => {
    const chairman = { id: 'ct-tanlap', role: 'commune_chairman' as const, unit: open.ctx.actor.unit };
    const token = await t.tokenFor(open.ctx.actor, { onBehalfOf: chairman });
    const answer = await sendCommand({
      baseUrl: t.url,
      token,
      command: { ...open.command, unitCode: '02035' },
      headers: { 'x-correlation-id': 'corr-42' },
    });
    // Bản Thi (02035) is not the official's commune: refused, but the correlation id is still echoed.
    expect(answer.status).toBe(403);
    expect(answer.headers.get('x-correlation-id')).toBe('corr-42');

    const own = await sendCommand({
      baseUrl: t.url,
      token,
      command: journey.steps[0]!.command,
      headers: { 'x-correlation-id': 'corr-43' },
    });
    const events = await t.store.readStream(dossierStreamId(own.body['dossierId'] as string));
    expect(events[0]!.metadata).toMatchObject({
      correlationId: 'corr-43',
      actor: open.ctx.actor,
      onBehalfOf: chairman,
      occurredAt: t.clock.now().toISOString(),
      workflow: { id: 'commune-ntm', version: 1 },
      fromState: 'draft',
      toState: 'preparing',
    });
  });
});

describe('two API replicas over one store', () => {
  it('never serve a stale state from their caches: each sees the other’s writes', async () => {
    const other = await startTestServer({ now: new Date(String(open.ctx.now)), shareSchemaOf: t });
    try {
      // Each replica has its own test key pair: tokens are per replica.
      const token = await t.tokenFor(open.ctx.actor);
      const otherToken = await other.tokenFor(open.ctx.actor);
      const opened = await sendCommand({ baseUrl: t.url, token, command: open.command });
      const id = opened.body['dossierId'] as string;
      const viaOther = () =>
        fetch(`${other.url}/dossiers/${id}`, { headers: { authorization: `Bearer ${otherToken}` } }).then(
          (r) => r.headers.get('etag'),
        );
      expect(await viaOther()).toBe('"0"');
      const steps = journey.steps.filter((s) => s.command.type === 'RecordSelfAssessment').slice(0, 2);
      const first = await sendCommand({
        baseUrl: t.url,
        token,
        command: steps[0]!.command,
        dossierId: id,
        etag: '"0"',
      });
      expect(first.status).toBe(200);
      expect(await viaOther()).toBe('"1"');
      const stale = await sendCommand({
        baseUrl: other.url,
        token: otherToken,
        command: steps[1]!.command,
        dossierId: id,
        etag: '"0"',
      });
      expect(stale.status).toBe(412);
      const fresh = await sendCommand({
        baseUrl: other.url,
        token: otherToken,
        command: steps[1]!.command,
        dossierId: id,
        etag: '"1"',
      });
      expect(fresh.status).toBe(200);
      const back = await fetch(`${t.url}/dossiers/${id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(back.headers.get('etag')).toBe('"2"');
    } finally {
      await other.close();
    }
  });
});

describe('operations', () => {
  it('serves health, readiness and an OpenAPI 3 document with every command', async () => {
    expect(await fetch(`${t.url}/health`).then((r) => r.json())).toEqual({ status: 'ok' });
    expect(await fetch(`${t.url}/ready`).then((r) => r.json())).toMatchObject({
      status: 'ok',
      calendar: { ok: true },
    });
    const doc = (await fetch(`${t.url}/docs/json`).then((r) => r.json())) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/dossiers',
        '/dossiers/{id}/submit',
        '/dossiers/{id}/notice/open',
        '/dossiers/{id}/history',
        '/dossiers/{id}/verify',
      ]),
    );
    const ui = await fetch(`${t.url}/docs`);
    expect(ui.status).toBeLessThan(400);
  });

  it('sets security headers', async () => {
    const response = await fetch(`${t.url}/health`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    // Refusals (a problem written by the error handler) carry them too.
    const refused = await fetch(`${t.url}/dossiers/some-dossier`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    expect(refused.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});
