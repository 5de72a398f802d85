/**
 * The PostgreSQL store while its server is away, on a private cluster (never the shared server; skipped with a
 * notice without PostgreSQL's binaries): a subscription started while the server is down must not give up on
 * LISTEN, and must be woken by another process's commit once the server is back, without waiting for a poll.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contractEvent } from '@ntm/testing';
import { openPostgresStore, type OpenedPostgresStore } from './openPostgresStore.js';
import { startPrivateCluster, type PrivateCluster } from '@ntm/testing';

const cluster = await startPrivateCluster();
if ('unavailable' in cluster) console.warn(`databaseAway.int: skipped: ${cluster.unavailable}`);
const NO_POLL = 3_600_000;
const schema = 'away';

describe.skipIf('unavailable' in cluster)('PostgreSQL store, server away (private cluster)', () => {
  const pg = cluster as PrivateCluster;
  let reader: OpenedPostgresStore;
  let writer: OpenedPostgresStore;

  beforeAll(async () => {
    const options = { connectionString: pg.connectionString, schema };
    reader = await openPostgresStore({ ...options, applicationName: 'reader', pollIntervalMs: NO_POLL });
    writer = await openPostgresStore({ ...options, applicationName: 'writer' });
  });
  afterAll(async () => {
    try {
      await reader?.close();
      await writer?.close();
    } finally {
      await pg.destroy();
    }
  });

  it('keeps trying to LISTEN when the server is away at the first subscription, and is woken once it is back', async () => {
    const seen: string[] = [];
    await pg.stop();
    let subscription;
    try {
      subscription = reader.store.subscribeToAll({ after: 0n, onEvent: (e) => void seen.push(e.eventId) });
      // Its first read and its LISTEN both fail now.
      await expect(reader.store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await pg.start();
    }
    const listening = async () =>
      (
        await writer.sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'reader' AND query LIKE 'LISTEN%'`,
        )
      ).rows[0]!.n;
    await vi.waitFor(async () => expect(await listening()).toBe(1), { timeout: 20_000, interval: 20 });
    const event = contractEvent('AfterStart');
    await writer.store.append('away-1', [event], { expectedRevision: 'no_stream' });
    await vi.waitFor(() => expect(seen).toEqual([event.eventId]), { timeout: 20_000, interval: 10 });
    await subscription.close();
  });
});
