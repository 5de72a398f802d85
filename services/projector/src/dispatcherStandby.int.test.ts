// Dispatchers in pairs (ADR 0030), against the real PostgreSQL and Redis: the lease and its fencing token, then two
// dispatcher processes and a worker process, the leader SIGKILLed mid-run. Waits are on conditions (bounded).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { lead, openLease } from '@ntm/sql';
import { exited, freePort, sampleDossierEvents, spawnTypeScript } from '@ntm/testing';
import { compareReadModels, rebuild } from '@ntm/projections';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { createDispatcher } from './createDispatcher.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await Promise.race([cleanup().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
  }
});

interface Env {
  tag: string;
  opened: OpenedPostgresStore;
  eventsSchema: string;
  schema: string;
}

async function setup(): Promise<Env> {
  const tag = `s${randomBytes(4).toString('hex')}`;
  const env = {
    tag,
    eventsSchema: `${tag}_events`,
    schema: `${tag}_rm`,
    opened: await openPostgresStore({
      connectionString: DATABASE_URL,
      schema: `${tag}_events`,
      pollIntervalMs: 200,
    }),
  };
  cleanups.push(async () => {
    for (const s of [env.eventsSchema, env.schema, `${tag}_check`])
      await env.opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await env.opened.close();
  });
  cleanups.push(async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const keys = await redis.keys(`${tag}-bull:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  return env;
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the dispatcher lease', () => {
  it('has one holder; renewing keeps the token; a change of hands moves it; a clean release hands over at once', async () => {
    const env = await setup();
    const lease = await openLease(env.opened.sql, env.schema, 'dispatcher');
    expect(await lease.acquire('a', 60_000)).toBe(1n);
    expect(await lease.acquire('b', 60_000)).toBeNull();
    expect(await lease.acquire('a', 60_000)).toBe(1n);
    await lease.release('a');
    expect(await lease.acquire('b', 60_000)).toBe(2n);
    expect(await lease.acquire('a', 60_000)).toBeNull();
    // A lease that ran out (ttl 0: over by the next statement) is anyone's, with a new token.
    expect(await lease.acquire('b', 0)).toBe(2n);
    expect(await lease.acquire('a', 60_000)).toBe(3n);
  });

  it('leads while it holds the lease and stands by otherwise', async () => {
    const env = await setup();
    const lease = await openLease(env.opened.sql, env.schema, 'dispatcher');
    const events: string[] = [];
    const member = (holder: string) =>
      lead({
        lease,
        holder,
        ttlMs: 60_000,
        renewMs: 0,
        onLead: (token) => Promise.resolve(void events.push(`${holder} leads ${token}`)),
        onLose: () => Promise.resolve(void events.push(`${holder} stands by`)),
      });
    const a = member('a');
    const b = member('b');
    await a.tick();
    await b.tick();
    expect([a.token(), b.token()]).toEqual([1n, null]);
    await a.close();
    await b.tick();
    expect(events).toEqual(['a leads 1', 'a stands by', 'b leads 2']);
    await b.close();
  });

  it('keeps a fenced-off dispatcher from writing its positions over its successor’s', async () => {
    const env = await setup();
    const lease = await openLease(env.opened.sql, env.schema, 'dispatcher');
    const stale = await lease.acquire('old', 0);
    await lease.acquire('new', 60_000);
    let fenced = false;
    const tag = env.tag;
    const dispatcher = createDispatcher({
      store: env.opened.store,
      sql: env.opened.sql,
      redisUrl: REDIS_URL,
      schema: env.schema,
      queuePrefix: `${tag}-wake`,
      redisPrefix: `${tag}-bull`,
      partitions: 1,
      reconcileIntervalMs: 60_000,
      fence: { table: lease.table, name: 'dispatcher', token: stale!, onFenced: () => (fenced = true) },
    });
    cleanups.push(() => dispatcher.close());
    await dispatcher.start();
    await env.opened.sql.query(`UPDATE "${env.schema}".dispatcher_state SET handed_on = 42, confirmed = 42`);
    await dispatcher.reconcile();
    expect(fenced).toBe(true);
    const { rows } = await env.opened.sql.query<{ confirmed: string }>(
      `SELECT confirmed::text AS confirmed FROM "${env.schema}".dispatcher_state`,
    );
    expect(rows[0]!.confirmed).toBe('42');
  });
});

describe('two dispatcher processes and a worker', () => {
  it('the standby takes over when the leader is killed: every event projected once, read models equal a rebuild', async () => {
    const env = await setup();
    const dataDir = await mkdtemp(join(tmpdir(), 'ntm-standby-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const common = {
      ...process.env,
      DATABASE_URL,
      REDIS_URL,
      DATA_DIR: dataDir,
      DATABASE_SCHEMA: env.eventsSchema,
      READ_MODEL_SCHEMA: env.schema,
      QUEUE_PREFIX: `${env.tag}-wake`,
      BULLMQ_PREFIX: `${env.tag}-bull`,
      PARTITIONS: '2',
      WORKER_LOCK_MS: '1000',
      DEADLINE_TIMERS: 'off',
      DISPATCHER_LEASE_MS: '1500',
    };
    const spawnEntry = async (file: string) => {
      const output = { text: '' };
      const child: ChildProcess = spawnTypeScript(fileURLToPath(new URL(file, import.meta.url)), {
        env: { ...common, METRICS_PORT: String(await freePort()) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child.stdout!.on('data', (chunk) => (output.text += String(chunk)));
      cleanups.push(async () => {
        child.kill('SIGKILL');
        await exited(child);
      });
      return { child, output };
    };
    const first = await spawnEntry('./dispatcher.ts');
    await waitFor('the first dispatcher to lead', () =>
      first.output.text.includes('leading: following the log'),
    );
    const second = await spawnEntry('./dispatcher.ts');
    await waitFor('the second to stand by', () => second.output.text.includes('"leading":false'));
    await spawnEntry('./worker.ts');

    const ids = Array.from({ length: 6 }, (_, i) => `${env.tag}-${i}`);
    const histories = ids.map((id, i) =>
      sampleDossierEvents(
        { id, communeCode: String(1800 + i).padStart(5, '0'), districtCode: '061', year: 2023 },
        (k) => new Date(Date.UTC(2023, 0, 1) + k * 3_600_000).toISOString(),
      ),
    );
    const half = Math.floor(histories[0]!.length / 2);
    let appended = 0;
    const appendSteps = async (from: number, to: number) => {
      for (let step = from; step < to; step++)
        for (let i = 0; i < ids.length; i++) {
          await env.opened.store.append(`dossier-${ids[i]}`, [histories[i]![step]!], {
            expectedRevision: 'any',
          });
          appended++;
        }
    };
    const projectedAll = async () => {
      const { rows } = await env.opened.sql.query<{ n: number }>(
        `SELECT coalesce(sum(revision + 1), 0)::int AS n FROM "${env.schema}".checkpoints WHERE stream_id LIKE 'dossier-%'`,
      );
      return rows[0]!.n === appended;
    };

    await appendSteps(0, half);
    await waitFor('the first half projected', projectedAll);
    first.child.kill('SIGKILL');
    await exited(first.child);
    await appendSteps(half, histories[0]!.length);
    await waitFor('the standby to lead', () => second.output.text.includes('leading: following the log'));
    await waitFor('every event projected after the takeover', projectedAll);

    const check = `${env.tag}_check`;
    const rebuilt = await rebuild(env.opened.store, env.opened.sql, { schema: check });
    expect(rebuilt.events).toBe(appended);
    const diff = await compareReadModels(
      { sql: env.opened.sql, schema: env.schema },
      { sql: env.opened.sql, schema: check },
    );
    expect(diff.differences.slice(0, 3)).toEqual([]);
    expect(diff.rows).toBeGreaterThan(0);
  }, 180_000);
});
