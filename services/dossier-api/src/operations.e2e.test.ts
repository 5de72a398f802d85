/**
 * The operator surface over HTTP: the BullMQ dashboard, `/metrics` and the parked-stream routes, behind the
 * administrator role, in `REDIS_URL` mode (real Redis and PostgreSQL, names unique to the test) and in the
 * default mode (inline projections). Waits are on conditions, bounded; never on time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parkStream } from '@ntm/projections';
import { communeJourney } from '@ntm/testing';
import { sendCommand } from '@ntm/testing';
import { startRedisMode, type RedisModeHarness } from '../test/support/redisHarness.js';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
const open = journey.steps[0]!;
const admin = { id: 'qt-backan', role: 'administrator' as const, unit: '06' };
const official = open.ctx.actor;
const auditor = { id: 'kt-backan', role: 'auditor' as const, unit: '06' };
const METRICS_TOKEN = 'scrape-token-0123456789abcdef0123456789';

/** Polls `check` until it holds, failing after a bound (a limit, not a timing assumption). */
async function waitFor(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A gauge's value in a Prometheus text exposition. */
function gauge(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no ${name} in metrics`);
  return Number(line.slice(name.length + 1));
}

function client(t: TestServer) {
  return async (path: string, auth?: Parameters<TestServer['tokenFor']>[0] | string, method = 'GET') => {
    const token = auth === undefined ? undefined : typeof auth === 'string' ? auth : await t.tokenFor(auth);
    const response = await fetch(`${t.url}${path}`, {
      method,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    };
  };
}

describe('operations in REDIS_URL mode', () => {
  let h: RedisModeHarness;
  let call: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await startRedisMode({ now: new Date(String(open.ctx.now)), metricsToken: METRICS_TOKEN });
    call = client(h.t);
  });
  afterAll(() => h.close());

  it('serves the dashboard, its API and its assets to administrators only', async () => {
    const page = await call('/admin/queues', admin);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    const asset = /src="(static\/js\/main\.[^"]+\.js)"/.exec(page.text)?.[1];
    expect(asset).toBeDefined();
    const api = await call('/admin/queues/api/queues', admin);
    expect(api.status).toBe(200);
    const names = (JSON.parse(api.text) as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names).toHaveLength(2);
    expect(names.every((name) => name.endsWith('-wake-0') || name.endsWith('-wake-1'))).toBe(true);

    const paths = ['/admin/queues', '/admin/queues/api/queues', `/admin/queues/${asset!}`];
    expect((await call(paths[2]!, admin)).status).toBe(200);
    for (const path of paths) {
      const anonymous = await call(path);
      expect(anonymous.status, path).toBe(401);
      expect(JSON.parse(anonymous.text)).toMatchObject({ code: 'UNAUTHENTICATED' });
      for (const actor of [official, auditor]) {
        const denied = await call(path, actor);
        expect(denied.status, `${path} as ${actor.role}`).toBe(403);
        expect(JSON.parse(denied.text)).toMatchObject({ code: 'ADMINISTRATOR_ONLY' });
      }
      // The metrics token opens /metrics only.
      expect((await call(path, METRICS_TOKEN)).status, path).toBe(401);
    }
    // Writes through the dashboard's API are guarded the same way.
    expect((await call('/admin/queues/api/queues/pause', official, 'PUT')).status).toBe(403);
  });

  it('reports projection lag in /metrics, which falls to 0 once the projector has caught up', async () => {
    const opened = await sendCommand({
      baseUrl: h.t.url,
      token: await h.t.tokenFor(official),
      command: open.command,
    });
    expect(opened.status).toBe(201);
    // No projector runs yet: the event is in the log and nothing is confirmed projected.
    const before = await call('/metrics', admin);
    expect(before.status).toBe(200);
    expect(before.type).toContain('text/plain');
    expect(gauge(before.text, 'ntm_projection_head_position')).toBeGreaterThan(0);
    expect(gauge(before.text, 'ntm_projection_lag_events')).toBe(
      gauge(before.text, 'ntm_projection_head_position'),
    );

    await h.startProjector();
    let last = '';
    await waitFor('lag 0', async () => {
      last = (await call('/metrics', METRICS_TOKEN)).text;
      return gauge(last, 'ntm_projection_lag_events') === 0;
    });
    expect(gauge(last, 'ntm_projection_lag_seconds')).toBe(0);
    expect(gauge(last, 'ntm_projection_confirmed_position')).toBe(
      gauge(last, 'ntm_projection_head_position'),
    );
    expect(last).toMatch(/ntm_projection_queue_waiting\{queue="[^"]+-wake-0"\} \d+/);

    expect((await call('/metrics')).status).toBe(401);
    expect((await call('/metrics', official)).status).toBe(403);
    expect((await call('/metrics', `${METRICS_TOKEN}x`)).status).toBe(401);
  });
});

describe('parked streams in REDIS_URL mode', () => {
  let h: RedisModeHarness;
  beforeAll(async () => {
    h = await startRedisMode({ now: new Date(String(open.ctx.now)) });
  });
  afterAll(() => h.close());

  it('lists parked streams and releases one, which the projector then catches up', async () => {
    const call = client(h.t);
    const opened = await sendCommand({
      baseUrl: h.t.url,
      token: await h.t.tokenFor(official),
      command: open.command,
    });
    expect(opened.status).toBe(201);
    const dossierId = opened.body['dossierId'] as string;
    const streamId = `dossier-${dossierId}`;
    // Parked before any projector runs, so it is never projected until released.
    await parkStream(
      h.t.sql,
      streamId,
      { code: 'POISON_EVENT', message: 'test', revision: 0n },
      { schema: h.t.readModelSchema, now: () => '2024-01-01T00:00:00.000Z' },
    );
    await h.startProjector();
    // A parked stream does not hold the confirmation back: lag falls to 0, and the dossier is not in the list.
    await waitFor('lag 0', async () => {
      const metrics = await call('/metrics', admin);
      return gauge(metrics.text, 'ntm_projection_lag_events') === 0;
    });
    const listOf = async () => (await call('/dossiers', auditor)).text;
    expect(await listOf()).not.toContain(dossierId);
    expect(gauge((await call('/metrics', admin)).text, 'ntm_projection_parked_streams')).toBe(1);

    expect((await call('/projections/parked')).status).toBe(401);
    expect((await call('/projections/parked', auditor)).status).toBe(403);
    const listed = await call('/projections/parked', admin);
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.text)).toMatchObject({
      items: [{ stream_id: streamId, error_code: 'POISON_EVENT' }],
    });

    const path = `/projections/parked/${encodeURIComponent(streamId)}`;
    expect((await call(path, official, 'DELETE')).status).toBe(403);
    expect((await call(path, admin, 'DELETE')).status).toBe(204);
    expect(JSON.parse((await call('/projections/parked', admin)).text)).toEqual({ items: [] });
    const again = await call(path, admin, 'DELETE');
    expect(again.status).toBe(404);
    expect(JSON.parse(again.text)).toMatchObject({ code: 'STREAM_NOT_PARKED' });

    // The release enqueued a wake-up: the worker projects the dossier into the list.
    await waitFor('the released dossier in the list', async () => (await listOf()).includes(dossierId));
  });
});

describe('operations in the default mode (inline projections)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ now: new Date(String(open.ctx.now)), schemaPrefix: 'api_ops_inline' });
  });
  afterAll(() => t.close());

  it('has no dashboard, and reports the inline projector caught up after a command', async () => {
    const call = client(t);
    expect((await call('/admin/queues', admin)).status).toBe(404);
    const opened = await sendCommand({
      baseUrl: t.url,
      token: await t.tokenFor(official),
      command: open.command,
    });
    expect(opened.status).toBe(201);
    const metrics = await call('/metrics', admin);
    expect(metrics.status).toBe(200);
    expect(gauge(metrics.text, 'ntm_projection_head_position')).toBeGreaterThan(0);
    expect(gauge(metrics.text, 'ntm_projection_lag_events')).toBe(0);
    expect(metrics.text).not.toContain('ntm_projection_queue_waiting');
    expect((await call('/metrics', official)).status).toBe(403);
  });
});
