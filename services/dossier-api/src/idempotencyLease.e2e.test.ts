/**
 * The Idempotency-Key lease over HTTP: a retry after the key's holder crashed goes through once the short lease
 * runs out (the retry waits for it, bounded), and while a live holder keeps the key a duplicate is told
 * IDEMPOTENCY_IN_PROGRESS with Retry-After. The holder's state is set in the table as a crash or a long command
 * leaves it; the lease's own timing is covered with an injected clock in idempotency.int.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dossierStreamId } from '@ntm/event-store';
import { communeJourney, type JourneyStep } from '@ntm/testing';
import { sendCommand } from '@ntm/testing';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ now: new Date('2024-04-01T02:00:00Z'), schemaPrefix: 'api_lease' });
});
afterAll(() => t.close());

const journey = communeJourney('ntm', 1);
const [open, ...rest] = journey.steps as [JourneyStep, ...JourneyStep[]];
const assessment = rest.find((s) => s.command.type === 'RecordSelfAssessment')!;

async function assessOnce(key: string) {
  t.clock.set(new Date(open.ctx.now));
  const token = await t.tokenFor(open.ctx.actor);
  const opened = await sendCommand({ baseUrl: t.url, token, command: open.command });
  expect(opened.status).toBe(201);
  const dossierId = opened.body['dossierId'] as string;
  const call = {
    baseUrl: t.url,
    token,
    command: assessment.command,
    dossierId,
    etag: opened.etag!,
    idempotencyKey: key,
  };
  const first = await sendCommand(call);
  expect(first.status).toBe(200);
  return { call, first, dossierId };
}

/** Puts the key back in the state its holder leaves it in: pending, leased for `seconds` more. */
async function pendingFor(key: string, seconds: number) {
  await t.sql.query(
    `UPDATE "${t.schema}".idempotency SET status = NULL, headers = NULL, body = NULL, owner = gen_random_uuid(),
            lease_until = now() + make_interval(secs => $2) WHERE key = $1`,
    [key, seconds],
  );
}

describe('Idempotency-Key lease', () => {
  it('lets the retry through once the lease of a holder that crashed mid-command has run out', async () => {
    const key = 'lease-crash-0001';
    const { call, first, dossierId } = await assessOnce(key);
    // The holder appended, then crashed before storing its answer, a moment ago.
    await pendingFor(key, 2);
    const retry = await sendCommand(call);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(await t.store.readStream(dossierStreamId(dossierId))).toHaveLength(2);
  });

  it('tells a duplicate of a command still running to retry later, with Retry-After', async () => {
    const key = 'lease-live-0001';
    const { call } = await assessOnce(key);
    // A live holder, renewing its lease: its key stays taken for longer than a duplicate waits.
    await pendingFor(key, 60);
    const duplicate = await sendCommand(call);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body['code']).toBe('IDEMPOTENCY_IN_PROGRESS');
    const retryAfter = Number(duplicate.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
});
