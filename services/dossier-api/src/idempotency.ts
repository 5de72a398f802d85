/**
 * Idempotency-Key bookkeeping in the same SQL database as the events. The first request with a key reserves it
 * (a pending row), does its work and stores its answer; a retry gets that answer back, a concurrent duplicate
 * waits for it, and the same key with a different request is refused. Event ids are derived from the key too
 * (see `eventIdFor`), so even a crash between append and answer cannot append twice.
 */
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { canonicalJson } from '@ntm/event-store';
import { migrate, quoteIdent, type SqlClient } from '@ntm/sql';

/** A stored answer. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type Reservation =
  | { kind: 'owner' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'pending' };

/** A pending reservation older than this is presumed abandoned (its process died) and may be taken over. */
const LEASE_SECONDS = 30;

export class IdempotencyStore {
  private readonly table: string;

  constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
  ) {
    this.table = `${quoteIdent(schema)}.idempotency`;
  }

  /** Creates the table when missing (a migration, safe when several API processes start at once). */
  async init(): Promise<void> {
    const up = `CREATE TABLE IF NOT EXISTS ${this.table} (
      key text NOT NULL,
      actor_id text NOT NULL,
      fingerprint text NOT NULL,
      status integer,
      headers jsonb,
      body jsonb,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (key, actor_id)
    )`;
    await migrate(
      this.sql,
      [{ id: 'dossier-api-0001-idempotency', up }],
      `${this.schema}.dossier_api_migrations`,
    );
  }

  /** Reserves the key for this actor, or reports what happened to an earlier request with it. */
  async reserve(key: string, actorId: string, fingerprint: string): Promise<Reservation> {
    const taken = await this.sql.query(
      `INSERT INTO ${this.table} AS i (key, actor_id, fingerprint) VALUES ($1, $2, $3)
       ON CONFLICT (key, actor_id) DO UPDATE SET updated_at = now()
         WHERE i.status IS NULL AND i.fingerprint = EXCLUDED.fingerprint
           AND i.updated_at < now() - make_interval(secs => ${LEASE_SECONDS})
       RETURNING 1 AS owned`,
      [key, actorId, fingerprint],
    );
    if (taken.rows.length > 0) return { kind: 'owner' };
    const { rows } = await this.sql.query<{
      fingerprint: string;
      status: number | null;
      headers: unknown;
      body: unknown;
    }>(`SELECT fingerprint, status, headers, body FROM ${this.table} WHERE key = $1 AND actor_id = $2`, [
      key,
      actorId,
    ]);
    const row = rows[0];
    if (!row) return this.reserve(key, actorId, fingerprint);
    if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (row.status === null) return { kind: 'pending' };
    return {
      kind: 'replay',
      response: {
        status: row.status,
        headers: parseJson(row.headers) as Record<string, string>,
        body: parseJson(row.body),
      },
    };
  }

  /** Waits (bounded) for a concurrent request with the same key to finish, then reserves again. */
  async reserveOrWait(
    key: string,
    actorId: string,
    fingerprint: string,
    maxWaitMs = 5000,
  ): Promise<Reservation> {
    const until = Date.now() + maxWaitMs;
    for (;;) {
      const reservation = await this.reserve(key, actorId, fingerprint);
      if (reservation.kind !== 'pending' || Date.now() >= until) return reservation;
      await delay(20);
    }
  }

  /** Stores the answer of the request that owns the key. */
  async complete(key: string, actorId: string, response: StoredResponse): Promise<void> {
    await this.sql.query(
      `UPDATE ${this.table} SET status = $3, headers = $4, body = $5, updated_at = now() WHERE key = $1 AND actor_id = $2`,
      [key, actorId, response.status, JSON.stringify(response.headers), JSON.stringify(response.body)],
    );
  }

  /** Gives the key back after a failure that the client may retry (5xx). */
  async release(key: string, actorId: string): Promise<void> {
    await this.sql.query(`DELETE FROM ${this.table} WHERE key = $1 AND actor_id = $2 AND status IS NULL`, [
      key,
      actorId,
    ]);
  }
}

// pg returns jsonb parsed, some drivers return text.
function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Fingerprint of what a request asks for: route, precondition and body. */
export function fingerprintOf(parts: { route: string; ifMatch: string | undefined; body: unknown }): string {
  return createHash('sha256')
    .update(`${parts.route}\n${parts.ifMatch ?? ''}\n${canonicalJson(parts.body)}`)
    .digest('hex');
}

// The name-based ids live with the command handler, which derives event ids from the key.
export { eventIdFor, uuidV5 } from '@ntm/application';
