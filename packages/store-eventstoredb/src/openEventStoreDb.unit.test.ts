// The real client on Node 20, without a server: it parses connection strings and constructs without connecting,
// and a server that does not answer (a closed local port, found by binding and releasing it) surfaces as the
// port's STORE_UNAVAILABLE. Bad input is refused before any I/O, so it gets its own code even then.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { EventStoreError } from '@ntm/event-store';
import type { NewEvent } from '@ntm/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreDbEventStore, openEventStoreDb } from './EventStoreDbEventStore.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

const event = (): NewEvent => ({
  eventId: randomUUID(),
  type: 'DossierOpened',
  schemaVersion: 1,
  data: { communeCode: '01849' },
  metadata: {
    actor: { id: 'u-1', role: 'commune_official', unit: '01849' },
    correlationId: 'c-1',
    occurredAt: '2025-03-01T08:00:00.000Z',
  },
});

const unavailable = expect.objectContaining({ code: 'STORE_UNAVAILABLE' }) as unknown;

describe('openEventStoreDb', () => {
  it('constructs a client from a connection string without connecting', async () => {
    const store = openEventStoreDb({
      connectionString: 'esdb://localhost:2113?tls=false&connectionName=ntm-check',
    });
    expect(store).toBeInstanceOf(EventStoreDbEventStore);
    expect(store.client.connectionName).toBe('ntm-check');
    await store.close();
  });

  it('accepts a cluster discovery string with credentials', async () => {
    const store = openEventStoreDb({
      connectionString: 'esdb+discover://admin:changeit@cluster.example:2113?nodePreference=leader',
    });
    expect(store.client.connectionName).toMatch(/.+/);
    await store.close();
  });

  it.each(['http://localhost:2113', 'esdb://', 'esdb://localhost:2113?tls=maybe'])(
    'refuses %s with INVALID_ARGUMENT',
    (connectionString) => {
      let thrown: unknown;
      try {
        openEventStoreDb({ connectionString });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(EventStoreError);
      expect(thrown).toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  );
});

describe('against a server that does not answer', () => {
  let store: EventStoreDbEventStore;

  beforeAll(async () => {
    const port = await closedPort();
    store = openEventStoreDb({ connectionString: `esdb://127.0.0.1:${port}?tls=false&defaultDeadline=5000` });
  });
  afterAll(async () => {
    await store.close();
  });

  it('reports STORE_UNAVAILABLE from ping, append and reads', async () => {
    await expect(store.ping()).rejects.toEqual(unavailable);
    await expect(store.append('dossier-1', [event()], { expectedRevision: 'any' })).rejects.toEqual(
      unavailable,
    );
    await expect(store.readStream('dossier-1')).rejects.toEqual(unavailable);
    await expect(store.streamRevision('dossier-1')).rejects.toEqual(unavailable);
    await expect(store.readAll()).rejects.toEqual(unavailable);
    await expect(store.headPosition()).rejects.toEqual(unavailable);
  });

  it('refuses bad input with its own code before trying the server', async () => {
    const noId = { ...event(), eventId: 'not-a-uuid' };
    await expect(store.append('dossier-1', [noId], { expectedRevision: 'any' })).rejects.toMatchObject({
      code: 'INVALID_EVENT',
    });
    await expect(store.append('', [event()], { expectedRevision: 'any' })).rejects.toMatchObject({
      code: 'INVALID_STREAM_ID',
    });
    await expect(store.append('dossier-1', [event()], { expectedRevision: -1n })).rejects.toMatchObject({
      code: 'INVALID_REVISION',
    });
    await expect(store.readStream('dossier-1', { fromRevision: -1n })).rejects.toMatchObject({
      code: 'INVALID_REVISION',
    });
    await expect(store.readStream('dossier-1', { maxCount: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(store.readAll({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.readAll({ after: -1n })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('tells a subscription STORE_UNAVAILABLE and closes it while it waits to reconnect', async () => {
    const errors: unknown[] = [];
    let reported!: () => void;
    const firstError = new Promise<void>((resolve) => (reported = resolve));
    const subscription = store.subscribeToAll({
      onEvent: () => {
        throw new Error('no event can arrive');
      },
      onError: (error) => {
        errors.push(error);
        reported();
      },
    });
    await firstError;
    await subscription.close();
    expect(errors[0]).toEqual(unavailable);
  });
});
