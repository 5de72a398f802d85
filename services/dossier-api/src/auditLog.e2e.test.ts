/**
 * The tamper-evident log in the service: checkpoints published at `/audit/checkpoints`, and the continuous
 * verifier turning `/ready` to 503 AUDIT_LOG_MISMATCH and `ntm_audit_log_ok` to 0 once a stream covered by a
 * checkpoint is deleted in SQL. The checkpointer and the verifier are run on demand through their administrator
 * routes (their timers are off here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLog, type LogReport, type PublishedKeys, type SignedCheckpoint } from '@ntm/audit';
import { dossierStreamId } from '@ntm/event-store';
import { communeJourney, sqlTamper } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
const open = journey.steps[0]!;
const admin = { id: 'qt-backan', role: 'administrator' as const, unit: '06' };

let t: TestServer;
let dossierId: string;
beforeAll(async () => {
  t = await startTestServer({ now: new Date(String(open.ctx.now)), schemaPrefix: 'api_auditlog' });
  const cursor: JourneyCursor = {};
  for (const step of journey.steps.slice(0, 6))
    expect((await t.sendStep(step, cursor)).status).toBeLessThan(300);
  dossierId = cursor.dossierId!;
});
afterAll(() => t.close());

async function adminPost<T>(path: string): Promise<T> {
  const response = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await t.tokenFor(admin)}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}
const checkpoint = async () =>
  (await adminPost<{ checkpoint: SignedCheckpoint | null }>('/admin/audit/checkpoint')).checkpoint;
const verifyNow = () => adminPost<LogReport>('/admin/audit/verify');

async function metric(): Promise<string | undefined> {
  const response = await fetch(`${t.url}/metrics`, {
    headers: { authorization: `Bearer ${await t.tokenFor(admin)}` },
  });
  expect(response.status).toBe(200);
  return /^ntm_audit_log_ok (\d)$/m.exec(await response.text())?.[1];
}

describe('the audit log in the service', () => {
  it('publishes signed checkpoints that a witness verifies with the published keys', async () => {
    const made = await checkpoint();
    expect(made?.body).toMatchObject({ seq: 1, count: 6 });
    const feed = (await (await fetch(`${t.url}/audit/checkpoints`)).json()) as {
      checkpoints: SignedCheckpoint[];
    };
    expect(feed.checkpoints.map((c) => c.body.seq)).toEqual([1]);
    const keys = (await (await fetch(`${t.url}/.well-known/ntm-audit-keys.json`)).json()) as PublishedKeys;
    const report = await verifyLog({ store: t.store, checkpoints: feed.checkpoints, keys: keys.keys });
    expect(report).toMatchObject({ ok: true, events: 6, verifiedUpTo: { seq: 1 } });
    expect((await fetch(`${t.url}/audit/checkpoints?after=1`)).status).toBe(200);
    expect((await fetch(`${t.url}/audit/checkpoints?limit=0`)).status).toBe(400);
  });

  it('turns /ready to 503 AUDIT_LOG_MISMATCH and the metric to 0 when a covered stream is deleted', async () => {
    expect((await verifyNow()).ok).toBe(true);
    expect((await fetch(`${t.url}/ready`)).status).toBe(200);
    expect(await metric()).toBe('1');

    await sqlTamper(t.sql, t.schema).deleteStream(dossierStreamId(dossierId));
    const report = await verifyNow();
    expect(report.failures[0]).toMatchObject({ check: 'count', checkpoint: 1, expected: '6', found: '0' });
    const ready = await fetch(`${t.url}/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { code: string }).code).toBe('AUDIT_LOG_MISMATCH');
    expect(await metric()).toBe('0');
  });
});
