/**
 * A small migration runner. All pending migrations run in one transaction under a PostgreSQL advisory lock keyed
 * on the migrations table, so two processes starting at once neither apply a migration twice nor trip over each
 * other's CREATE SCHEMA / CREATE TABLE.
 */
import { SqlError, quoteIdent } from './SqlClient.js';
import type { SqlClient } from './SqlClient.js';

export interface Migration {
  /** Stable id, recorded once applied; migrations run in array order. */
  id: string;
  /** A SQL script, or a function run inside the migration transaction. */
  up: string | ((tx: SqlClient) => Promise<void>);
}

/** First key of the advisory lock: the project's own namespace, so our locks never meet another app's. */
const LOCK_NAMESPACE = 0x4e544d;

/**
 * Inside a transaction: takes the advisory lock of schema `schema` until the transaction ends, and creates the schema
 * if it is missing. `CREATE SCHEMA IF NOT EXISTS` (and `CREATE TABLE IF NOT EXISTS`) is not safe on its own across
 * sessions: when two run it at once, one fails on the catalog's unique index (23505). Every creation of a schema and
 * of the tables a process makes in it outside the migrations (a lease's table) goes through this lock, so processes
 * that start together (an API process migrating, a dispatcher opening its lease) wait for each other instead.
 */
export async function lockSchema(tx: SqlClient, schema: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, `schema ${schema}`]);
  await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
}

/**
 * Apply the migrations not yet recorded in `schemaTable` ("schema.table" or "table" in the search path; the
 * schema is created if missing). Returns the ids applied by this call. A failing migration rolls back the whole
 * run and raises SqlError MIGRATION_FAILED with the driver error as cause.
 */
export async function migrate(
  sql: SqlClient,
  migrations: readonly Migration[],
  schemaTable: string,
): Promise<{ applied: string[] }> {
  const parts = schemaTable.split('.');
  if (parts.length > 2) throw new SqlError('INVALID_IDENTIFIER', `"${schemaTable}" is not schema.table`);
  const quoted = parts.map(quoteIdent);
  const table = quoted.join('.');
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, schemaTable]);
    if (parts.length === 2) await lockSchema(tx, parts[0]!);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await tx.query<{ id: string }>(`SELECT id FROM ${table}`)).rows.map((row) => row.id),
    );
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      try {
        if (typeof migration.up === 'string') await tx.exec(migration.up);
        else await migration.up(tx);
      } catch (error) {
        throw new SqlError('MIGRATION_FAILED', `migration ${migration.id} failed`, { cause: error });
      }
      await tx.query(`INSERT INTO ${table} (id) VALUES ($1)`, [migration.id]);
      applied.push(migration.id);
    }
    return { applied };
  });
}
