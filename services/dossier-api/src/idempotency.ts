/**
 * Idempotency-Key bookkeeping in the same SQL database as the events. The first request with a key reserves it
 * (a pending row), does its work and stores its answer; a retry gets that answer back, a concurrent duplicate
 * waits for it, and the same key with a different request is refused. Event ids are derived from the key too
 * (see `eventIdFor`), so even a crash between append and answer cannot append twice.
 *
 * A pending reservation is a lease: it holds the key for LEASE_MS, and its holder renews it while the command runs
 * (`whileHeld`). A holder that crashed stops renewing, so its key frees within a few seconds and the client's retry
 * goes through (the retry waits for it, bounded); until then a duplicate is told IDEMPOTENCY_IN_PROGRESS with
 * `Retry-After`. Each reservation has its own token, so a holder that lost its lease (stalled past it) can neither
 * renew nor release its successor's. Lease times come from the API's clock (injectable), not the database's: API
 * replicas' clocks must agree to well within the lease.
 */
import { createHash, randomUUID } from 'node:crypto';
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
  /** this request holds the key; `token` identifies its lease */
  | { kind: 'owner'; token: string }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  /** another request holds the key; its lease runs out in at most `retryAfterSeconds` */
  | { kind: 'pending'; retryAfterSeconds: number };

/** How long a pending reservation holds its key without being renewed: a crashed holder's key frees this fast. */
export const LEASE_MS = 5000;

export interface IdempotencyStoreOptions {
  /** default LEASE_MS */
  leaseMs?: number;
  /** milliseconds since the epoch; default `Date.now` (tests inject one) */
  now?: () => number;
}

export class IdempotencyStore {
  private readonly table: string;
  private readonly leaseMs: number;
  private readonly now: () => number;

  constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
    options: IdempotencyStoreOptions = {},
  ) {
    this.table = `${quoteIdent(schema)}.idempotency`;
    this.leaseMs = options.leaseMs ?? LEASE_MS;
    this.now = options.now ?? Date.now;
  }

  private leaseUntil(): string {
    return new Date(this.now() + this.leaseMs).toISOString();
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
    // A pending row's lease: whose it is and until when. Rows pending before this migration keep the old 30 s.
    const lease = `ALTER TABLE ${this.table} ADD COLUMN owner uuid, ADD COLUMN lease_until timestamptz;
      UPDATE ${this.table} SET lease_until = updated_at + interval '30 seconds' WHERE status IS NULL`;
    await migrate(
      this.sql,
      [
        { id: 'dossier-api-0001-idempotency', up },
        { id: 'dossier-api-0002-idempotency-lease', up: lease },
      ],
      `${this.schema}.dossier_api_migrations`,
    );
  }

  /** Reserves the key for this actor, or reports what happened to an earlier request with it. */
  async reserve(key: string, actorId: string, fingerprint: string): Promise<Reservation> {
    const token = randomUUID();
    const now = new Date(this.now()).toISOString();
    const taken = await this.sql.query(
      `INSERT INTO ${this.table} AS i (key, actor_id, fingerprint, owner, lease_until) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key, actor_id) DO UPDATE
         SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until, updated_at = now()
         WHERE i.status IS NULL AND i.fingerprint = EXCLUDED.fingerprint AND i.lease_until < $6::timestamptz
       RETURNING 1 AS owned`,
      [key, actorId, fingerprint, token, this.leaseUntil(), now],
    );
    if (taken.rows.length > 0) return { kind: 'owner', token };
    const { rows } = await this.sql.query<{
      fingerprint: string;
      status: number | null;
      headers: unknown;
      body: unknown;
      lease_ms: number | null;
    }>(
      `SELECT fingerprint, status, headers, body,
              (extract(epoch FROM lease_until - $3::timestamptz) * 1000)::float8 AS lease_ms
         FROM ${this.table} WHERE key = $1 AND actor_id = $2`,
      [key, actorId, now],
    );
    const row = rows[0];
    if (!row) return this.reserve(key, actorId, fingerprint);
    if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (row.status === null) {
      return { kind: 'pending', retryAfterSeconds: Math.max(1, Math.ceil((row.lease_ms ?? 0) / 1000)) };
    }
    return {
      kind: 'replay',
      response: {
        status: row.status,
        headers: parseJson(row.headers) as Record<string, string>,
        body: parseJson(row.body),
      },
    };
  }

  /** Extends the lease of the reservation `token`; false when it is no longer this holder's. */
  async renew(key: string, actorId: string, token: string): Promise<boolean> {
    const { rows } = await this.sql.query(
      `UPDATE ${this.table} SET lease_until = $4 WHERE key = $1 AND actor_id = $2 AND owner = $3 AND status IS NULL
       RETURNING 1 AS renewed`,
      [key, actorId, token, this.leaseUntil()],
    );
    return rows.length > 0;
  }

  /**
   * Runs `work` while holding the reservation `token`, renewing its lease every third of it (real time: the lease
   * must outlast the command however long it takes, and a dead process stops renewing).
   */
  async whileHeld<T>(key: string, actorId: string, token: string, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      // A failed renewal (database away) is not the command's failure: the lease may run out, and a takeover is
      // harmless, since event ids derive from the key and the append is idempotent.
      this.renew(key, actorId, token).catch(() => undefined);
    }, this.leaseMs / 3);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
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

  /** Gives the key back after a failure that the client may retry, unless another holder has taken it over. */
  async release(key: string, actorId: string, token: string): Promise<void> {
    await this.sql.query(
      `DELETE FROM ${this.table} WHERE key = $1 AND actor_id = $2 AND owner = $3 AND status IS NULL`,
      [key, actorId, token],
    );
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
