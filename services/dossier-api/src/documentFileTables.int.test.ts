/**
 * The document files' name rows on the real PostgreSQL: the names asked for in one turn are written by one
 * statement (ADR 0041), the latest name of a key wins within a turn as across turns, and a failed write rejects
 * every caller of its turn.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import type { SqlClient } from '@ntm/sql';
import { DocumentFileTables } from './documentFileTables.js';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `api_names_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
let opened: OpenedPostgresStore;
let statements: string[];
let tables: DocumentFileTables;

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString, schema, maxConnections: 2 });
  const sql = opened.sql;
  const counted: SqlClient = Object.assign(Object.create(sql) as SqlClient, {
    query: ((text: string, ...rest: unknown[]) => {
      statements.push(text);
      return (sql.query as (...a: unknown[]) => unknown)(text, ...rest);
    }) as SqlClient['query'],
  });
  tables = new DocumentFileTables(counted, schema);
  await tables.init();
});
afterAll(async () => {
  await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await opened.close();
});

const hash = (c: string) => c.repeat(64);

describe('DocumentFileTables.rememberName', () => {
  it('writes the names of one turn in one statement, the latest of a key winning', async () => {
    statements = [];
    await Promise.all([
      tables.rememberName('d1', 'doc-a', hash('a'), 'Tờ trình.pdf'),
      tables.rememberName('d1', 'doc-b', hash('b'), 'Biên bản.pdf'),
      tables.rememberName('d1', 'doc-a', hash('a'), 'Tờ trình (sửa).pdf'),
      tables.rememberName('d2', 'doc-a', hash('a'), 'Báo cáo.pdf'),
    ]);
    expect(statements.filter((s) => s.includes('INSERT'))).toHaveLength(1);
    expect(await tables.nameOf('d1', 'doc-a', hash('a'))).toBe('Tờ trình (sửa).pdf');
    expect(await tables.nameOf('d1', 'doc-b', hash('b'))).toBe('Biên bản.pdf');
    expect(await tables.nameOf('d2', 'doc-a', hash('a'))).toBe('Báo cáo.pdf');
    // A later turn replaces the name, as before.
    await tables.rememberName('d1', 'doc-b', hash('b'), 'Biên bản họp.pdf');
    expect(await tables.nameOf('d1', 'doc-b', hash('b'))).toBe('Biên bản họp.pdf');
  });

  it('rejects every caller of a turn whose statement failed', async () => {
    const tooLong = 'x'.repeat(2000);
    // A NUL is refused by PostgreSQL's text input: the one statement fails, and so does each caller of its turn.
    const results = await Promise.allSettled([
      tables.rememberName('d3', 'doc-a', hash('c'), 'ok.pdf'),
      tables.rememberName('d3', 'doc-b', hash('d'), `bad\u0000${tooLong}`),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await tables.nameOf('d3', 'doc-a', hash('c'))).toBeUndefined();
  });
});
