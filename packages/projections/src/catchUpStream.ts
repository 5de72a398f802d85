/**
 * Exactly-once projection of streams. A wake-up only says "stream S has reached revision R"; the events come from
 * the store, and the rows and the checkpoint are written in one statement that only applies if the checkpoint is
 * still where the catch-up read it. Duplicated, retried, stalled or out-of-order wake-ups therefore find nothing
 * left to do, and two workers never interleave one stream: the second to write loses and reads again.
 */
import type { EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { evolveView, type DossierView } from './dossierView.js';
import { ProjectionError } from './errors.js';
import { notificationsOf, type NotificationRow } from './notifications.js';
import { DEFAULT_SCHEMA, q } from './projection.js';
import { writeStreams } from './readModels.js';

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

/** What a batched catch-up did for one stream: a result, or the error that stream alone ran into. */
export type StreamOutcome = { ok: true; value: CatchUpResult } | { ok: false; error: unknown };

/**
 * Applies every event of `streamId` above its checkpoint, up to the stream's head as read now: a wake-up only
 * says "look at this stream", so a burst of N appends costs one catch-up, and a stale or duplicated wake-up is
 * harmless. Throws `ProjectionError('STREAM_PARKED')` for a parked stream (without reading it) and `POISON_EVENT`
 * for an uninterpretable event; in both cases nothing is written.
 */
export async function catchUpStream(
  store: EventStore,
  sql: SqlClient,
  streamId: string,
  options: CatchUpOptions = {},
): Promise<CatchUpResult> {
  const outcome = (await catchUpStreams(store, sql, [streamId], options)).get(streamId)!;
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/**
 * `catchUpStream` for many streams at once, in three statements whatever their number: read the checkpoints, read
 * the new events of every stream (`readStreams`), write every stream's rows and checkpoint (`writeStreams`, one
 * statement, so atomic without a transaction). Per-event cost is what limits projection throughput, so a worker
 * gathers the wake-ups that arrive while it writes and applies them together. The write is conditional on each
 * checkpoint being where it was read: a stream that a concurrent catch-up advanced meanwhile is simply caught up
 * again. A stream that is parked or holds a poison event gets its own error and is left out; the others are
 * written. An error of the database (not of one stream) rejects the whole call.
 */
export async function catchUpStreams(
  store: EventStore,
  sql: SqlClient,
  streamIds: readonly string[],
  options: CatchUpOptions = {},
): Promise<Map<string, StreamOutcome>> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const s = q(schema);
  const outcomes = new Map<string, StreamOutcome>();
  let ids = [...new Set(streamIds)];
  // Each pass writes every stream it read unless another catch-up moved it first; those go round again.
  while (ids.length > 0) {
    const seen = await sql.query<{
      stream_id: string;
      revision: string;
      view: DossierView | null;
      parked: boolean;
    }>(
      `SELECT ids.stream_id, coalesce(c.revision, -1)::text AS revision, c.view, p.stream_id IS NOT NULL AS parked
         FROM unnest($1::text[]) AS ids (stream_id)
         LEFT JOIN ${s}.checkpoints c ON c.stream_id = ids.stream_id
         LEFT JOIN ${s}.parked_streams p ON p.stream_id = ids.stream_id`,
      [ids],
      { prepare: true },
    );
    const checkpoints = new Map(seen.rows.map((r) => [r.stream_id, r]));
    // A parked stream waits for an operator: it is not read until released.
    for (const row of seen.rows.filter((r) => r.parked)) {
      const error = new ProjectionError('STREAM_PARKED', `stream ${row.stream_id} is parked`, {
        streamId: row.stream_id,
      });
      outcomes.set(row.stream_id, { ok: false, error });
    }
    const read = await store.readStreams(
      seen.rows
        .filter((r) => !r.parked)
        .map((r) => ({ streamId: r.stream_id, fromRevision: BigInt(r.revision) + 1n })),
    );
    const views: DossierView[] = [];
    const notifications: NotificationRow[] = [];
    const expected = new Map<string, bigint>();
    const applied = new Map<string, CatchUpResult>();
    for (const [streamId, events] of read) {
      const row = checkpoints.get(streamId)!;
      const checkpoint = BigInt(row.revision);
      if (events.length === 0) {
        outcomes.set(streamId, { ok: true, value: { applied: 0, checkpoint } });
      } else {
        try {
          let view = row.view ?? undefined;
          const caused: NotificationRow[] = [];
          for (const event of events) {
            const before = view;
            view = evolveView(view, event);
            caused.push(...notificationsOf(before, event, view));
          }
          views.push(view!);
          notifications.push(...caused);
          expected.set(streamId, checkpoint);
          applied.set(streamId, { applied: events.length, checkpoint: events.at(-1)!.revision });
        } catch (error) {
          outcomes.set(streamId, { ok: false, error });
        }
      }
    }
    const written = await writeStreams(sql, schema, views, expected, notifications);
    for (const [streamId, value] of applied) {
      if (written.has(streamId)) outcomes.set(streamId, { ok: true, value });
    }
    ids = [...applied.keys()].filter((id) => !written.has(id));
  }
  return outcomes;
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
