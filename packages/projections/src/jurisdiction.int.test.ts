/**
 * The jurisdiction filter (`readableDossier`, ADR 0007/0014) at national size: its terms are served by indexes
 * (a successor's reads are hundreds of communes opened in a window: `commune_code = ANY(…)` with no index, or a
 * cast on `opened_at`, meant a scan of every dossier per request), and comparing instants as text stays exact
 * because the dossier list stores them as `toISOString` writes them (migration 0008 normalises older rows).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import type { SqlClient } from '@ntm/sql';
import {
  isoInstant,
  migrateReadModels,
  queryDossiers,
  queryInbox,
  queryProgress,
  type ReadScope,
} from './index.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `jur${randomBytes(4).toString('hex')}`;
let opened: OpenedPostgresStore;

/** Thái Nguyên's appraiser after the reform, as `readFilterFor` answers (two communes of Bắc Kạn, the window). */
const SUCCESSOR: ReadScope = {
  provinceCode: '19',
  successorReads: [
    {
      communeCodes: ['01876', '01879'],
      openedFrom: '2022-08-01T17:00:00.000Z',
      openedBefore: '2025-06-30T17:00:00.000Z',
    },
  ],
};

async function insertDossier(
  sql: SqlClient,
  id: string,
  commune: string,
  province: string,
  openedAt: string,
) {
  await sql.query(
    `INSERT INTO "${schema}".dossiers (stream_id, kind, unit_code, commune_code, province_code, status, step,
       step_since, revision, criteria_met, criteria_recorded, opened_at, updated_at)
     VALUES ($1, 'COMMUNE_NTM', $2, $2, $3, 'open', 'submitted', $4, 3, 0, 0, $4, $4)`,
    [id, commune, province, openedAt],
  );
  await sql.query(
    `INSERT INTO "${schema}".inbox VALUES ($1, 'provincial_appraiser', '19', 'submitted', $2, 'COMMUNE_NTM', $3,
       '19', NULL, NULL)`,
    [id, openedAt, commune],
  );
}

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: `${schema}_events` });
  await migrateReadModels(opened.sql, schema);
});

afterAll(async () => {
  for (const s of [schema, `${schema}_events`])
    await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await opened.close();
});

describe('the jurisdiction filter', () => {
  it('writes instants as toISOString does, so text order is time order', () => {
    expect(isoInstant('2025-06-30T23:30:00+07:00')).toBe('2025-06-30T16:30:00.000Z');
    expect(isoInstant('2025-07-01T08:00:00.5+07:00')).toBe('2025-07-01T01:00:00.500Z');
    expect(isoInstant('')).toBe('');
  });

  it('admits a successor exactly the dossiers opened in its window, whatever offset the instant was written with', async () => {
    const { sql } = opened;
    // 23:30 in Vietnam on 30/06 is 16:30Z: inside the window (which ends at 17:00Z), though as written it sorts
    // after the window's end.
    await insertDossier(sql, 'dossier-in', '01876', '06', isoInstant('2025-06-30T23:30:00+07:00'));
    await insertDossier(sql, 'dossier-after', '01879', '06', '2025-06-30T17:00:00.000Z');
    await insertDossier(sql, 'dossier-other', '00001', '01', '2024-01-01T00:00:00.000Z');
    await insertDossier(sql, 'dossier-own', '19993', '19', '2025-08-01T00:00:00.000Z');
    const list = await queryDossiers(sql, { sort: 'openedAt' }, SUCCESSOR, schema);
    expect(list.items.map((r) => r.stream_id)).toEqual(['dossier-in', 'dossier-own']);
    expect(list.total).toBe(2);
    const inbox = await queryInbox(sql, { role: 'provincial_appraiser', unitCode: '19' }, SUCCESSOR, schema);
    expect(inbox.items.map((r) => r.stream_id).sort()).toEqual(['dossier-in', 'dossier-own']);
  });

  it('0008 normalises the instants of rows written before it', async () => {
    const { sql } = opened;
    await insertDossier(sql, 'dossier-old', '01876', '06', '2025-06-30T23:30:00+07:00');
    await sql.query(`DELETE FROM "${schema}".migrations WHERE id = '0008-dossier-jurisdiction-index'`);
    await migrateReadModels(sql, schema);
    const { rows } = await sql.query<{ opened_at: string; updated_at: string }>(
      `SELECT opened_at, updated_at FROM "${schema}".dossiers WHERE stream_id = 'dossier-old'`,
    );
    expect(rows).toEqual([{ opened_at: '2025-06-30T16:30:00.000Z', updated_at: '2025-06-30T16:30:00.000Z' }]);
  });

  it('pages by keyset: following next gives every row once, in order, whatever the sort and its nulls', async () => {
    const { sql } = opened;
    const province = '42';
    for (let i = 0; i < 7; i++) {
      await insertDossier(
        sql,
        `dossier-k${i}`,
        `4200${i}`,
        province,
        `2025-0${1 + (i % 3)}-01T00:00:00.000Z`,
      );
      if (i % 2 === 0)
        await sql.query(`UPDATE "${schema}".dossiers SET year = $2 WHERE stream_id = $1`, [
          `dossier-k${i}`,
          2020 + (i % 3),
        ]);
    }
    const scope = { provinceCode: province };
    for (const sort of ['updatedAt', 'year']) {
      for (const order of ['asc', 'desc']) {
        const all = await queryDossiers(sql, { sort, order, limit: '100' }, scope, schema);
        const paged: string[] = [];
        let after: string | undefined;
        let pages = 0;
        do {
          const page = await queryDossiers(sql, { sort, order, limit: '2', after }, scope, schema);
          expect(page.total).toBe(7);
          paged.push(...page.items.map((r) => r.stream_id));
          after = page.next;
          pages += 1;
        } while (after !== undefined && pages < 10);
        expect([sort, order, paged]).toEqual([sort, order, all.items.map((r) => r.stream_id)]);
      }
    }
    await expect(
      queryDossiers(sql, { sort: 'year', after: 'bm90LWEtY3Vyc29y' }, scope, schema),
    ).rejects.toMatchObject({ code: 'INVALID_QUERY' });
  });

  it('is served by indexes: with sequential scans priced out, no read route scans the dossiers', async () => {
    // The table is tiny, so the planner would scan it anyway: price scans out, and a term no index can serve (a
    // cast on the column, a commune list without an index) shows as a Seq Scan or a Filter over a whole index.
    const plans: string[] = [];
    await opened.sql.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const explaining: SqlClient = {
        ...tx,
        query: async <R>(text: string, params?: readonly unknown[]) => {
          const { rows } = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params);
          plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
          return { rows: [{ n: 0 }] as R[] };
        },
      };
      await queryDossiers(explaining, { limit: '50' }, SUCCESSOR, schema);
      await queryInbox(explaining, { role: 'provincial_appraiser', unitCode: '19' }, SUCCESSOR, schema);
      await queryProgress(explaining, { from: '2023', to: '2025' }, undefined, schema, SUCCESSOR);
    });
    // list rows and count, inbox rows and count, progress
    expect(plans).toHaveLength(5);
    for (const plan of plans) {
      expect(plan).not.toMatch(/Seq Scan on (dossiers|inbox|unit_recognition)/);
      expect(plan).not.toMatch(/timestamptz/);
    }
    // In the dossier list, the successor's communes and window are an index condition, not a filter over every
    // dossier (the inbox may start from its own index on role and unit and check each row's dossier by key).
    for (const plan of plans.slice(0, 2)) {
      expect(plan).toMatch(
        /Bitmap Index Scan on dossiers_by_commune[^\n]*\n\s+Index Cond: \(\(commune_code = ANY/,
      );
    }
  });
});
