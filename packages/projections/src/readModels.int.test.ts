import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDossierEvents } from '@ntm/testing';
import type { AppendedEvent } from '@ntm/event-store';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import {
  columnNames,
  compareReadModels,
  evolveView,
  insertStreams,
  migrateReadModels,
  PROJECTIONS,
  projectToInbox,
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

/** A sample dossier's history (30 events) appended as `dossier-<id>`, read back. */
async function appendedSample(id: string) {
  const at = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString();
  const d = { id, communeCode: '01864', districtCode: '064', year: 2023 } as const;
  await opened.store.append(`dossier-${id}`, sampleDossierEvents(d, at), { expectedRevision: 'no_stream' });
  return opened.store.readStream(`dossier-${id}`);
}

/** The view after the first `n` events (all by default). */
const viewAfter = (events: readonly AppendedEvent[], n = events.length) =>
  events.slice(0, n).reduce<DossierView | undefined>((v, e) => evolveView(v, e), undefined)!;

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
    await sql.query(
      `DELETE FROM "${schema}".migrations WHERE id IN ('0002-inbox-per-role', '0009-inbox-dossier-code')`,
    );
    await sql.query(`INSERT INTO "${schema}".inbox VALUES ('dossier-x', 'district_verifier', '064', 'submitted',
      '2024-01-01T00:00:00.000Z', 'COMMUNE_NTM', '02032', '06')`);

    await migrateReadModels(sql, schema);
    await sql.query(`INSERT INTO "${schema}".inbox VALUES ('dossier-x', 'commune_official', '02032', 'submitted',
      '2024-01-01T00:00:00.000Z', 'COMMUNE_NTM', '02032', '06', NULL, NULL, NULL)`);
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

  it('0009 gives the inbox each dossier code: from the view when written, from the dossier list before it', async () => {
    const { sql } = opened;
    const fresh = `${tag}_code`;
    await migrateReadModels(sql, fresh);
    try {
      const events = await appendedSample('c1');
      // The latest state of the sample in which someone has the dossier in their inbox, as if submitted with a code.
      const n = [...events.keys()]
        .reverse()
        .find((i) => projectToInbox.rows(viewAfter(events, i + 1)).length > 0)!;
      const view = { ...viewAfter(events, n + 1), dossierCode: '19-240115-0001' };
      await writeStreams(sql, fresh, [view]);
      const codes = async () =>
        (await sql.query<{ dossier_code: string | null }>(`SELECT dossier_code FROM "${fresh}".inbox`)).rows;
      expect(await codes()).toEqual(
        projectToInbox.rows(view).map(() => ({ dossier_code: '19-240115-0001' })),
      );

      // An inbox written before 0009: no such column. The migration adds it and copies the dossier list's codes.
      await sql.query(`ALTER TABLE "${fresh}".inbox DROP COLUMN dossier_code`);
      await sql.query(`DELETE FROM "${fresh}".migrations WHERE id = '0009-inbox-dossier-code'`);
      await migrateReadModels(sql, fresh);
      expect(await codes()).toEqual(
        projectToInbox.rows(view).map(() => ({ dossier_code: '19-240115-0001' })),
      );
    } finally {
      await sql.query(`DROP SCHEMA "${fresh}" CASCADE`);
    }
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
    // Text that JSON escapes (quotes, backslash, control characters, a surrogate pair) in the rows and the view:
    // insertStreams passes its batch as json, writeStreams as jsonb (ADR 0063); the tables must not tell.
    const odd = 'Mã "hồ sơ" \\ \n\t 😀 \u001f';
    views.push({
      ...views[0]!,
      streamId: 'dossier-i4',
      dossierCode: odd,
      criteria: { ...views[0]!.criteria, [odd]: true },
      stepSince: '2023-01-01T00:00:00.000Z',
    });
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
    const { sql } = opened;
    const view = viewAfter(await appendedSample('ac1'));
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

  it("writeStreams finds the streams' rows by key in its generic plan and leaves unchanged rows alone (ADR 0053)", async () => {
    const { sql } = opened;
    const events = await appendedSample('gp1');
    // Streams in every read model: decided ones (a recognition row) and ones under way (inbox and deadline rows).
    const [decided, underWay] = [viewAfter(events), viewAfter(events, 25)];
    const views = Array.from({ length: 400 }, (_, i): DossierView => {
      const v = i % 2 === 0 ? decided : underWay;
      return { ...v, streamId: `dossier-gp${i}`, dossierCode: v.dossierCode && `${v.dossierCode}-${i}` };
    });
    const fresh = `${tag}_plan`;
    await migrateReadModels(sql, fresh);
    try {
      await writeStreams(sql, fresh, views);
      await sql.query(`ANALYZE "${fresh}".dossiers, "${fresh}".inbox, "${fresh}".unit_recognition,
        "${fresh}".deadlines, "${fresh}".complaints`);
      const batch = views.slice(0, 3);
      const expected = new Map(batch.map((v) => [v.streamId, BigInt(v.revision)]));
      // The plan PostgreSQL caches for the prepared statement after a few runs, whatever the batch.
      const plan = await sql.transaction(async (tx) => {
        let text = '';
        let params: unknown[] = [];
        // The statement and its parameters, taken before they reach the database.
        const capture: typeof tx = {
          ...tx,
          query: (t: string, p?: readonly unknown[]) => {
            [text, params] = [t, [...(p ?? [])]];
            return Promise.resolve({ rows: [] });
          },
        };
        await writeStreams(capture, fresh, batch, expected);
        await tx.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
        await tx.query(`PREPARE generic_write AS ${text}`);
        // Untyped literals (arrays as '{...}'), which EXECUTE coerces to the parameters' types.
        const literals = params.map(
          (p) => `'${(Array.isArray(p) ? `{${p.join(',')}}` : String(p)).replaceAll("'", "''")}'`,
        );
        const { rows } = await tx.query<{ 'QUERY PLAN': unknown }>(
          `EXPLAIN (FORMAT JSON) EXECUTE generic_write(${literals.join(', ')})`,
        );
        await tx.query('DEALLOCATE generic_write');
        return JSON.stringify(rows[0]!['QUERY PLAN']);
      });
      const tables = PROJECTIONS.map((p) => p.name);
      // Of the tables with rows (scanning an empty one costs nothing): each is probed by key, none scanned.
      const filled: string[] = [];
      for (const t of tables) {
        const { rows } = await sql.query(`SELECT 1 FROM "${fresh}".${t} LIMIT 1`);
        if (rows.length > 0) filled.push(t);
      }
      expect(filled).toEqual(['dossiers', 'inbox', 'unit_recognition', 'deadlines']);
      const scanned = [...plan.matchAll(/"Node Type":"Seq Scan"[^}]*?"Relation Name":"(\w+)"/g)].map(
        (m) => m[1],
      );
      expect(scanned.filter((t) => filled.includes(t!))).toEqual([]);

      // Written again as they are: every read-model row keeps its version (no update of an equal row).
      const versions = async () => {
        const all: string[] = [];
        for (const t of tables) {
          const { rows } = await sql.query<{ v: string }>(
            `SELECT stream_id || ':' || xmin::text AS v FROM "${fresh}".${t} WHERE stream_id = ANY($1) ORDER BY 1`,
            [batch.map((v) => v.streamId)],
          );
          all.push(...rows.map((r) => `${t} ${r.v}`));
        }
        return all;
      };
      const before = await versions();
      expect(before.length).toBeGreaterThan(batch.length * 2);
      expect([...(await writeStreams(sql, fresh, batch, expected))].sort()).toEqual(
        batch.map((v) => v.streamId).sort(),
      );
      expect(await versions()).toEqual(before);
    } finally {
      await sql.query(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`);
    }
  });
});
