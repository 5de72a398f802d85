/**
 * A driver-neutral SQL client: the one surface the PostgreSQL store, the embedded (PGlite) store and the read
 * models are written against, so the same SQL runs on both drivers.
 */
export interface QueryOptions {
  /**
   * Keep the statement parsed on the connection and reuse it (PostgreSQL: a named prepared statement), for hot
   * statements whose text is one of a few. Parsing and analysing the append statement on every call was measured
   * at about a tenth of the store's append throughput. Never for texts built with a varying shape: each distinct
   * text stays prepared on every connection that ran it.
   */
  prepare?: boolean;
}

export interface SqlClient {
  /** Run one statement with positional parameters ($1, $2, ...). */
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<{ rows: R[] }>;
  /** Run a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /**
   * Run `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it rejects. Inside, use only `tx`.
   * Calling `tx.transaction` joins the same transaction.
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /**
   * LISTEN on a channel on a dedicated connection, when the driver can (PostgreSQL). Resolves to a function that
   * stops listening. Absent on single-process drivers, which wake their subscribers in-process.
   */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** Release the connection(s). On a transaction client, a no-op: the transaction ends when `fn` settles. */
  close(): Promise<void>;
}

export type SqlErrorCode = 'INVALID_IDENTIFIER' | 'MIGRATION_FAILED';

/** Errors raised by this package. */
export class SqlError extends Error {
  constructor(
    readonly code: SqlErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SqlError';
  }
}

/** The SQLSTATE of a driver error (`23505` unique violation, ...), whichever driver raised it. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** True when the error is a unique-constraint violation (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505';
}

/** SQLSTATEs of a server that is going away or not there yet: admin/crash shutdown, starting up, too many clients. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Node's codes for a refused, reset or unreachable connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
/** `pg` reports a connection lost under a query by message only. */
const LOST_MESSAGE = /Connection terminated|not queryable|timeout exceeded when trying to connect/i;

/**
 * True when the error says the database is away (connection lost or refused, server shutting down or starting),
 * not that the statement was wrong: worth a retry once it is back, and a 503 rather than a 500.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const state = sqlState(error);
  if (state !== undefined) return state.startsWith('08') || UNAVAILABLE_STATES.has(state);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionLoss);
  return LOST_MESSAGE.test(error.message);
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quote a lowercase SQL identifier after checking it (letters, digits, underscore; at most 63 characters). */
export function quoteIdent(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new SqlError(
      'INVALID_IDENTIFIER',
      `"${name}" is not a lowercase identifier of at most 63 characters`,
    );
  }
  return `"${name}"`;
}
