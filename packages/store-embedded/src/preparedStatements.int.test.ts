/**
 * `{ prepare: true }` on PGlite runs PREPARE once and EXECUTE with the values inlined as literals (ADR 0031): the
 * values must arrive exactly as the plain path's parameters do, whatever characters they hold, and a statement
 * must keep working across transactions, rollbacks and errors.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '@ntm/sql';
import { createPgliteSqlClient, sqlLiteral } from './createPgliteSqlClient.js';

let db: PGlite;
let sql: SqlClient;
beforeAll(async () => {
  db = await PGlite.create();
  sql = createPgliteSqlClient(db);
  await sql.exec('CREATE TABLE t (id text PRIMARY KEY, n bigint, flag boolean, tags text[], doc jsonb)');
});
afterAll(() => sql.close());

const ECHO =
  'SELECT $1::text AS s, $2::bigint[] AS ns, $3::text[] AS tags, $4::jsonb AS doc, $5::boolean AS b';
const NASTY = [
  "it's",
  'a \\ backslash',
  '"quoted"',
  '{braces},commas',
  'NULL',
  '',
  'Xã Vi Hương — ký số',
  "'); DROP TABLE t; --",
  '$1 $$ $tag$',
  'line\nbreak\ttab',
];

describe('prepared statements on PGlite', () => {
  it('gives the values back exactly as the plain path does, for every awkward string', async () => {
    for (const s of NASTY) {
      const params = [
        s,
        [1n, -2n, 9007199254740993n],
        [s, null, 'x'],
        JSON.stringify({ s, list: [s] }),
        true,
      ];
      const plain = await sql.query(ECHO, params);
      const prepared = await sql.query(ECHO, params, { prepare: true });
      expect(prepared.rows).toEqual(plain.rows);
      expect((prepared.rows[0] as { s: string }).s).toBe(s);
    }
    expect((await sql.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 0 }]);
    // It was prepared once, by the session, and reused.
    const statements = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%$5::boolean AS b'`,
    );
    expect(statements.rows).toEqual([{ n: 1 }]);
  });

  it('runs a prepared write in and out of transactions, after a rollback and after an error', async () => {
    const upsert = `INSERT INTO t (id, n, tags) VALUES ($1, $2, $3)
                    ON CONFLICT (id) DO UPDATE SET n = EXCLUDED.n RETURNING id, n::text AS n`;
    // Prepared first inside a transaction that rolls back: the next call still works.
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(upsert, ['a', 1, ['x']], { prepare: true });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await sql.query('SELECT count(*)::int AS n FROM t')).rows).toEqual([{ n: 0 }]);
    expect((await sql.query(upsert, ['a', 2, []], { prepare: true })).rows).toEqual([{ id: 'a', n: '2' }]);
    // An error from a prepared statement is the database's, with its SQLSTATE, and changes nothing.
    await expect(sql.query(upsert, [null, 3, []], { prepare: true })).rejects.toMatchObject({
      code: '23502',
    });
    await sql.transaction((tx) => tx.query(upsert, ['a', 4, null], { prepare: true }));
    expect((await sql.query('SELECT id, n::text AS n FROM t')).rows).toEqual([{ id: 'a', n: '4' }]);
  });

  it('takes the plain path for values it does not write as literals', async () => {
    expect(sqlLiteral(new Date(0))).toBeUndefined();
    expect(sqlLiteral(new Uint8Array([1]))).toBeUndefined();
    expect(sqlLiteral(Number.NaN)).toBeUndefined();
    const bytes = await sql.query('SELECT length($1::bytea) AS n', [new Uint8Array([1, 2, 3])], {
      prepare: true,
    });
    expect(bytes.rows).toEqual([{ n: 3 }]);
  });
});
