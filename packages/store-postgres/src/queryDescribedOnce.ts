/**
 * A prepared statement that is described once per connection (docs/adr/0061-prepared-statements-described-once.md).
 *
 * pg's own `Query` sends Describe(portal) with every Execute of a prepared statement, so for every execution the
 * server sends a RowDescription and pg builds the row's parsers and template again (`Result.addFields`, about
 * 3.5 µs): at one writer, the store's append (`INSERT … RETURNING position`) paid it on every round trip. Here the
 * statement is parsed and described (Describe(statement)) on its first execution on a connection; later executions
 * send only Bind, Execute and Sync, and the DataRows are read with the column layout learnt then.
 *
 * Built on pg's Submittable extension point (`client.query(submittable)`, as pg-cursor is) and the connection's
 * protocol methods; nothing of pg is copied. Through `pool.query` the pool keeps its semantics (checkout, release,
 * a connection that saw an error leaves the pool) and errors reach the caller as pg's own `Query` would pass them.
 */
import type { Connection, Pool, PoolClient, types } from 'pg';

/** pg's type parsers (`pg.types`), loaded with the driver on first use: this module does not import it. */
type TypeParsers = typeof types;
type Parser = (value: string) => unknown;

/** The columns of a statement's rows, as its Describe(statement) gave them. */
interface Layout {
  names: string[];
  parsers: Parser[];
  /**
   * Every column's key, in order: each row starts as a copy of it (one hidden class for all rows, and a column
   * named like an Object.prototype member, `__proto__` included, is an own property, as in pg's rows).
   */
  template: Record<string, null>;
}

/** A statement that returns no rows (NoData): described, nothing to parse. */
const NO_ROWS: Layout = { names: [], parsers: [], template: {} };

/** By connection: the statements prepared on it by this module and their layouts. A lost connection's goes with it. */
const described = new WeakMap<Connection, Map<string, Layout>>();

let typeParsers: TypeParsers | undefined;

/** The parameters this path sends as text itself; anything else (objects, arrays, dates, buffers) goes through pg. */
export function describableValues(values: readonly unknown[] | undefined): (string | null)[] | undefined {
  if (values === undefined) return [];
  const out = new Array<string | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) out[i] = null;
    else if (typeof value === 'string') out[i] = value;
    // As pg sends them (`toString()`).
    else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
      out[i] = String(value);
    else return undefined;
  }
  return out;
}

type Callback = (error: Error | null, result?: { rows: unknown[] }) => void;

/** Fields of the backend messages this reads (pg-protocol's RowDescription and DataRow). */
interface RowDescription {
  fields: { name: string; dataTypeID: number }[];
}
interface DataRow {
  fields: (string | null)[];
}

/**
 * One execution. pg's Client calls `submit` when the connection is free and the handle* methods as the backend's
 * messages arrive; `callback` is set by the Client (or by the pool, which releases the connection in it).
 */
class DescribedOnceQuery {
  callback: Callback | undefined = undefined;
  private layout: Layout | undefined;
  private statements: Map<string, Layout> | undefined;
  private readonly rows: Record<string, unknown>[] = [];
  /** A row that could not be parsed (a type parser threw): reported once the backend is done, as pg does. */
  private rowError: Error | undefined;
  private done = false;

  constructor(
    // Not `name` and `text`: pg's Client would record a query with those in its own prepared-statement maps.
    private readonly statement: string,
    private readonly sql: string,
    private readonly values: (string | null)[],
  ) {}

  submit(connection: Connection): void {
    let statements = described.get(connection);
    if (statements === undefined) {
      statements = new Map();
      described.set(connection, statements);
    }
    this.statements = statements;
    this.layout = statements.get(this.statement);
    // One write for all the messages, as pg's Query does.
    connection.stream.cork();
    try {
      if (this.layout === undefined) {
        // Not known on this connection. An earlier first execution may have parsed it and then failed (an error
        // in Bind or Execute): closing first makes Parse safe either way (closing a statement that does not
        // exist is not an error).
        connection.close({ type: 'S', name: this.statement }, false);
        connection.parse({ name: this.statement, text: this.sql, types: [] }, false);
        connection.describe({ type: 'S', name: this.statement }, false);
      }
      connection.bind({ statement: this.statement, values: this.values }, false);
      connection.execute({ portal: '' }, false);
      connection.sync();
    } finally {
      connection.stream.uncork();
    }
  }

  /** Only after Describe(statement), on the first execution on a connection. */
  handleRowDescription(message: RowDescription): void {
    const parsers = typeParsers!;
    const template = Object.create(null) as Record<string, null>;
    for (const field of message.fields) template[field.name] = null;
    const layout: Layout = {
      names: message.fields.map((field) => field.name),
      parsers: message.fields.map((field) => parsers.getTypeParser(field.dataTypeID, 'text') as Parser),
      template: { ...template },
    };
    this.layout = layout;
    this.statements!.set(this.statement, layout);
  }

  handleDataRow(message: DataRow): void {
    if (this.rowError !== undefined) return;
    const { names, parsers, template } = this.layout!;
    const fields = message.fields;
    const row: Record<string, unknown> = { ...template };
    try {
      for (let i = 0; i < fields.length; i++) {
        const value = fields[i]!;
        row[names[i]!] = value === null ? null : parsers[i]!(value);
      }
    } catch (error) {
      this.rowError = error as Error;
      return;
    }
    this.rows.push(row);
  }

  handleCommandComplete(): void {}

  handleEmptyQuery(): void {}

  handlePortalSuspended(): void {}

  handleCopyInResponse(connection: Connection): void {
    (connection as unknown as { sendCopyFail(message: string): void }).sendCopyFail(
      'No source stream defined',
    );
  }

  handleCopyData(): void {}

  /** A backend error (the Client has already let go of this query), or the connection's. */
  handleError(error: Error): void {
    this.finish(this.rowError ?? error);
  }

  handleReadyForQuery(): void {
    // Described, and no RowDescription came: the statement returns no rows.
    if (this.layout === undefined) this.statements!.set(this.statement, NO_ROWS);
    if (this.rowError !== undefined) this.finish(this.rowError);
    else this.finish(null, { rows: this.rows });
  }

  private finish(error: Error | null, result?: { rows: unknown[] }): void {
    if (this.done) return;
    this.done = true;
    this.callback?.(error, result);
  }
}

/** What `query(submittable, values, callback)` of a pg Pool or Client accepts (the callback form, typed here). */
type CallbackQuery = (submittable: DescribedOnceQuery, values: undefined, callback: Callback) => void;

/**
 * Runs a prepared statement described once per connection. `values` as `describableValues` gave them. Through a
 * Pool, the pool checks a connection out and releases it as for any query.
 */
export async function queryDescribedOnce(
  connection: Pool | PoolClient,
  name: string,
  text: string,
  values: (string | null)[],
): Promise<{ rows: unknown[] }> {
  if (typeParsers === undefined) {
    const { default: pg } = await import('pg');
    typeParsers = pg.types;
  }
  const query = new DescribedOnceQuery(name, text, values);
  return new Promise((resolve, reject) => {
    (connection.query as unknown as CallbackQuery).call(connection, query, undefined, (error, result) => {
      if (error) reject(error);
      else resolve(result!);
    });
  });
}
