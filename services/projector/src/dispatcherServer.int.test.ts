// The dispatcher's operator server over HTTP (real PostgreSQL for the parked-stream table): who may reach it, and
// where it listens by default.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateReadModels, parkStream } from '@ntm/projections';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { createTokenVerifier, LOCAL_AUDIENCE, LOCAL_ISSUER, signLocalToken } from '@ntm/auth';
import { createMetrics, loadConfig } from '@ntm/runtime';
import { startDispatcherServer } from './dispatcherServer.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `ops${randomBytes(4).toString('hex')}`;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const METRICS_TOKEN = 'm'.repeat(32);
const token = (role: 'administrator' | 'auditor') =>
  signLocalToken({
    privateKey,
    actor: { id: `${role}-1`, role, unit: '06' },
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    ttlSeconds: 600,
  });

let opened: OpenedPostgresStore;
let url: string;
let close: () => Promise<void>;
const woken: string[] = [];

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: `${tag}_events` });
  await migrateReadModels(opened.sql, `${tag}_rm`);
  await parkStream(
    opened.sql,
    'dossier-a',
    { code: 'POISON_EVENT', message: 'bad', revision: 0n },
    {
      schema: `${tag}_rm`,
      now: () => new Date().toISOString(),
    },
  );
  // As the dispatcher starts it, from the configuration's defaults (a free port instead of 9464).
  const config = loadConfig({
    DATABASE_URL,
    REDIS_URL: 'redis://127.0.0.1:6379',
    METRICS_PORT: '0',
    METRICS_TOKEN,
    LOG_LEVEL: 'silent',
  });
  const started = await startDispatcherServer({
    config,
    infra: { store: opened.store, sql: opened.sql, readModelSchema: `${tag}_rm` },
    verifyToken: createTokenVerifier({ keys: { publicKey }, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE }),
    queues: [],
    metrics: createMetrics('dispatcher'),
    wake: (streamId) => {
      woken.push(streamId);
      return Promise.resolve();
    },
  });
  url = started.url;
  const app = started.app;
  close = () => app.close();
});

afterAll(async () => {
  await close();
  for (const s of [`${tag}_events`, `${tag}_rm`])
    await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await opened.close();
});

const call = async (path: string, bearer?: string, method = 'GET') => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

describe("the dispatcher's operator server", () => {
  it('refuses the parked-stream routes to anonymous callers and to other roles', async () => {
    expect((await call('/projections/parked')).status).toBe(401);
    expect((await call('/projections/parked', await token('auditor'))).status).toBe(403);
    expect((await call('/projections/parked/dossier-a', undefined, 'DELETE')).status).toBe(401);
    expect((await call('/projections/parked/dossier-a', await token('auditor'), 'DELETE')).status).toBe(403);
    expect((await call('/metrics')).status).toBe(401);
  });

  it('answers a malformed stream id with a 400 problem', async () => {
    const answer = await call('/projections/parked/%00', await token('administrator'), 'DELETE');
    expect(answer.status).toBe(400);
    expect(answer.type).toMatch(/^application\/problem\+json/);
  });

  it('listens on the loopback interface unless told otherwise', () => {
    expect(new URL(url).hostname).toBe('127.0.0.1');
  });

  it('lets an administrator list and release parked streams, and the metrics token read /metrics only', async () => {
    const admin = await token('administrator');
    expect(JSON.parse((await call('/projections/parked', admin)).text)).toMatchObject({
      items: [{ stream_id: 'dossier-a', error_code: 'POISON_EVENT' }],
    });
    expect((await call('/projections/parked', METRICS_TOKEN)).status).toBe(401);
    const metrics = await call('/metrics', METRICS_TOKEN);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('ntm_projection_parked_streams 1');
    expect((await call('/metrics', admin)).status).toBe(200);
    expect((await call('/projections/parked/dossier-a', admin, 'DELETE')).status).toBe(204);
    expect(woken).toEqual(['dossier-a']);
    const again = await call('/projections/parked/dossier-a', admin, 'DELETE');
    expect(again.status).toBe(404);
    expect(JSON.parse(again.text)).toMatchObject({ code: 'STREAM_NOT_PARKED' });
  });
});
