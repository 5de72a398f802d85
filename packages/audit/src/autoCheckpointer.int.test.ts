/**
 * Automatic checkpoints on PostgreSQL with an injected clock: one every N events or every M minutes (and only when
 * the log has moved), taken by the lease holder alone among replicas, the standby taking over once the holder's lease
 * runs out. No timer runs: each tick is called by the test, as the service's interval would.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore, NewEvent } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { openPostgresStore } from '@ntm/store-postgres';
import { sampleDossierEvents, storeWith, uuidFor } from '@ntm/testing';
import {
  AutoCheckpointer,
  CheckpointStore,
  ephemeralSigner,
  makeCheckpoint,
  verifyLog,
  type AuditSigner,
} from './index.js';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
let schema: string;
let store: EventStore;
let close: () => Promise<void>;
let sql: SqlClient;
let checkpoints: CheckpointStore;
let signer: AuditSigner;
let clock: Date;
let events: NewEvent[];
let appended: number;

/** Appends the next `n` events of one dossier's history. */
async function append(n: number) {
  await store.append('dossier-auto', events.slice(appended, appended + n), {
    expectedRevision: appended === 0 ? 'no_stream' : BigInt(appended - 1),
  });
  appended += n;
}
const minutes = (m: number) => (clock = new Date(clock.getTime() + m * 60_000));
const taker = (holder: string, on: EventStore = store) =>
  new AutoCheckpointer({
    store: on,
    checkpoints,
    signer,
    now: () => clock,
    everyEvents: 5,
    everyMinutes: 10,
    holder,
    leaseMs: 60_000,
  });

beforeEach(async () => {
  schema = `t_autocp_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const opened = await openPostgresStore({ connectionString, schema });
  sql = opened.sql;
  store = opened.store;
  close = async () => {
    await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await opened.close();
  };
  checkpoints = new CheckpointStore(opened.sql, schema);
  await checkpoints.migrate();
  signer = await ephemeralSigner(new Date('2024-01-01T00:00:00Z'));
  clock = new Date('2024-06-01T00:00:00Z');
  events = sampleDossierEvents({ id: 'auto', communeCode: '01849', districtCode: '061', year: 2024 }, (i) =>
    new Date(Date.UTC(2024, 2, 1 + i)).toISOString(),
  ).map((e, i) => ({ ...e, eventId: uuidFor('auto', i) }));
  appended = 0;
});
afterEach(() => close());

describe('automatic checkpoints', () => {
  it('are taken every N events or every M minutes, only when the log has moved', async () => {
    const a = taker('replica-a');
    expect(await a.tick()).toEqual({ role: 'taker', pending: 0 });
    await append(3);
    expect(await a.tick()).toEqual({ role: 'taker', pending: 3 });
    await append(2);
    const byCount = await a.tick();
    expect(byCount).toMatchObject({ role: 'taker', reason: 'events', taken: { body: { seq: 1, count: 5 } } });

    await append(1);
    minutes(9);
    expect(await a.tick()).toEqual({ role: 'taker', pending: 1 });
    minutes(1);
    const byTime = await a.tick();
    expect(byTime).toMatchObject({ reason: 'minutes', taken: { body: { seq: 2, count: 6 } } });
    // Time alone is not a reason: nothing was appended since.
    minutes(30);
    expect(await a.tick()).toEqual({ role: 'taker', pending: 0 });
    const report = await verifyLog({
      store,
      checkpoints: await checkpoints.list(),
      keys: signer.published.keys,
    });
    expect(report.ok).toBe(true);
  });

  it('read the log as leaves only: the same positions, streams, revisions and hashes as the whole events', async () => {
    await append(7);
    const leaves = await store.readAllLeaves!({ limit: 5 });
    const page = await store.readAll({ limit: 5 });
    expect(leaves.leaves).toEqual(
      page.events.map((e) => ({
        position: e.position,
        streamId: e.streamId,
        revision: e.revision,
        hash: e.hash,
      })),
    );
    expect([leaves.nextAfter, leaves.isEnd]).toEqual([page.nextAfter, page.isEnd]);
  });

  it('are taken by one replica at a time; the standby takes over when the lease runs out', async () => {
    const a = taker('replica-a');
    const b = taker('replica-b');
    await append(6);
    expect(await a.tick()).toMatchObject({ role: 'taker', reason: 'events', taken: { body: { seq: 1 } } });
    await append(5);
    expect(await b.tick()).toEqual({ role: 'standby' });
    expect(await checkpoints.latest()).toMatchObject({ body: { seq: 1 } });
    // Replica a stops ticking (it died); its lease lasts a minute.
    minutes(1);
    expect(await b.tick()).toMatchObject({
      role: 'taker',
      reason: 'events',
      taken: { body: { seq: 2, count: 11 } },
    });
    expect(await a.tick()).toEqual({ role: 'standby' });
  });

  it('read only the events appended since the last look, and sign without reading them again', async () => {
    // The real store, with the leaves it hands out counted (whole events too, had the checkpointer used them).
    let read = 0;
    const counted = storeWith(store, {
      readAllLeaves: async (options) => {
        const page = await store.readAllLeaves!(options);
        read += page.leaves.length;
        return page;
      },
      readAll: async (options) => {
        const page = await store.readAll(options);
        read += page.events.length;
        return page;
      },
    });
    const a = taker('replica-a', counted);
    await append(3);
    expect(await a.tick()).toEqual({ role: 'taker', pending: 3 });
    expect(read).toBe(3);
    await append(1);
    expect(await a.tick()).toEqual({ role: 'taker', pending: 4 });
    expect(read).toBe(4);
    await append(1);
    expect(await a.tick()).toMatchObject({ reason: 'events', taken: { body: { seq: 1, count: 5 } } });
    expect(read).toBe(5);

    // A checkpoint taken by hand between two looks: the next one continues from it.
    await append(2);
    expect(await a.tick()).toEqual({ role: 'taker', pending: 2 });
    await makeCheckpoint({ store, checkpoints, signer, now: clock });
    await append(5);
    expect(await a.tick()).toMatchObject({ reason: 'events', taken: { body: { seq: 3, count: 12 } } });
    const report = await verifyLog({
      store,
      checkpoints: await checkpoints.list(),
      keys: signer.published.keys,
    });
    expect(report.ok).toBe(true);
  });

  it('renew their lease a third of the way through it, not at every look', async () => {
    const leaseUntil = async () => {
      const { rows } = await sql.query<{ until: Date }>(
        `SELECT expires_at AS until FROM "${schema}".audit_checkpointer WHERE name = 'checkpointer'`,
      );
      return rows[0]!.until.getTime();
    };
    const a = taker('replica-a');
    await a.tick();
    const first = await leaseUntil();
    expect(first).toBe(clock.getTime() + 60_000);
    // Looks within the first third of the lease (20 s of 60) read the log but write no lease.
    clock = new Date(clock.getTime() + 19_000);
    expect(await a.tick()).toEqual({ role: 'taker', pending: 0 });
    expect(await leaseUntil()).toBe(first);
    clock = new Date(clock.getTime() + 1_000);
    await a.tick();
    expect(await leaseUntil()).toBe(clock.getTime() + 60_000);
    // A standby still cannot take it meanwhile.
    expect(await taker('replica-b').tick()).toEqual({ role: 'standby' });
  });
});
