/**
 * Where the server-side sessions live, so that several web processes behind one address share them (ADR 0020):
 * Redis when `REDIS_URL` is set, else a table in the engine's own SQL database (PostgreSQL, or the embedded
 * PGlite). A session expires with its cookie; an expired one reads as absent and is removed when next written
 * or by the sweep on write. The session holds the person's access token: it never goes into the event log.
 */
import type * as Fastify from 'fastify';
import { migrate, quoteIdent, type SqlClient } from '@ntm/sql';

/** The store's core: serialised sessions by id, with the instant they expire. */
export interface SessionRecords {
  read(id: string): Promise<string | undefined>;
  write(id: string, data: string, expiresAt: Date): Promise<void>;
  remove(id: string): Promise<void>;
  close(): Promise<void>;
}

/** What `@fastify/session` calls (callback style). */
export interface SessionStore {
  set(id: string, session: Fastify.Session, callback: (err?: unknown) => void): void;
  get(id: string, callback: (err: unknown, session?: Fastify.Session | null) => void): void;
  destroy(id: string, callback: (err?: unknown) => void): void;
}

/** How long a session without a cookie expiry is kept (the cookie's own max age is 8 hours). */
const DEFAULT_TTL_MS = 8 * 3600 * 1000;

/** `@fastify/session`'s store over `records`; `now` is the service's clock (expiry is business time in tests). */
export function sessionStore(records: SessionRecords, now: () => Date): SessionStore {
  const expiryOf = (session: Fastify.Session): Date => {
    const expires = (session.cookie as { expires?: Date | string | null } | undefined)?.expires;
    return expires ? new Date(expires) : new Date(now().getTime() + DEFAULT_TTL_MS);
  };
  return {
    set(id, session, callback) {
      records.write(id, JSON.stringify(session), expiryOf(session)).then(() => callback(), callback);
    },
    get(id, callback) {
      records.read(id).then(
        (data) => callback(null, data === undefined ? null : (JSON.parse(data) as Fastify.Session)),
        (err: unknown) => callback(err),
      );
    },
    destroy(id, callback) {
      records.remove(id).then(() => callback(), callback);
    },
  };
}

/** Sessions in a table `web_sessions` of `schema` (created on open), read only while unexpired. */
export async function sqlSessionRecords(
  sql: SqlClient,
  schema: string,
  now: () => Date,
): Promise<SessionRecords> {
  const table = `${quoteIdent(schema)}.web_sessions`;
  await migrate(
    sql,
    [
      {
        id: '0001-web-sessions',
        up: `CREATE TABLE ${table} (id text PRIMARY KEY, data text NOT NULL, expires_at timestamptz NOT NULL);
             CREATE INDEX ON ${table} (expires_at)`,
      },
    ],
    `${schema}.web_migrations`,
  );
  return {
    async read(id) {
      const { rows } = await sql.query<{ data: string }>(
        `SELECT data FROM ${table} WHERE id = $1 AND expires_at > $2`,
        [id, now()],
      );
      return rows[0]?.data;
    },
    async write(id, data, expiresAt) {
      await sql.query(
        `INSERT INTO ${table} (id, data, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
        [id, data, expiresAt],
      );
      // Expired sessions go as new ones come: no timer to run or stop.
      await sql.query(`DELETE FROM ${table} WHERE expires_at <= $1`, [now()]);
    },
    async remove(id) {
      await sql.query(`DELETE FROM ${table} WHERE id = $1`, [id]);
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Sessions as Redis keys `<prefix>:<id>` that Redis expires itself. ioredis is imported here: the embedded default
 * keeps its sessions in SQL and never loads it (ADR 0029).
 */
export async function redisSessionRecords(
  redisUrl: string,
  prefix: string,
  now: () => Date,
): Promise<SessionRecords> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const key = (id: string) => `${prefix}:${id}`;
  return {
    async read(id) {
      return (await redis.get(key(id))) ?? undefined;
    },
    async write(id, data, expiresAt) {
      const ttl = expiresAt.getTime() - now().getTime();
      if (ttl <= 0) await redis.del(key(id));
      else await redis.set(key(id), data, 'PX', ttl);
    },
    async remove(id) {
      await redis.del(key(id));
    },
    close() {
      redis.disconnect();
      return Promise.resolve();
    },
  };
}
