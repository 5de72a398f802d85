/**
 * The Idempotency-Key lease on the real PostgreSQL, with an injected clock: a crashed holder's key frees after a
 * few seconds, a running holder keeps it by renewing, and a holder that lost its lease cannot release the key
 * from under its successor.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import type { SqlClient } from '@ntm/sql';
import { IdempotencyStore, type Reservation } from './idempotency.js';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `api_idem_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const LEASE_MS = 5000;
let opened: OpenedPostgresStore;
let sql: SqlClient;
let now = Date.parse('2026-12-01T00:00:00Z');
let store: IdempotencyStore;

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString, schema, maxConnections: 2 });
  sql = opened.sql;
  store = new IdempotencyStore(sql, schema, { leaseMs: LEASE_MS, now: () => now });
  await store.init();
});
afterAll(async () => {
  await sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await opened.close();
});

const reserve = (key: string, fingerprint = 'f1') => store.reserve(key, 'actor-1', fingerprint);
function owned(reservation: Reservation): string {
  expect(reservation.kind).toBe('owner');
  return (reservation as { token: string }).token;
}

describe('Idempotency-Key lease', () => {
  it('frees the key of a holder that crashed once its short lease has run out', async () => {
    const key = `crash-${randomUUID()}`;
    owned(await reserve(key));
    // The holder dies here: it neither completes nor releases.
    now += 1000;
    expect(await reserve(key)).toEqual({ kind: 'pending', retryAfterSeconds: 4 });
    now += LEASE_MS - 1000 + 1;
    owned(await reserve(key));
  });

  it('keeps the key while its holder renews the lease', async () => {
    const key = `long-${randomUUID()}`;
    const token = owned(await reserve(key));
    now += LEASE_MS - 1000;
    expect(await store.renew(key, 'actor-1', token)).toBe(true);
    now += LEASE_MS - 1000;
    expect(await reserve(key)).toMatchObject({ kind: 'pending' });
    await store.complete(key, 'actor-1', { status: 200, headers: {}, body: { ok: true } });
    expect(await reserve(key)).toMatchObject({ kind: 'replay', response: { status: 200 } });
  });

  it('does not let a holder that lost its lease release or renew its successor’s key', async () => {
    const key = `late-${randomUUID()}`;
    const first = owned(await reserve(key));
    now += LEASE_MS + 1;
    const second = owned(await reserve(key));
    expect(second).not.toBe(first);
    expect(await store.renew(key, 'actor-1', first)).toBe(false);
    await store.release(key, 'actor-1', first);
    expect(await reserve(key)).toMatchObject({ kind: 'pending' });
    await store.release(key, 'actor-1', second);
    owned(await reserve(key));
  });

  it('still refuses the same key with another request, whatever the lease', async () => {
    const key = `other-${randomUUID()}`;
    owned(await reserve(key));
    now += LEASE_MS + 1;
    expect(await reserve(key, 'f2')).toEqual({ kind: 'mismatch' });
  });
});
