/**
 * PGlite behind the driver-neutral SqlClient. PGlite is one connection: a statement issued while a transaction
 * is open would run inside that transaction, so every statement and every transaction takes turns through one
 * queue here.
 */
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { SqlClient } from '@ntm/sql';

function transactionClient(tx: Transaction): SqlClient {
  const client: SqlClient = {
    async query<R>(text: string, params?: readonly unknown[]) {
      const result = await tx.query<R>(text, params as unknown[] | undefined);
      return { rows: result.rows };
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
  return {
    query: <R>(text: string, params?: readonly unknown[]) =>
      turn(async () => ({ rows: (await db.query<R>(text, params as unknown[] | undefined)).rows })),
    exec: (script: string) =>
      turn(async () => {
        await db.exec(script);
      }),
    transaction: <T>(fn: (tx: SqlClient) => Promise<T>) =>
      turn(() => db.transaction((tx) => fn(transactionClient(tx)))),
    close: () => turn(() => db.close()),
  };
}
