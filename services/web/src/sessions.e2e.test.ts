/**
 * Two web processes behind one address share their sessions (ADR 0020): a person who signs in through one is
 * signed in on the other, and signing out on either ends the session on both. Sessions in the engine's SQL
 * database, and in Redis (`REDIS_URL`), each under a prefix of this test's own.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTORS_2025 } from '@ntm/testing';
import { startWebServer, type WebServer } from '../test/support/startWebServer.js';
import { csrfOf, Visitor } from '../test/support/browserless.js';

const OFFICIAL = ACTORS_2025.communeOfficial;
const ACCOUNTS = [{ id: OFFICIAL.id, role: OFFICIAL.role, unit: OFFICIAL.unit, name: 'Xã Quảng Bạch' }];
const NOW = new Date('2025-08-01T02:00:00Z');
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const started: WebServer[] = [];
afterAll(async () => {
  // Replicas first: the first server owns the schema.
  for (const server of started.reverse()) await server.close();
});

async function pair(sessions: NonNullable<Parameters<typeof startWebServer>[0]['sessions']>) {
  const first = await startWebServer({ now: NOW, accounts: ACCOUNTS, sessions });
  started.push(first);
  const second = await startWebServer({ now: NOW, accounts: ACCOUNTS, sessions, replicaOf: first });
  started.push(second);
  return [first, second] as const;
}

describe.each([
  ['the SQL database', { sql: true as const }],
  ['Redis', { redisUrl: REDIS_URL, prefix: `web-test-${randomUUID()}` }],
])('sessions in %s', (_name, sessions) => {
  it('are shared by two web processes: signed in on one, signed in and out on the other', async () => {
    const [first, second] = await pair(sessions);
    const onFirst = new Visitor(first.address);
    const landed = await onFirst.signIn(OFFICIAL.id);
    expect(new URL(landed.url).pathname).toBe('/inbox');

    const onSecond = onFirst.at(second.address);
    const inbox = await onSecond.get('/inbox');
    expect(inbox.status).toBe(200);
    expect(new URL(inbox.url).pathname).toBe('/inbox');
    expect(inbox.body).toContain('Hồ sơ chờ xử lý');

    const out = await onSecond.post('/logout', { _csrf: csrfOf(inbox.body) });
    expect(out.status).toBeLessThan(500);
    const again = await onFirst.get('/inbox');
    expect(again.url).toMatch(/\/login\/accounts\//);
  });
});
