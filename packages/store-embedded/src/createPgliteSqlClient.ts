/**
 * PGlite behind the driver-neutral SqlClient. PGlite is one connection: a statement issued while a transaction
 * is open would run inside that transaction, so every statement and every transaction takes turns through one
 * queue here.
 *
 * `{ prepare: true }` is kept here too (ADR 0031). PGlite's client parses and plans every statement anew (it has
 * no named prepared statements), and for the read models' one-statement write (17 CTEs) planning was about half of
 * the statement's time, paid on every command of the embedded default. So a hot statement is prepared once with
 * SQL `PREPARE` and run with `EXECUTE`. `EXECUTE` is a utility statement and takes no protocol parameters, so the
 * values go in as quoted literals: untyped, like the protocol's text parameters, each read by the input function
 * of the parameter's type. Only strings, numbers, bigints, booleans, null and arrays of those are written as
 * literals; a statement with any other value (bytes, dates, objects) takes the plain path.
 */
import { createHash } from 'node:crypto';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { sqlState, type QueryOptions, type SqlClient } from '@ntm/sql';

type Scalar = string | number | bigint | boolean | null;
const isScalar = (v: unknown): v is Scalar =>
  v === null ||
  typeof v === 'string' ||
  typeof v === 'bigint' ||
  typeof v === 'boolean' ||
  (typeof v === 'number' && Number.isFinite(v));

/** `v` as an SQL literal (standard_conforming_strings on: only the quote is doubled), or undefined. */
export function sqlLiteral(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'NULL';
  if (Array.isArray(v)) {
    if (!v.every(isScalar)) return undefined;
    // An array's text form: every element double-quoted, `"` and `\` escaped, NULL bare.
    const elements = v.map((x) => (x === null ? 'NULL' : `"${String(x).replace(/["\\]/g, '\\$&')}"`));
    return sqlLiteral(`{${elements.join(',')}}`);
  }
  if (!isScalar(v)) return undefined;
  return `'${String(v).replaceAll("'", "''")}'`;
}

/** The queries of one PGlite session that `prepare`, run as PREPARE once and EXECUTE after. */
function preparedStatements() {
  const names = new Map<string, string>();
  let checked = false;
  return async <R>(
    text: string,
    params: readonly unknown[] | undefined,
    options: QueryOptions | undefined,
    runIn: (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }>,
  ): Promise<{ rows: R[] }> => {
    const literals = options?.prepare ? (params ?? []).map(sqlLiteral) : undefined;
    if (!literals || literals.some((l) => l === undefined))
      return (await runIn(text, params as unknown[] | undefined)) as { rows: R[] };
    if (!checked) {
      // The literals above are only safe with standard strings (a backslash is a character, not an escape).
      const { rows } = await runIn('SHOW standard_conforming_strings');
      if ((rows[0] as { standard_conforming_strings?: string }).standard_conforming_strings !== 'on')
        throw new Error('standard_conforming_strings is off: refusing to inline parameters');
      checked = true;
    }
    let name = names.get(text);
    const execute = () => runIn(`EXECUTE ${name}(${literals.join(', ')})`) as Promise<{ rows: R[] }>;
    if (name === undefined) {
      name = `ntm_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
      await runIn(`PREPARE ${name} AS ${text}`);
      names.set(text, name);
      return execute();
    }
    try {
      return await execute();
    } catch (error) {
      // 26000: gone (a DEALLOCATE, or a PREPARE inside a transaction that was rolled back): prepare it again.
      if (sqlState(error) !== '26000') throw error;
      await runIn(`PREPARE ${name} AS ${text}`);
      return execute();
    }
  };
}

type Prepared = ReturnType<typeof preparedStatements>;

function transactionClient(tx: Transaction, prepared: Prepared): SqlClient {
  const client: SqlClient = {
    async query<R>(text: string, params?: readonly unknown[], options?: QueryOptions) {
      const { rows } = await prepared<R>(text, params, options, (t, p) => tx.query(t, p));
      return { rows };
    },
    async exec(script: string) {
      await tx.exec(script);
    },
    transaction: <T>(fn: (inner: SqlClient) => Promise<T>) => fn(client),
    close: () => Promise.resolve(),
  };
  return client;
}

/** Wrap a PGlite database as a SqlClient that serialises statements and transactions. `close()` closes `db`. */
export function createPgliteSqlClient(db: PGlite): SqlClient {
  let tail: Promise<unknown> = Promise.resolve();
  const turn = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work);
    tail = result.catch(() => undefined);
    return result;
  };
  const prepared = preparedStatements();
  return {
    query: <R>(text: string, params?: readonly unknown[], options?: QueryOptions) =>
      turn(async () => ({
        rows: (await prepared<R>(text, params, options, (t, p) => db.query(t, p))).rows,
      })),
    exec: (script: string) =>
      turn(async () => {
        await db.exec(script);
      }),
    transaction: <T>(fn: (tx: SqlClient) => Promise<T>) =>
      turn(() => db.transaction((tx) => fn(transactionClient(tx, prepared)))),
    close: () => turn(() => db.close()),
  };
}
