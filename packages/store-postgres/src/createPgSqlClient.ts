/** The `pg` driver behind the driver-neutral SqlClient. */
import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import { quoteIdent } from '@ntm/sql';
import type { QueryOptions, SqlClient } from '@ntm/sql';

/** Delay before re-opening a lost LISTEN connection; polling covers the gap. */
const RELISTEN_DELAY_MS = 200;

/**
 * LISTEN on a client of its own, outside the pool: a pooled connection would take a slot for good, and setting
 * it up would queue behind every statement waiting for the pool. A lost connection is re-opened, and onNotify
 * fires once LISTEN is in place again, since notifications sent while it was down are gone.
 */
async function listenOn(pool: Pool, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client(pool.options);
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    // Without an 'error' listener a dropped connection would crash the process.
    next.on('error', () => undefined);
    next.on('end', () => {
      if (stopped || client !== next) return;
      client = undefined;
      retry = setTimeout(reconnect, RELISTEN_DELAY_MS);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (stopped) await next.end().catch(() => undefined);
    else client = next;
  };
  const reconnect = () => {
    retry = undefined;
    if (stopped) return;
    connect().then(onNotify, () => {
      if (!stopped) retry = setTimeout(reconnect, RELISTEN_DELAY_MS);
    });
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}

/** One name per statement text in this process; pg prepares a name once per connection and checks its text. */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `ntm_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
}

function clientOf(connection: Pool | PoolClient, inTransaction: boolean, pool: Pool): SqlClient {
  const client: SqlClient = {
    async query<R>(text: string, params?: readonly unknown[], options?: QueryOptions) {
      const values = params as unknown[] | undefined;
      const result = await connection.query(
        options?.prepare ? { name: statementName(text), text, values } : { text, values },
      );
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
    listen: (channel, onNotify) => listenOn(pool, channel, onNotify),
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
