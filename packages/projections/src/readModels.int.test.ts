import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDossierEvents } from '@ntm/testing';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import {
  columnNames,
  compareReadModels,
  evolveView,
  insertStreams,
  migrateReadModels,
  PROJECTIONS,
  writeStreams,
  type DossierView,
} from './index.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `rm${randomBytes(4).toString('hex')}`;
const schema = `${tag}_old`;
let opened: OpenedPostgresStore;

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: `${tag}_events` });
});

afterAll(async () => {
  for (const s of [schema, `${tag}_events`]) await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await opened.close();
});

describe('read-model migrations', () => {
  it('0002 turns an inbox created before it (one row per dossier) into one row per role', async () => {
    const { sql } = opened;
    await migrateReadModels(sql, schema);
    // Put the schema back as 0001 left it before the inbox had one row per role.
    await sql.query(`DROP TABLE "${schema}".inbox`);
    await sql.query(`CREATE TABLE "${schema}".inbox (stream_id text PRIMARY KEY, role text NOT NULL,
      unit_code text NOT NULL, step text NOT NULL, waiting_since text NOT NULL, kind text NOT NULL,
      dossier_unit_code text NOT NULL, province_code text NOT NULL)`);
    await sql.query(`DELETE FROM "${schema}".migrations WHERE id = '0002-inbox-per-role'`);
    await sql.query(`INSERT INTO "${schema}".inbox VALUES ('dossier-x', 'district_verifier', '064', 'submitted',
      '2024-01-01T00:00:00.000Z', 'COMMUNE_NTM', '02032', '06')`);

    await migrateReadModels(sql, schema);
    await sql.query(`INSERT INTO "${schema}".inbox VALUES ('dossier-x', 'commune_official', '02032', 'submitted',
      '2024-01-01T00:00:00.000Z', 'COMMUNE_NTM', '02032', '06', NULL, NULL)`);
    const rows = await sql.query<{ role: string; active_to: string | null }>(
      `SELECT role, active_to FROM "${schema}".inbox ORDER BY role`,
    );
    expect(rows.rows).toEqual([
      { role: 'commune_official', active_to: null },
      { role: 'district_verifier', active_to: null },
    ]);
    // Running the migrations again changes nothing.
    await migrateReadModels(sql, schema);
  });

  it('creates exactly the columns every projection writes, in its order', async () => {
    const { sql } = opened;
    const fresh = `${tag}_fresh`;
    await migrateReadModels(sql, fresh);
    try {
      for (const projection of PROJECTIONS) {
        const { rows } = await sql.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2
            ORDER BY ordinal_position`,
          [fresh, projection.name],
        );
        expect([projection.name, ...rows.map((r) => r.column_name)]).toEqual([
          projection.name,
          ...columnNames(projection.columns),
        ]);
      }
    } finally {
      await sql.query(`DROP SCHEMA "${fresh}" CASCADE`);
    }
  });

  it("a fresh schema filled by insertStreams (a rebuild's shadow) holds the rows writeStreams upserts", async () => {
    const { store, sql } = opened;
    const at = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString();
    const histories = [
      { id: 'i1', communeCode: '01864', districtCode: '064', year: 2023 },
      {
        id: 'i2',
        communeCode: '01867',
        districtCode: '064',
        year: 2023,
        criteriaMet: 15,
        outcome: 'refused',
      },
      { id: 'i3', communeCode: '01870', districtCode: '064', year: 2023, kind: 'COMMUNE_ADVANCED' },
    ] as const;
    const views: DossierView[] = [];
    for (const d of histories) {
      await store.append(`dossier-${d.id}`, sampleDossierEvents(d, at), { expectedRevision: 'no_stream' });
      const events = await store.readStream(`dossier-${d.id}`);
      views.push(events.reduce<DossierView | undefined>((v, e) => evolveView(v, e), undefined)!);
    }
    const [upserted, inserted] = [`${tag}_ups`, `${tag}_ins`];
    try {
      for (const s of [upserted, inserted]) await migrateReadModels(sql, s);
      await writeStreams(sql, upserted, views);
      await insertStreams(sql, inserted, views);
      const compared = await compareReadModels({ sql, schema: upserted }, { sql, schema: inserted });
      expect(compared.differences).toEqual([]);
      expect(compared.rows).toBeGreaterThan(views.length * 3);
      // Only for a fresh schema: a stream already there is refused whole, never merged into or duplicated.
      await expect(insertStreams(sql, inserted, views.slice(0, 1))).rejects.toThrow(/duplicate key/);
      expect((await compareReadModels({ sql, schema: upserted }, { sql, schema: inserted })).equal).toBe(
        true,
      );
    } finally {
      for (const s of [upserted, inserted]) await sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    }
  });

  it('writeStreams commits asynchronously when asked (ADR 0048), and waits for the WAL flush otherwise', async () => {
    const { store, sql } = opened;
    const at = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString();
    const d = { id: 'ac1', communeCode: '01864', districtCode: '064', year: 2023 } as const;
    await store.append(`dossier-${d.id}`, sampleDossierEvents(d, at), { expectedRevision: 'no_stream' });
    const events = await store.readStream(`dossier-${d.id}`);
    const view = events.reduce<DossierView | undefined>((v, e) => evolveView(v, e), undefined)!;
    await migrateReadModels(sql, schema);
    // The setting the statement's transaction commits with, read inside that transaction after the write.
    const commitsWith = (options: { asynchronousCommit?: boolean }, expected: bigint) =>
      sql.transaction(async (tx) => {
        const written = await writeStreams(
          tx,
          schema,
          [view],
          new Map([[view.streamId, expected]]),
          [],
          options,
        );
        expect([...written]).toEqual([view.streamId]);
        const { rows } = await tx.query<{ setting: string }>(
          `SELECT current_setting('synchronous_commit') AS setting`,
        );
        return rows[0]!.setting;
      });
    expect(await commitsWith({}, -1n)).toBe('on');
    expect(await commitsWith({ asynchronousCommit: true }, BigInt(view.revision))).toBe('off');
    // Written all the same: the rows and the checkpoint.
    const { rows } = await sql.query<{ revision: string }>(
      `SELECT revision::text AS revision FROM "${schema}".checkpoints WHERE stream_id = $1`,
      [view.streamId],
    );
    expect(rows).toEqual([{ revision: view.revision }]);
  });
});
