// The embedded mode: the same projections on PGlite (in memory), driven in-process by the inline projector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDossierEvents } from '@ntm/testing';
import { openEmbeddedStore, type EmbeddedStore } from '@ntm/store-embedded';
import {
  catchUpStream,
  compareReadModels,
  createInlineProjector,
  parkStream,
  queryDossiers,
  queryInbox,
  rebuild,
} from './index.js';

let embedded: EmbeddedStore;

beforeAll(async () => {
  embedded = await openEmbeddedStore();
});

afterAll(async () => {
  await embedded.close();
});

describe('createInlineProjector on PGlite', () => {
  it('projects each append in-process, and a rebuild swapped in gives the same rows', async () => {
    const { store, sql } = embedded;
    const inline = await createInlineProjector(store, sql, { schema: 'read_models' });
    const histories = ['e1', 'e2', 'e3'].map((id, i) =>
      sampleDossierEvents({ id, communeCode: `0190${i}`, districtCode: '065', year: 2024 }, (k) =>
        new Date(Date.UTC(2024, 0, 1) + k * 60_000).toISOString(),
      ),
    );
    // e3 stops before submission: it stays in the commune's inbox.
    for (const [i, events] of histories.entries()) {
      const upTo = i === 2 ? 20 : events.length;
      for (const event of events.slice(0, upTo)) {
        const result = await store.append(`dossier-${['e1', 'e2', 'e3'][i]}`, [event], {
          expectedRevision: 'any',
        });
        await inline.onAppended(`dossier-${['e1', 'e2', 'e3'][i]}`, result.nextExpectedRevision);
      }
    }
    const list = await queryDossiers(sql, { sort: 'unitCode' });
    expect(list.items.map((d) => [d.unit_code, d.status])).toEqual([
      ['01900', 'recognised'],
      ['01901', 'recognised'],
      ['01902', 'in_progress'],
    ]);
    const inbox = await queryInbox(sql, { role: 'commune_official', unitCode: '01902' });
    expect(inbox.items.map((i) => i.stream_id)).toEqual(['dossier-e3']);

    await rebuild(store, sql, { schema: 'read_models_check' });
    const diff = await compareReadModels(
      { sql, schema: 'read_models' },
      { sql, schema: 'read_models_check' },
    );
    expect(diff.differences).toEqual([]);
    // Rebuilding the live schema swaps it in place and keeps every row.
    const swapped = await rebuild(store, sql, { schema: 'read_models' });
    expect(swapped.streams).toBe(3);
    expect((await queryDossiers(sql, {})).total).toBe(3);
  });
});

describe('createInlineProjector with the appended events in hand (ADR 0041)', () => {
  /** The revisions of the stream's stored checkpoint rows. */
  async function storedRevisions(schema: string, streamId: string): Promise<string[]> {
    const { rows } = await embedded.sql.query<{ revision: string }>(
      `SELECT revision::text AS revision FROM ${schema}.checkpoints WHERE stream_id = $1`,
      [streamId],
    );
    return rows.map((r) => r.revision);
  }

  /** Appends each event and tells the projector with the event as its writer knows it; counts the reads. */
  async function setUp(schema: string, id: string, communeCode: string) {
    const { store, sql } = embedded;
    const reads = { events: 0, checkpoints: 0 };
    const counted = Object.assign(Object.create(store) as typeof store, {
      readStreams: (...args: Parameters<typeof store.readStreams>) => {
        reads.events++;
        return store.readStreams(...args);
      },
    });
    const countedSql = Object.assign(Object.create(sql) as typeof sql, {
      query: ((text: string, ...rest: unknown[]) => {
        if (text.includes('.checkpoints c ON')) reads.checkpoints++;
        return (sql.query as (...a: unknown[]) => unknown)(text, ...rest);
      }) as typeof sql.query,
    });
    const inline = await createInlineProjector(counted, countedSql, { schema });
    const events = sampleDossierEvents({ id, communeCode, districtCode: '065', year: 2024 }, (k) =>
      new Date(Date.UTC(2024, 0, 1) + k * 60_000).toISOString(),
    );
    const streamId = `dossier-${id}`;
    const append = async (event: (typeof events)[number], tell = true) => {
      const result = await store.append(streamId, [event], { expectedRevision: 'any' });
      const appended = [{ ...event, streamId, revision: result.nextExpectedRevision }];
      if (tell) await inline.onAppended(streamId, result.nextExpectedRevision, appended);
      return appended;
    };
    return { inline, reads, events, streamId, append };
  }

  it('folds them without reading the stream or its checkpoint, to the rows a rebuild gives', async () => {
    const { sql, store } = embedded;
    const { reads, events, append } = await setUp('read_models_held', 'h1', '01910');
    for (const event of events) await append(event);
    // Only the first wake-up reads, and only the checkpoint: the projector holds none of the stream before it wrote
    // one, and the events it was told of follow the stored one (ADR 0042).
    expect(reads).toEqual({ events: 0, checkpoints: 1 });
    await rebuild(store, sql, { schema: 'read_models_held_check' });
    const diff = await compareReadModels(
      { sql, schema: 'read_models_held' },
      { sql, schema: 'read_models_held_check' },
    );
    // The store is shared with the test above, whose streams this projector was never told of.
    expect(diff.differences.filter((d) => JSON.stringify(d).includes('dossier-h1'))).toEqual([]);
  });

  it('reads when the held checkpoint is not where the events start, or was moved by another catch-up', async () => {
    const { sql } = embedded;
    const schema = 'read_models_stale';
    const { inline, reads, events, streamId, append } = await setUp(schema, 'h2', '01911');
    await append(events[0]!);
    await append(events[1]!);
    // An append it was not told of: the next events follow neither what it holds nor the stored checkpoint.
    await append(events[2]!, false);
    await append(events[3]!);
    expect(reads.events).toBe(1);
    // Another catch-up projects the next event first; told of it afterwards, the held fold's write finds the
    // checkpoint moved, and the projector reads (nothing left to do).
    const told = await append(events[4]!, false);
    await catchUpStream(embedded.store, sql, streamId, { schema });
    await inline.onAppended(streamId, told[0]!.revision, told);
    expect(reads.events).toBe(2);
    expect(await storedRevisions(schema, streamId)).toEqual(['4']);
  });

  it('told of events already projected by another catch-up, reads the checkpoint only and applies nothing', async () => {
    const { sql } = embedded;
    const schema = 'read_models_behind';
    const { inline, reads, events, streamId, append } = await setUp(schema, 'h4', '01913');
    const told = await append(events[0]!, false);
    await append(events[1]!, false);
    await catchUpStream(embedded.store, sql, streamId, { schema });
    // Nothing held, and the brought event is below the stored checkpoint: no read of the stream.
    await inline.onAppended(streamId, told[0]!.revision, told);
    expect(reads).toEqual({ events: 0, checkpoints: 1 });
    expect(await storedRevisions(schema, streamId)).toEqual(['1']);
  });

  it('does not write a parked stream from held events', async () => {
    const { sql } = embedded;
    const schema = 'read_models_parked';
    const { events, streamId, append } = await setUp(schema, 'h3', '01912');
    await append(events[0]!);
    await append(events[1]!);
    await parkStream(sql, streamId, { code: 'POISON_EVENT', message: 'test' }, { schema, now: () => 'now' });
    await append(events[2]!);
    expect(await storedRevisions(schema, streamId)).toEqual(['1']);
  });
});
