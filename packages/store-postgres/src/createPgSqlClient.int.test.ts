import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '@ntm/sql';
import { isUniqueViolation } from '@ntm/sql';
import { createPgSqlClient } from './createPgSqlClient.js';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Prepared statements described once per connection (ADR 0061), through the pool and in transactions. */
describe('createPgSqlClient: prepared statements', () => {
  const schema = `t_prep_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  let pool: pg.Pool;
  let sql: SqlClient;
  /** RowDescription messages received, over every connection of the pool. */
  let rowDescriptions = 0;
  const connections = new Set<pg.Client>();

  beforeAll(async () => {
    // One connection: every statement below runs on the same one unless an error made the pool drop it.
    pool = new pg.Pool({ connectionString, max: 1 });
    pool.on('connect', (client) => {
      connections.add(client);
      client.connection.on('rowDescription', () => rowDescriptions++);
    });
    sql = createPgSqlClient(pool);
    await sql.exec(`CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.t (id uuid PRIMARY KEY, n integer NOT NULL, doc jsonb, note text)`);
  });
  afterAll(async () => {
    await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.close();
  });

  const insert = () =>
    `INSERT INTO ${schema}.t (id, n, doc, note) VALUES ($1::uuid, $2, $3::jsonb, $4)
     RETURNING n, doc, note, n::text AS n_text, id`;

  it('describes a statement once per connection and parses every row with the types learnt then', async () => {
    const before = rowDescriptions;
    const connectionsBefore = connections.size;
    const ids = Array.from({ length: 50 }, () => randomUUID());
    // Queued on the one connection together: each gets its own row back.
    const results = await Promise.all(
      ids.map((id, i) =>
        sql.query(insert(), [id, i, JSON.stringify({ i, t: 'Bắc Kạn' }), i % 2 ? null : `note ${i}`], {
          prepare: true,
        }),
      ),
    );
    results.forEach(({ rows }, i) =>
      expect(rows).toEqual([
        { n: i, doc: { i, t: 'Bắc Kạn' }, note: i % 2 ? null : `note ${i}`, n_text: String(i), id: ids[i] },
      ]),
    );
    expect(connections.size).toBe(connectionsBefore);
    // pg's own Query receives one RowDescription per execution (50).
    expect(rowDescriptions - before).toBe(1);

    const { rows } = await sql.query<{ n: number; note: string | null }>(
      `SELECT n, note FROM ${schema}.t WHERE n < $1 ORDER BY n`,
      [4],
      { prepare: true },
    );
    expect(rows).toEqual([
      { n: 0, note: 'note 0' },
      { n: 1, note: null },
      { n: 2, note: 'note 2' },
      { n: 3, note: null },
    ]);
    const again = await sql.query(`SELECT n, note FROM ${schema}.t WHERE n < $1 ORDER BY n`, [2], {
      prepare: true,
    });
    expect(again.rows).toEqual(rows.slice(0, 2));
    expect(rowDescriptions - before).toBe(2);
  });

  it("keeps a column named like an Object.prototype member as the row's own key, as pg does", async () => {
    const { rows } = await sql.query<Record<string, unknown>>(
      `SELECT $1::text AS "__proto__", $1::text AS "constructor", 2 AS n`,
      ['x'],
      { prepare: true },
    );
    expect(Object.keys(rows[0]!)).toEqual(['__proto__', 'constructor', 'n']);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
    expect(rows[0]!['n']).toBe(2);
  });

  it('passes a unique violation through as pg does, and the next statement runs', async () => {
    const id = randomUUID();
    await sql.query(insert(), [id, 1, null, null], { prepare: true });
    const error: unknown = await sql
      .query(insert(), [id, 2, null, null], { prepare: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect(isUniqueViolation(error)).toBe(true);
    expect(error).toMatchObject({ code: '23505', constraint: 't_pkey' });
    const { rows } = await sql.query(insert(), [randomUUID(), 3, null, 'after'], { prepare: true });
    expect(rows).toMatchObject([{ n: 3, note: 'after' }]);
  });

  it('keeps the connection usable after a statement fails on its first execution on it', async () => {
    // A statement without rows (NoData), failing in Bind (not a uuid) after its Parse succeeded. In a transaction
    // the connection stays checked out and goes back to the pool after the ROLLBACK, with the statement parsed on
    // it: its next first execution must not parse the same name again (42P05).
    const update = `UPDATE ${schema}.t SET note = $2 WHERE id = $1::uuid`;
    const connectionsBefore = connections.size;
    await expect(
      sql.transaction((tx) => tx.query(update, ['not-a-uuid', 'x'], { prepare: true })),
    ).rejects.toMatchObject({ code: '22P02' });
    const id = randomUUID();
    await sql.query(insert(), [id, 4, null, null], { prepare: true });
    await sql.transaction((tx) => tx.query(update, [id, 'updated'], { prepare: true }));
    await sql.query(update, [id, 'updated again'], { prepare: true });
    expect(connections.size).toBe(connectionsBefore);
    const { rows } = await sql.query(`SELECT note FROM ${schema}.t WHERE id = $1::uuid`, [id], {
      prepare: true,
    });
    expect(rows).toEqual([{ note: 'updated again' }]);
  });

  it('runs a statement whose parameters only pg converts (objects, dates, arrays) through pg', async () => {
    const { rows } = await sql.query<{ doc: unknown; at: string; ns: number[] }>(
      `SELECT $1::jsonb AS doc, to_char($2::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS at, $3::int[] AS ns`,
      [{ a: [1, 'b'] }, new Date('2024-06-10T00:00:00Z'), [1, 2]],
      { prepare: true },
    );
    expect(rows).toEqual([{ doc: { a: [1, 'b'] }, at: '2024-06-10', ns: [1, 2] }]);
  });

  it('fails every statement on a lost connection, and the next one runs on a new connection', async () => {
    const select = `SELECT pg_backend_pid() AS pid, $1::text AS x`;
    const { rows } = await sql.query<{ pid: number }>(select, ['a'], { prepare: true });
    const killer = new pg.Client({ connectionString });
    await killer.connect();
    try {
      await killer.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    } finally {
      await killer.end();
    }
    // The pool may or may not have noticed before this statement goes out: either way no hang, and then a new
    // connection that prepares the statement again.
    await sql.query(select, ['b'], { prepare: true }).catch(() => undefined);
    const after = await sql.query<{ pid: number; x: string }>(select, ['c'], { prepare: true });
    expect(after.rows[0]!.x).toBe('c');
    expect(after.rows[0]!.pid).not.toBe(rows[0]!.pid);
  });
});
