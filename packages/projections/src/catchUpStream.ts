/**
 * Exactly-once projection of one stream. A wake-up only says "stream S has reached revision R"; the events come
 * from the store, and the rows and the checkpoint are written in one transaction under a row lock on the
 * stream's checkpoint. Duplicated, retried, stalled or out-of-order wake-ups therefore find nothing left to do,
 * and two workers never interleave one stream.
 */
import type { EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { evolveView, type DossierView } from './dossierView.js';
import { ProjectionError } from './errors.js';
import { q, writeStreams } from './readModels.js';

export interface CatchUpOptions {
  /** read-model schema; default "read_models" */
  schema?: string;
}

export interface CatchUpResult {
  /** events applied by this call (0 when another call already did the work) */
  applied: number;
  /** the stream's checkpoint after the call, -1 when nothing was ever applied */
  checkpoint: bigint;
}

export const DEFAULT_SCHEMA = 'read_models';

/**
 * Applies every event of `streamId` above its checkpoint, up to the stream's head as read now: a wake-up only
 * says "look at this stream", so a burst of N appends costs one catch-up, and a stale or duplicated wake-up is
 * harmless. Throws `ProjectionError('STREAM_PARKED')` for a parked stream and `POISON_EVENT` for an
 * uninterpretable event; in both cases nothing is written.
 */
export async function catchUpStream(
  store: EventStore,
  sql: SqlClient,
  streamId: string,
  options: CatchUpOptions = {},
): Promise<CatchUpResult> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const s = q(schema);
  // Read the events before taking a connection for the transaction: reading inside it would hold one pooled
  // connection while asking for another, and enough concurrent catch-ups then exhaust a shared pool.
  const seen = await sql.query<{ revision: string }>(
    `SELECT revision::text AS revision FROM ${s}.checkpoints WHERE stream_id = $1`,
    [streamId],
  );
  const before = BigInt(seen.rows[0]?.revision ?? '-1');
  const read = await store.readStream(streamId, { fromRevision: before + 1n });
  if (read.length === 0) return { applied: 0, checkpoint: before };
  return sql.transaction(async (tx) => {
    // Creates-or-locks the checkpoint row in one statement; a concurrent catch-up of the stream waits here.
    const locked = await tx.query<{ revision: string; view: DossierView | null; parked: boolean }>(
      `INSERT INTO ${s}.checkpoints AS c (stream_id, revision) VALUES ($1, -1)
       ON CONFLICT (stream_id) DO UPDATE SET revision = c.revision
       RETURNING c.revision::text AS revision, c.view,
         EXISTS (SELECT 1 FROM ${s}.parked_streams p WHERE p.stream_id = $1) AS parked`,
      [streamId],
    );
    const row = locked.rows[0]!;
    const checkpoint = BigInt(row.revision);
    if (row.parked) {
      throw new ProjectionError('STREAM_PARKED', `stream ${streamId} is parked`, { streamId });
    }
    // Under the lock: skip what another catch-up applied since we read (checkpoints only move forward).
    const events = read.filter((e) => e.revision > checkpoint);
    if (events.length === 0) return { applied: 0, checkpoint };
    let view = row.view ?? undefined;
    for (const event of events) view = evolveView(view, event);
    // Rows and checkpoint in one statement (see writeStreams).
    await writeStreams(tx, schema, [view!]);
    return { applied: events.length, checkpoint: events.at(-1)!.revision };
  });
}

/** Parks a stream so that its wake-ups stop failing and an operator can see why. */
export async function parkStream(
  sql: SqlClient,
  streamId: string,
  error: { code: string; message: string; revision?: bigint | undefined },
  options: CatchUpOptions & { now: () => string },
): Promise<void> {
  const s = q(options.schema ?? DEFAULT_SCHEMA);
  await sql.query(
    `INSERT INTO ${s}.parked_streams (stream_id, revision, error_code, message, parked_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision, error_code = EXCLUDED.error_code,
       message = EXCLUDED.message, parked_at = EXCLUDED.parked_at`,
    [
      streamId,
      error.revision === undefined ? null : String(error.revision),
      error.code,
      error.message,
      options.now(),
    ],
  );
}

/** Releases a parked stream (after the cause was fixed); returns false when it was not parked. */
export async function unparkStream(
  sql: SqlClient,
  streamId: string,
  options: CatchUpOptions = {},
): Promise<boolean> {
  const s = q(options.schema ?? DEFAULT_SCHEMA);
  const result = await sql.query<{ stream_id: string }>(
    `DELETE FROM ${s}.parked_streams WHERE stream_id = $1 RETURNING stream_id`,
    [streamId],
  );
  return result.rows.length > 0;
}
