// The embedded mode: the same projections on PGlite (in memory), driven in-process by the inline projector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDossierEvents } from '@ntm/testing';
import { openEmbeddedStore, type EmbeddedStore } from '@ntm/store-embedded';
import { compareReadModels, createInlineProjector, queryDossiers, queryInbox, rebuild } from './index.js';

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
