import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDossierEvents, sampleNumberDrawn } from '@ntm/testing';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import {
  catchUpStream,
  compareReadModels,
  createInlineProjector,
  migrateReadModels,
  rebuild,
  type RebuildProgress,
} from './index.js';

// ADR 0071: a counter stream (ADR 0016) is projected nowhere: no read, no checkpoint, not in a rebuild.
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `c${randomBytes(4).toString('hex')}`;
const events = `${tag}_events`;
const live = `${tag}_live`;
const rebuilt = `${tag}_reb`;
const counter = 'counter-dossier-code-06-230101';
let opened: OpenedPostgresStore;

const draw = (n: number) => sampleNumberDrawn('dossier-code-06-230101', n);

const checkpointed = async (schema: string) =>
  (
    await opened.sql.query<{ stream_id: string }>(
      `SELECT stream_id FROM "${schema}".checkpoints ORDER BY stream_id`,
    )
  ).rows.map((r) => r.stream_id);

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: events });
  const history = sampleDossierEvents(
    { id: 'k1', communeCode: '01864', districtCode: '064', year: 2023 },
    (i) => new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString(),
  );
  for (const [i, e] of history.entries()) {
    await opened.store.append('dossier-k1', [e], { expectedRevision: 'any' });
    if (i % 10 === 0) await opened.store.append(counter, [draw(i)], { expectedRevision: 'any' });
  }
});

afterAll(async () => {
  for (const s of [events, live, rebuilt]) await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await opened.close();
});

describe('counter streams (ADR 0071)', () => {
  it('are not caught up: nothing applied, no checkpoint written', async () => {
    await migrateReadModels(opened.sql, live);
    expect(await catchUpStream(opened.store, opened.sql, counter, { schema: live })).toEqual({
      applied: 0,
      checkpoint: -1n,
    });
    expect(await checkpointed(live)).toEqual([]);
  });

  it('are left out by the in-process projector and by a rebuild alike, which then agree row for row', async () => {
    const inline = await createInlineProjector(opened.store, opened.sql, {
      schema: live,
      now: () => '2024-01-01T00:00:00.000Z',
    });
    await inline.catchUpAll();
    await inline.onAppended(counter);
    expect(await checkpointed(live)).toEqual(['dossier-k1']);
    await rebuild(opened.store, opened.sql, { schema: rebuilt });
    expect(await checkpointed(rebuilt)).toEqual(['dossier-k1']);
    // Before ADR 0071 a rebuild checkpointed the counters and the in-process projector did not: they differed.
    const diff = await compareReadModels(
      { sql: opened.sql, schema: live },
      { sql: opened.sql, schema: rebuilt },
    );
    expect(diff.differences).toEqual([]);
  });

  it("an earlier version's counter checkpoints: deleted by the migration, and never holding a rebuild's switch back", async () => {
    // As a version before ADR 0071 left them.
    const leave = () =>
      opened.sql.query(
        `INSERT INTO "${live}".checkpoints (stream_id, revision, view)
         VALUES ($1, 2, jsonb_build_object('streamId', $1::text, 'revision', '2'))
         ON CONFLICT (stream_id) DO NOTHING`,
        [counter],
      );
    await leave();
    await opened.sql.query(`DELETE FROM "${live}".migrations WHERE id = '0005-no-counter-checkpoints'`);
    await migrateReadModels(opened.sql, live);
    expect(await checkpointed(live)).toEqual(['dossier-k1']);

    // A rebuild of a live schema that still holds one switches at its first attempt: the counter is not "behind".
    await leave();
    const switches: RebuildProgress[] = [];
    await rebuild(opened.store, opened.sql, {
      schema: live,
      onProgress: (p) => {
        if (p.phase === 'switch') switches.push(p);
      },
    });
    expect(switches).toHaveLength(1);
    expect(await checkpointed(live)).toEqual(['dossier-k1']);
  });
});
