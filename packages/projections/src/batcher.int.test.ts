// Batched catch-ups against the real PostgreSQL store, in schemas of this file's own.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '@ntm/event-store';
import { failingReads, sampleDossierEvents, uuidFor } from '@ntm/testing';
import type { SqlClient } from '@ntm/sql';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import type { ProjectionError } from './index.js';
import { catchUpStreams, createCatchUpBatcher, migrateReadModels, parkStream } from './index.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `b${randomBytes(4).toString('hex')}`;
const events = `${tag}_events`;
const schema = `${tag}_rm`;
let opened: OpenedPostgresStore;

const at = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString();

/** Appends the first `count` events of a sample history as stream `dossier-<id>`. */
async function history(id: string, count = 5): Promise<string> {
  const list = sampleDossierEvents({ id, communeCode: '01864', districtCode: '064', year: 2023 }, at);
  await opened.store.append(`dossier-${id}`, list.slice(0, count), { expectedRevision: 'no_stream' });
  return `dossier-${id}`;
}

/** The SQL client, counting the write statements of catch-ups. */
function counting(sql: SqlClient): { sql: SqlClient; writes: () => number } {
  let writes = 0;
  return {
    sql: {
      ...sql,
      query: (text, params) => {
        if (text.trimStart().startsWith('WITH cp AS')) writes += 1;
        return sql.query(text, params);
      },
    },
    writes: () => writes,
  };
}

async function checkpoints(): Promise<Record<string, string>> {
  const { rows } = await opened.sql.query<{ stream_id: string; revision: string }>(
    `SELECT stream_id, revision::text AS revision FROM "${schema}".checkpoints`,
  );
  return Object.fromEntries(rows.map((r) => [r.stream_id, r.revision]));
}

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: events });
  await migrateReadModels(opened.sql, schema);
});

afterAll(async () => {
  for (const s of [events, schema]) await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await opened.close();
});

describe('catchUpStreams', () => {
  it('writes the good streams of a batch in one statement and gives the parked and poison ones their errors', async () => {
    const good = [await history('g1', 4), await history('g2', 7)];
    const parked = await history('p1');
    await parkStream(
      opened.sql,
      parked,
      { code: 'POISON_EVENT', message: 'parked by hand' },
      { schema, now: () => at(0) },
    );
    const poison: NewEvent = {
      eventId: uuidFor(`${tag}-poison`, 0),
      type: 'DossierOpened',
      schemaVersion: 1,
      data: { note: 'no kind, no scope' },
      metadata: {
        actor: { id: 'x', role: 'commune_official', unit: '01864' },
        correlationId: uuidFor(`${tag}-poison`, 1),
        occurredAt: at(0),
      },
    };
    await opened.store.append('dossier-x1', [poison], { expectedRevision: 'no_stream' });
    const { sql, writes } = counting(opened.sql);

    const outcomes = await catchUpStreams(opened.store, sql, [...good, parked, 'dossier-x1'], { schema });

    expect(writes()).toBe(1);
    expect(outcomes.get(good[0]!)).toEqual({ ok: true, value: { applied: 4, checkpoint: 3n } });
    expect(outcomes.get(good[1]!)).toEqual({ ok: true, value: { applied: 7, checkpoint: 6n } });
    for (const [stream, code] of [
      [parked, 'STREAM_PARKED'],
      ['dossier-x1', 'POISON_EVENT'],
    ] as const) {
      const outcome = outcomes.get(stream)!;
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? undefined : (outcome.error as ProjectionError).code).toBe(code);
    }
    const written = await checkpoints();
    expect(written[good[0]!]).toBe('3');
    expect(written[good[1]!]).toBe('6');
    expect(written[parked]).toBeUndefined();
    expect(written['dossier-x1']).toBeUndefined();
  });
});

describe('createCatchUpBatcher', () => {
  it('applies the wake-ups issued in one turn in one batch', async () => {
    const streams = await Promise.all(Array.from({ length: 20 }, (_, i) => history(`t${i}`)));
    const { sql, writes } = counting(opened.sql);
    const batcher = createCatchUpBatcher(opened.store, sql, { schema });

    // The batch starts once this turn is over: the 20 wake-ups made in it go together.
    const results = await Promise.all(streams.map((s) => batcher.catchUp(s)));

    expect(results.every((r) => r.applied === 5 && r.checkpoint === 4n)).toBe(true);
    expect(writes()).toBe(1);
  });

  it('applies the wake-ups that arrive while a batch is written in the next batch', async () => {
    const streams = await Promise.all(Array.from({ length: 20 }, (_, i) => history(`c${i}`)));
    const { sql, writes } = counting(opened.sql);
    const batcher = createCatchUpBatcher(opened.store, sql, { schema });

    // The first wake-up's batch starts after its turn; the 19 made while it runs wait and go together.
    const first = batcher.catchUp(streams[0]!);
    await new Promise((resolve) => setImmediate(resolve));
    const results = await Promise.all([first, ...streams.slice(1).map((s) => batcher.catchUp(s))]);

    expect(results.every((r) => r.applied === 5 && r.checkpoint === 4n)).toBe(true);
    expect(writes()).toBe(2);
  });

  it('when a batch fails as a whole, runs its streams one by one so that only the failing one fails', async () => {
    const [ok1, bad, ok2] = [await history('f1'), await history('f2'), await history('f3')];
    const batcher = createCatchUpBatcher(failingReads(opened.store, bad), opened.sql, { schema });
    // Held back behind a first batch so that the three share the second.
    const first = batcher.catchUp(await history('f0'));
    const settled = await Promise.allSettled([ok1, bad, ok2].map((s) => batcher.catchUp(s)));
    await first;

    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'connection reset' });
    const written = await checkpoints();
    expect([written[ok1], written[bad], written[ok2]]).toEqual(['4', undefined, '4']);
  });
});
