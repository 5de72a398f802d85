/**
 * Connection loss on the shared server: this test's own backends (found by their application_name, unique to the
 * test: never another session) are terminated, as a failover, `pg_ctl restart` or `idle_session_timeout` would.
 * The process must not crash (an unhandled 'error' of a pg Pool or Client would end the test run), appends must
 * succeed again, and a subscriber must get every event, LISTEN included. Waits are bounded loops on conditions.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contractEvent } from '@ntm/testing';
import { createPgSqlClient } from './createPgSqlClient.js';
import { openPostgresStore, type OpenedPostgresStore } from './openPostgresStore.js';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `t_loss_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const NO_POLL = 3_600_000;

const admin = createPgSqlClient(new pg.Pool({ connectionString, max: 2 }));
let opened: OpenedPostgresStore;

/** Backends of this test's store, by state ('idle', 'active', ...). */
async function backends(): Promise<{ pid: number; state: string; query: string }[]> {
  const { rows } = await admin.query<{ pid: number; state: string; query: string }>(
    `SELECT pid, coalesce(state, '') AS state, query FROM pg_stat_activity WHERE application_name = $1`,
    [tag],
  );
  return rows;
}

/** Terminates the given backends of this test and waits until they are gone. */
async function terminate(pids: number[]): Promise<void> {
  await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
  await vi.waitFor(async () => expect((await backends()).filter((b) => pids.includes(b.pid))).toEqual([]), {
    timeout: 10_000,
    interval: 10,
  });
}

const waitUntil = (condition: () => void | Promise<void>) =>
  vi.waitFor(condition, { timeout: 10_000, interval: 10 });

beforeAll(async () => {
  // A poll interval of an hour: after the kill, only a re-established LISTEN (or its catch-up read) delivers.
  opened = await openPostgresStore({
    connectionString,
    schema: tag,
    applicationName: tag,
    pollIntervalMs: NO_POLL,
  });
});
afterAll(async () => {
  await opened.close();
  await admin.query(`DROP SCHEMA IF EXISTS "${tag}" CASCADE`);
  await admin.close();
});

describe('PostgreSQL store, connection loss', () => {
  it('survives its idle connections being terminated, appends again and misses no wake-up', async () => {
    const { store } = opened;
    const seen: string[] = [];
    const errors: unknown[] = [];
    const subscription = store.subscribeToAll({
      after: await store.headPosition(),
      onEvent: (e) => void seen.push(e.eventId),
      onError: (error) => void errors.push(error),
    });
    // Several pooled connections, a tail connection and the LISTEN connection, all idle.
    const first = Array.from({ length: 4 }, () => contractEvent('BeforeKill'));
    await Promise.all(
      first.map((e) => store.append(`loss-${randomUUID()}`, [e], { expectedRevision: 'no_stream' })),
    );
    await waitUntil(() => expect(seen).toHaveLength(first.length));
    await waitUntil(async () =>
      expect((await backends()).some((b) => b.query.startsWith('LISTEN'))).toBe(true),
    );
    const idle = (await backends()).filter((b) => b.state === 'idle').map((b) => b.pid);
    expect(idle.length).toBeGreaterThan(2);
    await terminate(idle);

    // Commands go through again (the first attempts may meet a dead connection: STORE_UNAVAILABLE, retried).
    const after = contractEvent('AfterKill');
    const stream = `loss-${randomUUID()}`;
    await waitUntil(async () => {
      const result = await store.append(stream, [after], { expectedRevision: 'any' });
      expect(result.nextExpectedRevision).toBe(0n);
    });
    await expect(store.ping()).resolves.toBeUndefined();
    // Delivered without a poll: by the re-established LISTEN's catch-up read or its NOTIFY.
    await waitUntil(() => expect(seen).toEqual([...first.map((e) => e.eventId), after.eventId]));
    // And LISTEN carries wake-ups from another process again.
    await waitUntil(async () =>
      expect((await backends()).some((b) => b.query.startsWith('LISTEN'))).toBe(true),
    );
    const other = await openPostgresStore({ connectionString, schema: tag, applicationName: `${tag}_w` });
    const fromOther = contractEvent('FromOther');
    await other.store.append(`loss-${randomUUID()}`, [fromOther], { expectedRevision: 'no_stream' });
    await waitUntil(() => expect(seen.at(-1)).toBe(fromOther.eventId));
    await other.close();
    await subscription.close();
  });

  it('survives the connection of an open transaction being terminated while it waits', async () => {
    const error = await opened.sql
      .transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // The connection is checked out of the pool and idle in transaction when it dies.
        await terminate([rows[0]!.pid]);
        await tx.query('SELECT 1');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    // The pool has dropped the dead connection: the next transaction works.
    await waitUntil(async () => {
      const n = await opened.sql.transaction(
        async (tx) => (await tx.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n,
      );
      expect(n).toBe(1);
    });
  });
});
