/** The `pg` driver behind the driver-neutral SqlClient. */
import type { Pool, PoolClient } from 'pg';
import { quoteIdent } from '@ntm/sql';
import type { SqlClient } from '@ntm/sql';

function clientOf(connection: Pool | PoolClient, inTransaction: boolean, pool: Pool): SqlClient {
  const client: SqlClient = {
    async query<R>(text: string, params?: readonly unknown[]) {
      const result = await connection.query(text, params as unknown[] | undefined);
      return { rows: result.rows as R[] };
    },
    async exec(script: string) {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await connection.query(script);
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      if (inTransaction) return fn(client);
      const dedicated = await pool.connect();
      try {
        await dedicated.query('BEGIN');
        const result = await fn(clientOf(dedicated, true, pool));
        await dedicated.query('COMMIT');
        return result;
      } catch (error) {
        await dedicated.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        dedicated.release();
      }
    },
    async listen(channel: string, onNotify: () => void) {
      const listener = await pool.connect();
      const handler = (message: { channel: string }) => {
        if (message.channel === channel) onNotify();
      };
      listener.on('notification', handler);
      await listener.query(`LISTEN ${quoteIdent(channel)}`);
      return async () => {
        listener.off('notification', handler);
        await listener.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
        listener.release();
      };
    },
    async close() {
      if (!inTransaction) await pool.end();
    },
  };
  return client;
}

/** Wrap a pg Pool as a SqlClient. `close()` ends the pool. */
export function createPgSqlClient(pool: Pool): SqlClient {
  return clientOf(pool, false, pool);
}
