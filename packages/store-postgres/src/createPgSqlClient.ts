/**
 * The `pg` driver behind the driver-neutral SqlClient.
 *
 * Connection loss (a terminated backend, a server restart or failover, `idle_session_timeout`): `pg` reports a
 * connection that dies while nobody is using it as an 'error' event of its Pool or Client, and an 'error' event
 * nobody listens to ends the process. So every pool, every checked-out connection and the LISTEN connection here
 * has a listener: the dead connection is dropped, the statements that were on it fail (STORE_UNAVAILABLE in the
 * store), and the next statement opens a new one. See docs/event-store.md, "Connection loss".
 */
import type { Client, Pool, PoolClient } from 'pg';
import { quoteIdent } from '@ntm/sql';
import type { QueryOptions, SqlClient } from '@ntm/sql';
import { describableValues, queryDescribedOnce } from './queryDescribedOnce.js';

/** Delay before re-opening a lost LISTEN connection; polling covers the gap. */
const RELISTEN_DELAY_MS = 200;

/**
 * LISTEN on a client of its own, outside the pool: a pooled connection would take a slot for good, and setting
 * it up would queue behind every statement waiting for the pool. A lost connection is re-opened, and onNotify
 * fires once LISTEN is in place again, since notifications sent while it was down are gone.
 */
async function listenOn(
  pool: Pool,
  channel: string,
  onNotify: () => void,
  onError: (error: Error) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    // pg itself is loaded by whoever made the pool; this module does not import it, so linking the package (the
    // embedded default does, for PostgresEventStore over PGlite) does not load the driver.
    const { default: pg } = await import('pg');
    const next = new pg.Client(pool.options);
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    // Without an 'error' listener a dropped connection would crash the process.
    next.on('error', onError);
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
  // A server that is away when LISTEN starts is retried like a lost connection: polling covers the gap, and the
  // catch-up wake-up follows once LISTEN is in place.
  await connect().catch((error: unknown) => {
    onError(error as Error);
    retry = setTimeout(reconnect, RELISTEN_DELAY_MS);
  });
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}

/**
 * One name per statement text in this process, for each of the two ways a prepared statement is run (pg's own
 * `Query` for parameters only pg can convert, and `queryDescribedOnce`): each keeps its own record of what is
 * prepared on a connection, so they never share a name.
 */
const statementNames = new Map<string, string>();
function statementName(text: string, describedOnce: boolean): string {
  const key = describedOnce ? `d${text}` : `q${text}`;
  let name = statementNames.get(key);
  if (name === undefined) {
    name = `ntm_${describedOnce ? 'd' : 'q'}${statementNames.size}`;
    statementNames.set(key, name);
  }
  return name;
}

function clientOf(
  connection: Pool | PoolClient,
  inTransaction: boolean,
  pool: Pool,
  onError: (error: Error) => void,
): SqlClient {
  const client: SqlClient = {
    async query<R>(text: string, params?: readonly unknown[], options?: QueryOptions) {
      const values = params as unknown[] | undefined;
      if (options?.prepare) {
        // Described once per connection, then Bind/Execute/Sync only (ADR 0061); parameters that need pg's
        // conversion (objects, arrays, dates, buffers) go through its own Query, which describes every time.
        const asText = describableValues(values);
        if (asText !== undefined) {
          const result = await queryDescribedOnce(connection, statementName(text, true), text, asText);
          return { rows: result.rows as R[] };
        }
        const result = await connection.query({ name: statementName(text, false), text, values });
        return { rows: result.rows as R[] };
      }
      const result = await connection.query({ text, values });
      return { rows: result.rows as R[] };
    },
    async exec(script: string) {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await connection.query(script);
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      if (inTransaction) return fn(client);
      const dedicated = await pool.connect();
      // Checked out, the connection is no longer watched by the pool: a connection that dies while `fn` awaits
      // something else would raise an unhandled 'error'. Its next statement fails, and it leaves the pool.
      let lost: Error | undefined;
      const onLost = (error: Error) => {
        lost = error;
        onError(error);
      };
      dedicated.on('error', onLost);
      try {
        await dedicated.query('BEGIN');
        const result = await fn(clientOf(dedicated, true, pool, onError));
        await dedicated.query('COMMIT');
        return result;
      } catch (error) {
        await dedicated.query('ROLLBACK').catch((rollback: Error) => (lost ??= rollback));
        throw error;
      } finally {
        dedicated.off('error', onLost);
        dedicated.release(lost);
      }
    },
    listen: (channel, onNotify) => listenOn(pool, channel, onNotify, onError),
    async close() {
      if (!inTransaction) await pool.end();
    },
  };
  return client;
}

export interface PgSqlClientOptions {
  /**
   * Told of every connection that is lost (the pool drops it and opens another when needed); default: ignored,
   * since the statements that needed it fail on their own.
   */
  onConnectionError?: (error: Error) => void;
}

/** Wrap a pg Pool as a SqlClient. `close()` ends the pool. Lost connections never crash the process. */
export function createPgSqlClient(pool: Pool, options: PgSqlClientOptions = {}): SqlClient {
  const onError = options.onConnectionError ?? (() => undefined);
  // An idle pooled connection that dies is reported by the pool, which has already removed it.
  pool.on('error', onError);
  return clientOf(pool, false, pool, onError);
}
