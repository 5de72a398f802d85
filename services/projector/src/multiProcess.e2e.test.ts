/**
 * Many processes, one truth (issue 17): 2 API processes, 2 dispatchers and 3 projector workers, all real processes
 * started from their TypeScript entry points, on the shared PostgreSQL (schemas of this test's own) and Redis (a key
 * prefix of its own), under a steady load of whole dossier journeys sent over HTTP by concurrent clients that spread
 * their commands over both API processes, as a load balancer would. Mid-run the ACTIVE dispatcher (the holder of
 * the lease, ADR 0030) and one worker are SIGKILLed. Then: every acknowledged command's events are in the store and
 * the dossier streams hold no other event; an idempotent retry (the same Idempotency-Key, sent to the other API
 * process) answers the same events and appends none; the standby took the lease over with a greater fencing token;
 * both API processes kept serving after the kill; and the read models the workers wrote equal a full rebuild row
 * by row (nothing projected twice, nothing missed). Every wait is a bounded poll on a condition; every process is
 * killed in afterAll, whatever the outcome.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalKeyPair, signLocalToken } from '@ntm/auth';
import { loadBacKan, type DomainActor } from '@ntm/domain';
import { dossierStreamId } from '@ntm/event-store';
import { compareReadModels, rebuild } from '@ntm/projections';
import { openLease, type Lease } from '@ntm/sql';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import {
  CHO_DON,
  communeJourney,
  exited,
  freePort,
  relocate,
  sendCommand,
  spawnTypeScript,
  TAN_LAP,
  type CommandAnswer,
  type JourneyStep,
} from '@ntm/testing';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** Concurrent clients, each driving whole dossiers one after the other. */
const CLIENTS = 4;
/** Dossiers driven through the whole 2022 commune procedure, one per commune of Chợ Đồn and Bạch Thông. */
const DOSSIERS = 8;
/** The share of the load's commands acknowledged before the strike. */
const STRIKE_AT = 0.35;
/** Every third command is sent again with its Idempotency-Key to the other API process. */
const RETRY_EVERY = 3;
/** The API's clock, as the API benchmark fixes it: after the journey's last date, before the 2025 reform. */
const NOW = '2024-06-10T02:00:00.000Z';
/** How long any one condition may take to come true (a bound on a poll, never a wait for time). */
const BOUND_MS = 60_000;

const tag = `mp${randomBytes(4).toString('hex')}`;
const eventsSchema = `${tag}_events`;
const readModelSchema = `${tag}_rm`;
const checkSchema = `${tag}_check`;
const redisPrefix = `${tag}-bull`;

/** A spawned service process and what it has printed so far (its stdout is kept flowing). */
interface Service {
  name: string;
  child: ChildProcess;
  output: { text: string };
}

const services: Service[] = [];
let dataDir: string;
let admin: OpenedPostgresStore;
let lease: Lease;
let apis: { name: string; url: string }[] = [];
let tokenFor: (actor: DomainActor) => Promise<string>;

async function eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + BOUND_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${BOUND_MS} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

function spawnService(name: string, entry: string, env: Record<string, string>): Service {
  const child = spawnTypeScript(entry, {
    env: {
      ...process.env,
      DATABASE_URL,
      REDIS_URL,
      DATA_DIR: dataDir,
      DATABASE_SCHEMA: eventsSchema,
      READ_MODEL_SCHEMA: readModelSchema,
      QUEUE_PREFIX: `${tag}-wake`,
      BULLMQ_PREFIX: redisPrefix,
      PARTITIONS: '3',
      WORKER_LOCK_MS: '2000',
      DISPATCHER_LEASE_MS: '1500',
      // The journeys' deadlines fall before the fixed clock: their timers would race the clients.
      DEADLINE_TIMERS: 'off',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const service = { name, child, output: { text: '' } };
  child.stdout!.on('data', (chunk) => (service.output.text += String(chunk)));
  services.push(service);
  return service;
}

async function printed(service: Service, line: string): Promise<void> {
  await eventually(`${service.name} to print "${line}"`, () => {
    if (service.child.exitCode !== null || service.child.signalCode !== null) {
      throw new Error(`${service.name} exited: ${service.output.text.slice(-2000)}`);
    }
    return service.output.text.includes(line);
  });
}

const dispatcher = async (name: string) =>
  spawnService(name, here('./dispatcher.ts'), { METRICS_PORT: String(await freePort()) });
const worker = async (name: string) =>
  spawnService(name, here('./worker.ts'), { METRICS_PORT: String(await freePort()) });

/** An API process with the clock fixed at NOW: the API benchmark's entry point, reused. */
async function api(name: string): Promise<{ name: string; url: string }> {
  const port = await freePort();
  const service = spawnService(name, here('../../../test/bench/src/api/benchServer.ts'), {
    PORT: String(port),
    HOST: '127.0.0.1',
    BENCH_NOW: NOW,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '100000000',
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(`${name} to answer /ready`, async () => {
    if (service.child.exitCode !== null) throw new Error(`${name} exited`);
    return fetch(`${url}/ready`).then(
      (r) => r.ok,
      () => false,
    );
  });
  return { name, url };
}

/** The holder string of a dispatcher is `host:pid:…` (dispatcher.ts): the process that holds the lease. */
const pidOf = (holder: string) => Number(holder.split(':')[1]);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ntm-multiprocess-'));
  // The token keys exist before any process reads them, so that every process verifies with the same key.
  const { privateKey } = await ensureLocalKeyPair(join(dataDir, 'keys'));
  const tokens = new Map<string, Promise<string>>();
  tokenFor = (actor) => {
    const key = `${actor.id}|${actor.role}|${actor.unit}`;
    let token = tokens.get(key);
    if (!token) tokens.set(key, (token = signLocalToken({ privateKey, actor, ttlSeconds: 3600 })));
    return token;
  };
  admin = await openPostgresStore({ connectionString: DATABASE_URL, schema: eventsSchema });
  // The first dispatcher creates the lease table and leads; the other one starts once it is there. One API process
  // at a time: the first creates what the data folder holds (audit and signing keys). Schemas are migrated under
  // an advisory lock, so the rest may start together.
  const first = await dispatcher('dispatcher-1');
  const firstApi = api('api-1');
  firstApi.catch(() => undefined); // awaited below; a failure there fails the start
  await printed(first, 'leading: following the log');
  lease = await openLease(admin.sql, readModelSchema, 'dispatcher');
  const second = await dispatcher('dispatcher-2');
  const workers = await Promise.all(['worker-1', 'worker-2', 'worker-3'].map(worker));
  apis = [await firstApi];
  apis.push(await api('api-2'));
  await printed(second, '"leading":false');
  await Promise.all(workers.map((w) => printed(w, 'worker ready')));
}, 240_000); // seven processes start from source on a shared machine: a bound, not an expectation

afterAll(async () => {
  // Everything is killed whatever happened; each step is bounded, and a failed one does not skip the others.
  await Promise.all(
    services.map(async ({ child }) => {
      child.kill('SIGKILL');
      await exited(child);
    }),
  );
  if (admin) {
    for (const schema of [eventsSchema, readModelSchema, checkSchema, `${checkSchema}__rebuild`]) {
      await admin.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    }
    await admin.close();
  }
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${redisPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The journeys: the scripted commune NTM dossier moved to communes of the province, one dossier each. */
function journeys(): JourneyStep[][] {
  const units = loadBacKan();
  const steps = communeJourney('ntm', 1).steps;
  return ['064', '063', '062']
    .flatMap((district) =>
      units
        .communesOf(district, NOW.slice(0, 10))
        .filter((c) => c.type === 'commune' && c.code !== TAN_LAP)
        .map((c) => ({ commune: c.code, district })),
    )
    .slice(0, DOSSIERS)
    .map(({ commune, district }) => relocate(steps, { [TAN_LAP]: commune, [CHO_DON]: district }));
}

/** A command the API acknowledged (2xx): which process, the dossier, its events. */
interface Acknowledged {
  api: string;
  dossierId: string;
  revision: number;
  eventIds: string[];
  /** acknowledged after the strike */
  afterStrike: boolean;
}

describe('2 API processes, 2 dispatchers, 3 workers under load; the active dispatcher and a worker killed', () => {
  it('loses nothing, doubles nothing, projects everything once, and the standby takes over', async () => {
    const plan = journeys();
    expect(plan).toHaveLength(DOSSIERS);
    const total = plan.reduce((n, steps) => n + steps.length, 0);
    const acknowledged: Acknowledged[] = [];
    const replays: { first: string[]; again: string[] }[] = [];
    const before = (await lease.current())!;
    let strike: Promise<void> | undefined;
    let struck = false;

    /** SIGKILLs the dispatcher that holds the lease, and a worker. */
    const kill = async () => {
      const leader = services.find((s) => s.child.pid === pidOf(before.holder));
      expect(leader, `the lease holder ${before.holder} is one of ours`).toBeDefined();
      const victim = services.find((s) => s.name === 'worker-2')!;
      for (const s of [leader!, victim]) s.child.kill('SIGKILL');
      await Promise.all([exited(leader!.child), exited(victim.child)]);
      struck = true;
    };

    /** Sends one command, retrying (same key) on what a client retries: no answer, 503, a key in progress. */
    const send = async (
      target: number,
      call: Omit<Parameters<typeof sendCommand>[0], 'baseUrl'>,
    ): Promise<CommandAnswer> => {
      const deadline = Date.now() + BOUND_MS;
      for (let attempt = 0; ; attempt++) {
        const answer = await sendCommand({ ...call, baseUrl: apis[(target + attempt) % 2]!.url }).catch(
          (error: unknown) => error as Error,
        );
        const retry =
          answer instanceof Error ||
          answer.status === 503 ||
          (answer.status === 409 && answer.body['code'] === 'IDEMPOTENCY_IN_PROGRESS');
        if (!retry) return answer;
        if (Date.now() > deadline)
          throw new Error(
            `no answer within the bound: ${answer instanceof Error ? answer.message : JSON.stringify(answer.body)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };

    let next = 0;
    let sent = 0;
    const client = async () => {
      for (let job = next++; job < plan.length; job = next++) {
        let dossierId: string | undefined;
        let etag: string | undefined;
        for (const step of plan[job]!) {
          const target = sent++ % 2;
          const call = {
            token: await tokenFor(step.ctx.actor),
            command: step.command,
            dossierId,
            etag,
            idempotencyKey: randomUUID(),
          };
          const answer = await send(target, call);
          expect(answer.status, `${step.command.type}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
          const body = answer.body as { dossierId: string; revision: number; events: { eventId: string }[] };
          const eventIds = body.events.map((e) => e.eventId);
          acknowledged.push({
            api: apis[target]!.name,
            dossierId: body.dossierId,
            revision: body.revision,
            eventIds,
            afterStrike: struck,
          });
          if (acknowledged.length % RETRY_EVERY === 0) {
            // A client that lost the answer sends the same request again, here to the other API process.
            const again = await send(target + 1, call);
            expect(again.status).toBe(answer.status);
            replays.push({
              first: eventIds,
              again: (again.body as { events: { eventId: string }[] }).events.map((e) => e.eventId),
            });
          }
          if (!strike && acknowledged.length >= total * STRIKE_AT) strike = kill();
          dossierId = body.dossierId;
          etag = answer.etag ?? undefined;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    await strike;
    expect(struck).toBe(true);

    // Every command of every journey was acknowledged, by both processes, before and after the strike.
    expect(acknowledged).toHaveLength(total);
    const servedAfter = new Set(acknowledged.filter((a) => a.afterStrike).map((a) => a.api));
    expect([...servedAfter].sort()).toEqual(['api-1', 'api-2']);

    // An idempotent retry answers the first answer's events, whichever process takes it.
    expect(replays.length).toBeGreaterThan(0);
    for (const r of replays) expect(r.again).toEqual(r.first);

    // The dossier streams hold exactly the acknowledged events, at the acknowledged revisions, each once.
    const dossiers = new Set(acknowledged.map((a) => a.dossierId));
    expect(dossiers.size).toBe(DOSSIERS);
    const stored: string[] = [];
    for (const dossierId of dossiers) {
      const events = await admin.store.readStream(dossierStreamId(dossierId));
      stored.push(...events.map((e) => e.eventId));
      for (const a of acknowledged.filter((x) => x.dossierId === dossierId)) {
        const first = a.revision - a.eventIds.length + 1;
        expect(events.slice(first, a.revision + 1).map((e) => e.eventId)).toEqual(a.eventIds);
      }
    }
    const acknowledgedIds = acknowledged.flatMap((a) => a.eventIds);
    expect(new Set(acknowledgedIds).size).toBe(acknowledgedIds.length);
    expect(stored.sort()).toEqual([...acknowledgedIds].sort());

    // The standby took over: another holder, a greater fencing token, and it leads.
    await eventually('the standby to take the lease', async () => {
      const now = await lease.current();
      return now !== null && now.holder !== before.holder && !now.expired;
    });
    const after = (await lease.current())!;
    expect(after.token).toBeGreaterThan(before.token);
    const standby = services.find((s) => s.child.pid === pidOf(after.holder))!;
    expect(standby.name).toMatch(/^dispatcher-/);
    await printed(standby, 'leading: following the log');

    // Everything projected: every dossier stream's checkpoint at its last revision.
    const head = await admin.store.headPosition();
    await eventually('every stream projected', async () => {
      const { rows } = await admin.sql.query<{ n: number }>(
        `SELECT coalesce(sum(revision + 1), 0)::int AS n FROM "${readModelSchema}".checkpoints
          WHERE stream_id LIKE 'dossier-%'`,
      );
      return rows[0]!.n === stored.length;
    });
    await eventually('the dispatcher to confirm the whole log', async () => {
      const { rows } = await admin.sql.query<{ confirmed: string }>(
        `SELECT confirmed::text AS confirmed FROM "${readModelSchema}".dispatcher_state`,
      );
      return rows[0] !== undefined && BigInt(rows[0].confirmed) >= head;
    });

    // Nothing projected twice or missed: the workers' read models equal a rebuild from the log, row by row.
    const rebuilt = await rebuild(admin.store, admin.sql, { schema: checkSchema });
    expect(rebuilt.parked).toEqual([]);
    const diff = await compareReadModels(
      { sql: admin.sql, schema: readModelSchema },
      { sql: admin.sql, schema: checkSchema },
    );
    expect(diff.differences.slice(0, 3)).toEqual([]);
    expect(diff.rows).toBeGreaterThan(stored.length / 10);
    const { rows: parked } = await admin.sql.query(
      `SELECT stream_id FROM "${readModelSchema}".parked_streams`,
    );
    expect(parked).toEqual([]);

    // The survivors are still up: one dispatcher, two workers, both API processes.
    const alive = services.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
    expect(alive.map((s) => s.name).sort()).toEqual(
      ['api-1', 'api-2', standby.name, 'worker-1', 'worker-3'].sort(),
    );
  }, 170_000);
});
