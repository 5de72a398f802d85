import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlError, migrate, openLease } from '@ntm/sql';
import type { Migration, SqlClient } from '@ntm/sql';
import { createPgSqlClient } from './createPgSqlClient.js';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('migrate (on pg)', () => {
  const schema = `t_migrate_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  let a: SqlClient;
  let b: SqlClient;
  const migrations: Migration[] = [
    {
      id: '0001-table',
      up: `CREATE TABLE ${schema}.runs (n integer); CREATE TABLE ${schema}.other (x text)`,
    },
    {
      id: '0002-row',
      up: async (tx) => {
        await tx.query(`INSERT INTO ${schema}.runs VALUES (1)`);
      },
    },
  ];

  beforeAll(() => {
    a = createPgSqlClient(new pg.Pool({ connectionString, max: 2 }));
    b = createPgSqlClient(new pg.Pool({ connectionString, max: 2 }));
  });
  afterAll(async () => {
    await a.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await a.close();
    await b.close();
  });

  it('applies each migration once when two processes start at the same moment', async () => {
    const [first, second] = await Promise.all([
      migrate(a, migrations, `${schema}.migrations`),
      migrate(b, migrations, `${schema}.migrations`),
    ]);
    expect([...first.applied, ...second.applied].sort()).toEqual(['0001-table', '0002-row']);
    expect((await a.query(`SELECT n FROM ${schema}.runs`)).rows).toEqual([{ n: 1 }]);
    expect((await migrate(a, migrations, `${schema}.migrations`)).applied).toEqual([]);
  });

  it('rolls back the whole run when a migration fails', async () => {
    const more: Migration[] = [
      ...migrations,
      { id: '0003-ok', up: `INSERT INTO ${schema}.runs VALUES (3)` },
      { id: '0004-bad', up: `INSERT INTO ${schema}.missing VALUES (4)` },
    ];
    const error = await migrate(a, more, `${schema}.migrations`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect((await a.query(`SELECT n FROM ${schema}.runs ORDER BY n`)).rows).toEqual([{ n: 1 }]);
    const ids = await a.query<{ id: string }>(`SELECT id FROM ${schema}.migrations ORDER BY id`);
    expect(ids.rows.map((r) => r.id)).toEqual(['0001-table', '0002-row']);
  });

  it('refuses a table name that is not a plain identifier', async () => {
    await expect(migrate(a, migrations, 'bad"name')).rejects.toMatchObject({ code: 'INVALID_IDENTIFIER' });
    await expect(migrate(a, migrations, 'a.b.c')).rejects.toMatchObject({ code: 'INVALID_IDENTIFIER' });
  });

  it('lets leases and migrations create the same new schema from many sessions at once', async () => {
    // CREATE SCHEMA / TABLE IF NOT EXISTS alone is not safe across sessions: the loser of the race fails on the
    // catalog's unique index (23505), which stopped a dispatcher that started beside an API process.
    const pool = createPgSqlClient(new pg.Pool({ connectionString, max: 12 }));
    const schemas: string[] = [];
    try {
      for (let round = 0; round < 5; round += 1) {
        const fresh = `t_race_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
        schemas.push(fresh);
        await Promise.all([
          ...Array.from({ length: 8 }, (_, i) => openLease(pool, fresh, `lease-${i % 2}`)),
          migrate(a, migrations.slice(0, 0), `${fresh}.migrations`),
          migrate(b, migrations.slice(0, 0), `${fresh}.migrations`),
        ]);
        const lease = await openLease(pool, fresh, 'lease-0');
        expect(await lease.acquire('me', 1000)).not.toBeNull();
      }
    } finally {
      for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await pool.close();
    }
  });
});
