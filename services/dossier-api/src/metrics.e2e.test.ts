/**
 * Prometheus metrics from every process, scraped over HTTP and parsed with a Prometheus text parser: the API (in
 * process, `REDIS_URL` mode), and the projector's two dispatchers and a worker as the real processes they are, on
 * real PostgreSQL and Redis (schemas, queue names and key prefix of the test's own). After a command: the API's HTTP
 * counter for that route pattern and its append histogram rose, the lag per read model falls to 0 once projected,
 * exactly one dispatcher says it leads, and the worker serves its own registry behind the same token rule.
 * Waits are on conditions, bounded; never on time.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECTIONS } from '@ntm/projections';
import { communeJourney, freePort, scrapeMetrics, sendCommand, type Scrape } from '@ntm/testing';
import { deleteRedisKeys, REDIS_URL } from '../test/support/redisHarness.js';
import { spawnProjector, stopProcess } from '../test/support/projectorProcesses.js';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
const open = journey.steps[0]!;
const METRICS_TOKEN = 'scrape-token-metrics-0123456789abcdef01';
const HTTP = 'ntm_http_requests_total';
const APPEND = 'ntm_event_store_append_duration_seconds';

/** Polls `check` until it holds, failing after a bound (a limit, not a timing assumption). */
async function waitFor(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('metrics from every process', () => {
  const tag = `met${randomBytes(4).toString('hex')}`;
  const queues = {
    redisUrl: REDIS_URL,
    queuePrefix: `${tag}-wake`,
    redisPrefix: `${tag}-bull`,
    partitions: 2,
  };
  const deadlineQueue = `${tag}-deadlines`;
  let t: TestServer;
  let dataDir: string;
  const processes: ChildProcess[] = [];
  const dispatchers: string[] = [];
  let worker: string;

  beforeAll(async () => {
    t = await startTestServer({
      now: new Date(String(open.ctx.now)),
      redis: queues,
      schemaPrefix: tag,
      metricsToken: METRICS_TOKEN,
    });
    dataDir = await mkdtemp(join(tmpdir(), 'ntm-metrics-'));
    const env = {
      DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
      REDIS_URL,
      DATA_DIR: dataDir,
      DATABASE_SCHEMA: t.schema,
      READ_MODEL_SCHEMA: t.readModelSchema,
      QUEUE_PREFIX: queues.queuePrefix,
      BULLMQ_PREFIX: queues.redisPrefix,
      PARTITIONS: String(queues.partitions),
      DEADLINE_QUEUE: deadlineQueue,
      METRICS_TOKEN,
      WORKER_CONCURRENCY: '2',
      LOG_LEVEL: 'info',
    };
    const workerPort = await freePort();
    worker = `http://127.0.0.1:${workerPort}`;
    processes.push(
      await spawnProjector('worker', { ...env, WORKER_METRICS_PORT: String(workerPort) }, 'worker ready'),
    );
    for (let i = 0; i < 2; i += 1) {
      const port = await freePort();
      dispatchers.push(`http://127.0.0.1:${port}`);
      processes.push(
        await spawnProjector('dispatcher', { ...env, METRICS_PORT: String(port) }, 'dispatcher started'),
      );
    }
  });
  afterAll(async () => {
    try {
      await Promise.all(processes.map(stopProcess));
      await t?.close();
    } finally {
      await deleteRedisKeys(queues.redisPrefix);
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
  });

  const api = () => scrapeMetrics(t.url, METRICS_TOKEN);
  const leaders = async () =>
    (await Promise.all(dispatchers.map((url) => scrapeMetrics(url, METRICS_TOKEN)))).map(
      (s) => s.value('ntm_dispatcher_leader') ?? Number.NaN,
    );

  it('counts the command by its route pattern and times its append; the read models catch up, one dispatcher leads', async () => {
    const before = await api();
    const token = await t.tokenFor(open.ctx.actor);
    const opened = await sendCommand({ baseUrl: t.url, token, command: open.command });
    expect(opened.status).toBe(201);
    const dossierId = opened.body['dossierId'] as string;
    // A read by id and a path no route has: their series carry the patterns, never the raw URLs.
    const read = await fetch(`${t.url}/dossiers/${encodeURIComponent(dossierId)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.status).toBe(200);
    expect((await fetch(`${t.url}/no-such-route-${tag}`)).status).toBe(404);
    const forgedToken = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    const forged = await fetch(`${t.url}/dossiers/${encodeURIComponent(dossierId)}`, {
      headers: { authorization: `Bearer ${forgedToken}` },
    });
    expect(forged.status).toBe(401);

    const after = await api();
    // The token was checked once and then answered from the cache; the forged copy was refused (ADR 0068).
    const checks = (outcome: string) =>
      (after.value('ntm_auth_token_checks_total', { outcome }) ?? 0) -
      (before.value('ntm_auth_token_checks_total', { outcome }) ?? 0);
    expect([checks('verified'), checks('cached'), checks('refused'), checks('joined')]).toEqual([2, 1, 1, 0]);
    expect(after.value('ntm_auth_token_cache_entries')).toBeGreaterThanOrEqual(1);
    const created = { method: 'POST', route: '/dossiers', status_class: '2xx' };
    expect((after.value(HTTP, created) ?? 0) - (before.value(HTTP, created) ?? 0)).toBe(1);
    expect(after.count('ntm_http_request_duration_seconds', created)).toBe(
      before.count('ntm_http_request_duration_seconds', created) + 1,
    );
    const routes = after.labelValues(HTTP, 'route');
    expect(routes).toContain('/dossiers/:id');
    expect(routes).toContain('unmatched');
    expect(routes.some((route) => route.includes(dossierId) || route.includes(tag))).toBe(false);
    // The opening appended to the dossier's stream (and the code counter's): at least one timed append, no conflict.
    expect(after.count(APPEND, { outcome: 'ok' })).toBeGreaterThan(before.count(APPEND, { outcome: 'ok' }));
    expect(after.value('ntm_event_store_appended_events_total')!).toBeGreaterThan(
      before.value('ntm_event_store_appended_events_total') ?? 0,
    );
    expect(after.value('ntm_calendar_ok')).toBe(1);
    expect(after.value('ntm_audit_log_ok')).toBe(1);

    // The dispatchers' registries: the lag of every read model falls to 0 once the worker has projected.
    let scrape: Scrape | undefined;
    await waitFor('the read models to catch up', async () => {
      scrape = await scrapeMetrics(dispatchers[0]!, METRICS_TOKEN);
      const lags = PROJECTIONS.map((p) => scrape!.value('ntm_read_model_lag_events', { read_model: p.name }));
      return lags.every((lag) => lag === 0);
    });
    for (const p of PROJECTIONS) {
      expect(scrape!.value('ntm_read_model_lag_seconds', { read_model: p.name })).toBe(0);
      expect(
        scrape!.value('ntm_read_model_checkpoint_age_seconds', { read_model: p.name }),
      ).toBeGreaterThanOrEqual(0);
    }
    expect(scrape!.value('ntm_projection_head_position')).toBeGreaterThan(0);
    expect(scrape!.value('ntm_projection_parked_streams')).toBe(0);
    for (const state of ['waiting', 'active', 'delayed', 'failed'])
      expect(scrape!.value('ntm_queue_jobs', { queue: deadlineQueue, state }), state).toBeDefined();
    expect([...new Set(scrape!.labelValues('ntm_queue_jobs', 'queue'))].sort()).toEqual(
      [deadlineQueue, `${queues.queuePrefix}-0`, `${queues.queuePrefix}-1`].sort(),
    );
    expect(scrape!.value('ntm_deadlines_overdue')).toBe(0);
    expect(scrape!.value('process_resident_memory_bytes')).toBeGreaterThan(0);

    // One leads, the other stands by (ADR 0030): what the "no active dispatcher" alert sums.
    await waitFor(
      'one dispatcher to lead',
      async () => (await leaders()).filter((v) => v === 1).length === 1,
    );
    expect((await leaders()).sort()).toEqual([0, 1]);
  });

  it("serves the worker's own registry (process metrics, stalled jobs) behind the metrics token rule", async () => {
    const denied = await fetch(`${worker}/metrics`);
    expect(denied.status).toBe(401);
    const wrong = await fetch(`${worker}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}x` },
    });
    expect(wrong.status).toBe(401);
    const scrape = await scrapeMetrics(worker, METRICS_TOKEN);
    expect(scrape.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(scrape.families.get('nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE');
    // Declared from the start (a series per queue once a job stalls), as are the append metrics of its timers.
    expect(scrape.families.get('ntm_queue_stalled_jobs_total')?.type).toBe('COUNTER');
    expect(scrape.families.get(APPEND)?.type).toBe('HISTOGRAM');
    // Its own HTTP series: the refused scrapes above, by pattern and status class.
    expect(scrape.value(HTTP, { route: '/metrics', status_class: '4xx' })).toBe(2);
    // The operator gauges are the API's and the dispatchers': a worker does not repeat them.
    expect(scrape.value('ntm_projection_lag_events')).toBeUndefined();
  });
});
