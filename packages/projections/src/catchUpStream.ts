/**
 * Exactly-once projection of streams. A wake-up only says "stream S has reached revision R"; the events come from
 * the store, and the rows and the checkpoint are written in one statement that only applies if the checkpoint is
 * still where the catch-up read it. Duplicated, retried, stalled or out-of-order wake-ups therefore find nothing
 * left to do, and two workers never interleave one stream: the second to write loses and reads again.
 */
import type { AppendedEvent, EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { evolveView, type DossierView } from './dossierView.js';
import { ProjectionError } from './errors.js';
import { notificationsOf, type NotificationRow } from './notifications.js';
import { DEFAULT_SCHEMA, isProjectedStream, q } from './projection.js';
import { writeStreams } from './readModels.js';

export interface CatchUpOptions {
  /** read-model schema; default "read_models" */
  schema?: string;
  /**
   * Commit the read models' write without waiting for its WAL flush (ADR 0048: the projector's workers, whose
   * dispatcher wakes a stream left behind by a crash of PostgreSQL up again). Default false.
   */
  asynchronousCommit?: boolean;
}

export interface CatchUpResult {
  /** events applied by this call (0 when another call already did the work) */
  applied: number;
  /** the stream's checkpoint after the call, -1 when nothing was ever applied */
  checkpoint: bigint;
}

/**
 * A stream whose checkpoint and view the caller holds (the ones it last wrote) and whose next events it has in hand
 * (its own appends, revisions `checkpoint + 1` on): folded without reading either (ADR 0041). The write stays
 * conditional on the checkpoint, so a stale hold only costs a second pass that reads.
 */
export interface HeldStream {
  checkpoint: bigint;
  view: DossierView;
  events: readonly AppendedEvent[];
}

/** What a caller that holds streams gives `catchUpStreams`, and is told of what it wrote. */
export interface Holding {
  /** the streams it holds with their next events; folded without reading on the first pass */
  held: ReadonlyMap<string, HeldStream>;
  /**
   * streams not held whose events the caller was brought (a wake-up's, ADR 0042): on the first pass their
   * checkpoint is read and, when these events follow it without a gap, they are folded without reading the stream
   */
  brought?: ReadonlyMap<string, readonly AppendedEvent[]>;
  /** each stream written, with its checkpoint and the view written with it (shared, not a copy) */
  wrote(streamId: string, checkpoint: bigint, view: DossierView): void;
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
 * written (a held stream is not read, so its write is also conditional on the stream not being parked). An error of
 * the database (not of one stream) rejects the whole call.
 */
export async function catchUpStreams(
  store: EventStore,
  sql: SqlClient,
  streamIds: readonly string[],
  options: CatchUpOptions = {},
  holding?: Holding,
): Promise<Map<string, StreamOutcome>> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const s = q(schema);
  const outcomes = new Map<string, StreamOutcome>();
  let ids: string[] = [];
  for (const id of new Set(streamIds)) {
    // A stream no read model is made from is never read nor checkpointed (ADR 0071): nothing to apply.
    if (isProjectedStream(id)) ids.push(id);
    else outcomes.set(id, { ok: true, value: { applied: 0, checkpoint: -1n } });
  }
  // Held streams skip the reads on the first pass only: one that goes round again was moved by someone else.
  let held = holding?.held ?? new Map<string, HeldStream>();
  let brought = holding?.brought ?? new Map<string, readonly AppendedEvent[]>();
  // Each pass writes every stream it read unless another catch-up moved it first; those go round again.
  while (ids.length > 0) {
    const folds: Fold[] = ids.flatMap((streamId) => {
      const h = held.get(streamId);
      return h ? [{ streamId, ...h }] : [];
    });
    held = new Map();
    const toRead = ids.filter((id) => !folds.some((f) => f.streamId === id));
    if (toRead.length > 0) folds.push(...(await readForCatchUp(store, sql, s, toRead, outcomes, brought)));
    brought = new Map();
    const views: DossierView[] = [];
    const notifications: NotificationRow[] = [];
    const expected = new Map<string, bigint>();
    const applied = new Map<string, CatchUpResult & { view: DossierView }>();
    for (const { streamId, checkpoint, view: from, events } of folds) {
      if (events.length === 0) {
        outcomes.set(streamId, { ok: true, value: { applied: 0, checkpoint } });
      } else {
        try {
          let view = from;
          const caused: NotificationRow[] = [];
          for (const event of events) {
            const before = view;
            view = evolveView(view, event);
            caused.push(...notificationsOf(before, event, view));
          }
          views.push(view!);
          notifications.push(...caused);
          expected.set(streamId, checkpoint);
          applied.set(streamId, { applied: events.length, checkpoint: events.at(-1)!.revision, view: view! });
        } catch (error) {
          outcomes.set(streamId, { ok: false, error });
        }
      }
    }
    const written = await writeStreams(sql, schema, views, expected, notifications, {
      asynchronousCommit: options.asynchronousCommit ?? false,
    });
    for (const [streamId, { view, ...value }] of applied) {
      if (!written.has(streamId)) continue;
      outcomes.set(streamId, { ok: true, value });
      holding?.wrote(streamId, value.checkpoint, view);
    }
    ids = [...applied.keys()].filter((id) => !written.has(id));
  }
  return outcomes;
}

/** A stream's checkpoint, the view written with it and the events above it. */
interface Fold {
  streamId: string;
  checkpoint: bigint;
  view: DossierView | undefined;
  events: readonly AppendedEvent[];
}

/**
 * The checkpoints of `ids` and their events above them (two statements: checkpoints and parked flags, then every
 * stream's new events); a parked stream gets its error in `outcomes` and is not read. A stream whose `brought`
 * events follow its checkpoint is not read either: those events are folded (ADR 0042).
 */
async function readForCatchUp(
  store: EventStore,
  sql: SqlClient,
  s: string,
  ids: readonly string[],
  outcomes: Map<string, StreamOutcome>,
  brought: ReadonlyMap<string, readonly AppendedEvent[]>,
): Promise<Fold[]> {
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
  const folds: Fold[] = [];
  const toRead: { streamId: string; fromRevision: bigint }[] = [];
  for (const row of seen.rows.filter((r) => !r.parked)) {
    const checkpoint = BigInt(row.revision);
    const events = eventsAbove(brought.get(row.stream_id), checkpoint);
    if (events) folds.push({ streamId: row.stream_id, checkpoint, view: row.view ?? undefined, events });
    else toRead.push({ streamId: row.stream_id, fromRevision: checkpoint + 1n });
  }
  const read = toRead.length > 0 ? await store.readStreams(toRead) : new Map<string, AppendedEvent[]>();
  for (const [streamId, events] of read) {
    const row = checkpoints.get(streamId)!;
    folds.push({ streamId, checkpoint: BigInt(row.revision), view: row.view ?? undefined, events });
  }
  return folds;
}

/**
 * The brought events above `checkpoint`, when they leave no gap after it (sorted, each revision once, the first at
 * most `checkpoint + 1`); undefined when they cannot stand for a read. Events beyond the last brought one are not
 * looked for: each event of the log is handed on in a wake-up of its own page, which brings it or reads.
 */
function eventsAbove(
  brought: readonly AppendedEvent[] | undefined,
  checkpoint: bigint,
): AppendedEvent[] | undefined {
  if (!brought?.length) return undefined;
  const sorted = [...brought].sort((a, b) =>
    a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0,
  );
  const events = sorted.filter((e, i) => i === 0 || e.revision !== sorted[i - 1]!.revision);
  if (events[0]!.revision > checkpoint + 1n) return undefined;
  if (events.some((e, i) => i > 0 && e.revision !== events[i - 1]!.revision + 1n)) return undefined;
  return events.filter((e) => e.revision > checkpoint);
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
