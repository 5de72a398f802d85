// The deadline worker's batched reads (batchedReads.ts) on the real PostgreSQL store: reads asked together give
// exactly what each `readStream` would, in fewer round trips; a stream asked twice at once (read once) and a read with
// `maxCount` are answered too; every other method is the store's own.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '@ntm/event-store';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { sampleDossierEvents } from '@ntm/testing';
import { withBatchedReads } from './batchedReads.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `br${randomBytes(4).toString('hex')}`;
let opened: OpenedPostgresStore;
const ids = Array.from({ length: 12 }, (_, i) => `batch${i}`);

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema });
  for (const id of ids) {
    const events = sampleDossierEvents({ id, communeCode: '02032', districtCode: '064', year: 2024 }, (k) =>
      new Date(Date.UTC(2024, 0, 1) + k * 3_600_000).toISOString(),
    ).slice(0, 5);
    await opened.store.append(`dossier-${id}`, events, { expectedRevision: 'no_stream' });
  }
});
afterAll(async () => {
  await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await opened.close();
});

describe('batched reads', () => {
  it('answer each read as the store does, in fewer round trips', async () => {
    let roundTrips = 0;
    // The real store, its batched read counted.
    const counted: EventStore = new Proxy(opened.store, {
      get(target, property) {
        if (property === 'readStreams')
          return (reads: Parameters<EventStore['readStreams']>[0]) => {
            roundTrips += 1;
            return target.readStreams(reads);
          };
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const batched = withBatchedReads(counted);
    const asks = [
      ...ids.map((id) => ({ id, from: 0n })),
      { id: ids[0]!, from: 3n },
      { id: ids[1]!, from: 5n },
      { id: 'nobody', from: 0n },
    ];
    const answers = await Promise.all(
      asks.map((a) => batched.readStream(`dossier-${a.id}`, { fromRevision: a.from })),
    );
    const direct = await Promise.all(
      asks.map((a) => opened.store.readStream(`dossier-${a.id}`, { fromRevision: a.from })),
    );
    expect(answers.map((events) => events.map((e) => e.eventId))).toEqual(
      direct.map((events) => events.map((e) => e.eventId)),
    );
    expect(answers[0]).toHaveLength(5);
    expect(answers.at(-1)).toEqual([]);
    // The first read goes alone; the others gathered while it was in flight (a stream asked twice: read once).
    expect(roundTrips).toBe(2);
    expect(await batched.readStream(`dossier-${ids[2]}`, { maxCount: 2 })).toHaveLength(2);
    expect(await batched.streamRevision(`dossier-${ids[2]}`)).toBe(4n);
  });
});
