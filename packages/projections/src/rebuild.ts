/**
 * Rebuild from zero, blue-green: the live schema keeps serving (and its workers keep projecting into it) while the
 * whole global log is folded in memory and bulk-inserted into a shadow schema; the shadow is then caught up with
 * what was appended meanwhile, and swapped in by renaming schemas inside one transaction. Readers resolve table
 * names when a statement starts, so they see the old complete tables or the new complete tables, never an empty
 * one, and never an older state: inside the switch, with the live checkpoints locked against writers (readers go
 * on), every stream the live schema holds further than the shadow is caught up in the shadow first. Events whose
 * projection a worker was about to write into the old schema are caught up on the new one right after the swap.
 * State that is not derived from the log (the dispatcher's positions, the notification outbox's sent and read
 * marks, the dispatcher lease and any other table the read-model migrations do not create) is carried over.
 * An aborted rebuild (`signal`) drops its shadow and leaves the live schema as it was. ADR 0033.
 */
import type { EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { catchUpStreams, parkStream } from './catchUpStream.js';
import { DEFAULT_SCHEMA, isProjectedStream, q } from './projection.js';
import { evolveViewInPlace, type DossierView } from './dossierView.js';
import { ProjectionError } from './errors.js';
import { insertStreams, migrateReadModels, PROJECTIONS, writeStreams } from './readModels.js';
import { NOTIFICATION_TABLES } from './notifications.js';

export interface RebuildOptions {
  /** read-model schema to replace (or create); default "read_models" */
  schema?: string;
  /**
   * global-log page size; default 1000: a page is folded while the next is read, and pages of 5000 outgrew the
   * young generation, so that each scavenge copied most of them (a quarter of the fold's CPU was the collector)
   */
  pageSize?: number;
  /**
   * streams per bulk write; default 500: two batches of 2,000 streams (about 2 MB of JSON each) took twice as long
   * as the same streams in batches of 250-1,000 with up to three in flight (ADR 0046)
   */
  batchSize?: number;
  /**
   * a stream is written into the shadow while the fold goes on once this many events of the log have been folded
   * after its last one; default 20,000. If one of its events comes after all, it is written again after the fold.
   */
  settledAfter?: number;
  /** clock for the parked_at of streams that fail; default the system clock */
  now?: () => string;
  /** told after each page folded, batch written and phase begun: for a command's progress lines */
  onProgress?: (progress: RebuildProgress) => void;
  /** stops the rebuild before the switch: the shadow is dropped, the live schema untouched (`RebuildAborted`) */
  signal?: AbortSignal;
}

export interface RebuildProgress {
  phase: 'fold' | 'write' | 'catch-up' | 'switch' | 'tail';
  /** events folded so far (fold), or events caught up after the fold (catch-up, tail) */
  events: number;
  /** streams written so far (write) or folded (other phases) */
  streams: number;
  /** streams written into the shadow so far, during the fold (ADR 0046) and after it */
  written: number;
  /** the log's head when the rebuild began: `position / head` is how far the fold has got */
  head: bigint;
  position: bigint;
}

export interface RebuildResult {
  events: number;
  streams: number;
  /** position of the last event folded before the swap */
  position: bigint;
  parked: string[];
  /** streams written into the shadow during the fold that got an event after their write, so written again */
  rewritten: number;
}

/** The rebuild was stopped by its signal before the switch; nothing of it remains. */
export class RebuildAborted extends Error {
  constructor() {
    super('rebuild aborted before the switch: the shadow schema was dropped, the live one is unchanged');
    this.name = 'RebuildAborted';
  }
}

/** Rebuilds every read model from the global log beside the live one and swaps the result in atomically. */
export async function rebuild(
  store: EventStore,
  sql: SqlClient,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const shadow = `${schema.slice(0, 50)}__rebuild`;
  const pageSize = options.pageSize ?? 1000;
  const now = options.now ?? (() => new Date().toISOString());
  const progress = options.onProgress ?? (() => undefined);
  const head = await store.headPosition();
  const batch = options.batchSize ?? 500;
  const settledAfter = options.settledAfter ?? 20_000;
  // Bulk writes into the shadow, at most WRITES_IN_FLIGHT at once: the database inserts them on the second core
  // while this thread folds or serialises the next batch. Each batch's JSON is made when it is sent, so a view
  // folded further afterwards does not change what is written.
  const writes: Promise<void>[] = [];
  let inFlight = 0;
  let written = 0;
  const start = (views: DossierView[], how: typeof insertStreams) => {
    inFlight += 1;
    const write = how(sql, shadow, views).then(() => {
      inFlight -= 1;
      if (how === insertStreams) written += views.length; // a stream's second write is not counted again
    });
    write.catch(() => undefined); // awaited below, in order
    writes.push(write);
  };
  /** starts a write, first waiting for the oldest if WRITES_IN_FLIGHT are out */
  const send = async (views: DossierView[], how: typeof insertStreams) => {
    while (inFlight >= WRITES_IN_FLIGHT) await writes.shift();
    start(views, how);
  };
  const settleWrites = async () => {
    while (writes.length > 0) await writes.shift();
  };
  const checkAborted = async () => {
    if (!options.signal?.aborted) return;
    // The writes in flight first: a batch that reached the server after the drop would fail for nothing.
    await Promise.allSettled(writes.splice(0));
    await sql.query(`DROP SCHEMA IF EXISTS ${q(shadow)} CASCADE`);
    throw new RebuildAborted();
  };
  await sql.query(`DROP SCHEMA IF EXISTS ${q(shadow)} CASCADE`);
  // The live schema too, so that it has every table the swap carries over.
  await migrateReadModels(sql, schema);
  await migrateReadModels(sql, shadow);

  // The fold: each view is owned by this map alone, so it is folded in place (no copy per event). The next page is
  // read while this one is folded: the database's part of a read overlaps the fold's CPU.
  const views = new Map<string, DossierView>();
  const failed = new Map<string, { error: ProjectionError; revision: bigint }>();
  // Streams not yet written, in the order of their last event, with the count of events folded at it. A stream
  // whose last event is `settledAfter` events behind is written into the shadow while the fold goes on (ADR 0046):
  // the shadow's inserts then run beside the fold instead of after it. One that gets an event after its write
  // (a stream active again after a quiet spell) is written again after the fold as the live schema's upsert.
  const recent = new Map<string, number>();
  const writtenEarly = new Set<string>();
  const rewrite = new Set<string>();
  let pending: DossierView[] = [];
  /** the stream of the last event that went into `recent` (its last key, unless settled since: see below) */
  let latest: string | undefined;
  let after = 0n;
  let events = 0;
  const read = (from: bigint) => {
    // Without the hashes and commit time where the store can leave them out: the fold reads neither (ADR 0056).
    const options = { after: from, limit: pageSize };
    const page = store.readAllPayloads ? store.readAllPayloads(options) : store.readAll(options);
    page.catch(() => undefined); // awaited below; not an unhandled rejection if the rebuild stops first
    return page;
  };
  let next = read(after);
  for (;;) {
    await checkAborted();
    const page = await next;
    if (!page.isEnd) next = read(page.nextAfter);
    for (const event of page.events) {
      events += 1;
      // Lets the read ahead go on while this page is folded (ADR 0051): the pool handing out its connection, the
      // readable limit's answer sending the page's query, the page's decoding are callbacks, which would otherwise
      // wait for the whole page's fold: the read and the fold then took turns (the fold waited 1.6-1.9 s of a 2.5-2.9
      // s rebuild for pages it had asked for a page earlier) instead of overlapping.
      if (events % YIELD_EVERY === 0) await new Promise(setImmediate);
      const { streamId } = event;
      // The bookkeeping of each event asks no more of the maps than it must (the loop's own code, mostly these
      // look-ups, was 5 % of a rebuild's profile, docs/benchmarks.md): a view folded in place is already in
      // `views`, and a stream that had the previous event too is already last in `recent`, where `set` keeps its
      // place.
      if (failed.size > 0 && failed.has(streamId)) continue;
      if (!isProjectedStream(streamId)) continue;
      const view = views.get(streamId);
      let folded: DossierView;
      try {
        folded = evolveViewInPlace(view, event);
      } catch (error) {
        if (!(error instanceof ProjectionError)) throw error;
        failed.set(streamId, { error, revision: event.revision });
        continue;
      }
      if (folded !== view) views.set(streamId, folded);
      if (writtenEarly.size > 0 && writtenEarly.has(streamId)) rewrite.add(streamId);
      else {
        if (streamId !== latest) recent.delete(streamId); // to the end of the insertion order
        recent.set(streamId, events);
        latest = streamId;
      }
    }
    after = page.nextAfter;
    if (!page.isEnd) {
      for (const [streamId, last] of recent) {
        if (events - last < settledAfter) break;
        recent.delete(streamId);
        writtenEarly.add(streamId);
        pending.push(views.get(streamId)!);
      }
      // Never waits for the database during the fold: with WRITES_IN_FLIGHT out, the settled streams wait for a
      // later page (or the write after the fold) and the fold goes on reading and folding.
      while (pending.length >= batch && inFlight < WRITES_IN_FLIGHT) {
        start(pending.slice(0, batch), insertStreams);
        pending = pending.slice(batch);
      }
    }
    progress({ phase: 'fold', events, streams: views.size, written, head, position: after });
    if (page.isEnd) break;
  }

  // The rest: the streams not written during the fold (plain inserts into the fresh shadow: `insertStreams`), then
  // those that got events after their write, once every early insert has committed (the live schema's upsert,
  // `writeStreams`, which also deletes rows their views no longer produce).
  const progressWrite = () =>
    progress({ phase: 'write', events, streams: written, written, head, position: after });
  progressWrite();
  for (const view of views.values()) {
    if (writtenEarly.has(view.streamId)) continue;
    pending.push(view);
    if (pending.length < batch) continue;
    await checkAborted();
    await send(pending, insertStreams);
    pending = [];
    progressWrite();
  }
  if (pending.length > 0) await send(pending, insertStreams);
  await settleWrites();
  progressWrite();
  const again = [...rewrite].map((streamId) => views.get(streamId)!);
  for (let i = 0; i < again.length; i += batch) {
    await checkAborted();
    await send(again.slice(i, i + batch), writeInto);
    progressWrite();
  }
  await settleWrites();
  progressWrite();
  const ss = q(shadow);
  for (const [streamId, { error, revision }] of failed) {
    await sql.query(
      `INSERT INTO ${ss}.parked_streams (stream_id, revision, error_code, message, parked_at) VALUES ($1, $2, $3, $4, $5)`,
      [streamId, String(revision), error.code, error.message, now()],
    );
  }

  // What was appended while the fold ran, caught up in the shadow: the switch then has little left to do.
  let caughtUp = after;
  let tailEvents = 0;
  const catchUpFrom = async (from: bigint, target: string): Promise<bigint> => {
    let position = from;
    for (;;) {
      const page = await store.readAll({ after: position, limit: pageSize });
      await catchUpAll([...new Set(page.events.map((e) => e.streamId))], target);
      tailEvents += page.events.length;
      position = page.nextAfter;
      if (page.isEnd) return position;
    }
  };
  const catchUpAll = async (streamIds: string[], target: string) => {
    if (streamIds.length === 0) return;
    const outcomes = await catchUpStreams(store, sql, streamIds, { schema: target });
    // A poison event met after the fold parks its stream here too, as a worker parks it in the live schema.
    for (const [streamId, outcome] of outcomes) {
      if (outcome.ok || !(outcome.error instanceof ProjectionError) || !outcome.error.deterministic) continue;
      const { code, message, details } = outcome.error;
      const revision = details.revision === undefined ? undefined : BigInt(details.revision);
      await parkStream(sql, streamId, { code, message, revision }, { schema: target, now });
    }
  };
  progress({ phase: 'catch-up', events: 0, streams: views.size, written, head, position: caughtUp });
  await checkAborted();
  caughtUp = await catchUpFrom(caughtUp, shadow);

  // The switch: with the live checkpoints locked against writers (readers go on), no stream may be further in
  // the live schema than in the shadow (a worker's write since the last catch-up), or readers would step back in
  // time; if one is, the lock is let go, those streams are caught up in the shadow and the switch tried again.
  for (let attempt = 1; ; attempt++) {
    await checkAborted();
    progress({ phase: 'switch', events: tailEvents, streams: views.size, written, head, position: caughtUp });
    const behind = await swap(sql, schema, shadow, attempt <= SWITCH_ATTEMPTS);
    if (behind.length === 0) break;
    await catchUpAll(behind, shadow);
    caughtUp = await catchUpFrom(caughtUp, shadow);
  }
  // A worker's write that waited for the switch went to the old schema: replay the tail on the new one.
  progress({ phase: 'tail', events: tailEvents, streams: views.size, written, head, position: caughtUp });
  await catchUpFrom(caughtUp, schema);
  return {
    events,
    streams: views.size,
    position: after,
    parked: [...failed.keys()],
    rewritten: rewrite.size,
  };
}

/**
 * Events folded between two turns of the event loop (ADR 0051): about 0.3 ms of fold, 20 turns a page of 1,000 (each
 * about 5 µs). Once a page's answer is in, the next page is decoded within a turn or two instead of after the fold.
 */
const YIELD_EVERY = 50;

/** Bulk writes into the shadow at once: three kept both cores busy in the measurements of ADR 0046. */
const WRITES_IN_FLIGHT = 3;

/** `writeStreams` without an expected revision: the upsert of streams the shadow already holds. */
const writeInto = async (sql: SqlClient, schema: string, views: DossierView[]) => {
  await writeStreams(sql, schema, views);
};

/** Switch attempts that wait for the shadow to hold every stream as far as the live schema; then it switches. */
const SWITCH_ATTEMPTS = 10;

/** Thrown inside the switch's transaction to roll it back: these streams are further in the live schema. */
class Behind extends Error {
  constructor(readonly streamIds: string[]) {
    super('the shadow is behind the live schema');
  }
}

/**
 * Swaps `shadow` in as `schema` in one transaction, with the live checkpoints and outbox locked against writers
 * (a deadlock with a worker's statement is retried). When `insist`, it gives up instead (rolling back) if some
 * streams are further in the live schema than in the shadow, and returns them; otherwise it returns [] once done.
 * The store is never read inside the transaction: an embedded store shares its one connection with `sql`.
 */
async function swap(sql: SqlClient, schema: string, shadow: string, insist: boolean): Promise<string[]> {
  const old = `${schema.slice(0, 50)}__old`;
  const [s, ss] = [q(schema), q(shadow)];
  for (let attempt = 1; ; attempt++) {
    try {
      await sql.transaction(async (tx) => {
        const exists = await tx.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = $1',
          [schema],
        );
        if (exists.rows[0]!.n === 0) {
          await tx.query(`ALTER SCHEMA ${ss} RENAME TO ${s}`);
          return;
        }
        await tx.query(`LOCK TABLE ${s}.checkpoints, ${s}.notifications IN EXCLUSIVE MODE`);
        const { rows: behind } = await tx.query<{ stream_id: string }>(
          `SELECT l.stream_id FROM ${s}.checkpoints l LEFT JOIN ${ss}.checkpoints c USING (stream_id)
            WHERE (c.revision IS NULL OR c.revision < l.revision)
              AND NOT EXISTS (SELECT 1 FROM ${ss}.parked_streams p WHERE p.stream_id = l.stream_id)`,
        );
        // A counter's checkpoint left by a version before ADR 0071 (its migration deletes them) is never behind.
        const ids = behind.map((r) => r.stream_id).filter(isProjectedStream);
        if (insist && ids.length > 0) throw new Behind(ids);
        // The dispatcher's and the deadline scheduler's positions are not derived from the log: carried over. Nor
        // are the notifications' sent and read marks (ADR 0024): the live outbox wins over the shadow's rows for
        // the same notification (its email columns say what was sent).
        for (const table of ['dispatcher_state', 'timer_positions', ...NOTIFICATION_TABLES]) {
          if (table === 'notifications') {
            await tx.query(`DELETE FROM ${ss}.notifications n USING ${s}.notifications l WHERE n.id = l.id`);
          }
          await tx.query(`INSERT INTO ${ss}.${table} SELECT * FROM ${s}.${table}`);
        }
        // Tables of the live schema that the read-model migrations do not make (the dispatcher lease, ADR 0030)
        // move across as they are, their rows and any lock waiting on them included.
        const { rows: foreign } = await tx.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables l WHERE l.table_schema = $1 AND l.table_type = 'BASE TABLE'
             AND NOT EXISTS (SELECT 1 FROM information_schema.tables s
                              WHERE s.table_schema = $2 AND s.table_name = l.table_name)`,
          [schema, shadow],
        );
        for (const { table_name } of foreign) {
          await tx.query(`ALTER TABLE ${s}.${q(table_name)} SET SCHEMA ${ss}`);
        }
        await tx.query(`DROP SCHEMA IF EXISTS ${q(old)} CASCADE`);
        await tx.query(`ALTER SCHEMA ${s} RENAME TO ${q(old)}`);
        await tx.query(`ALTER SCHEMA ${ss} RENAME TO ${s}`);
      });
      await sql.query(`DROP SCHEMA IF EXISTS ${q(old)} CASCADE`);
      return [];
    } catch (error) {
      if (error instanceof Behind) return error.streamIds;
      // 40P01: a worker's statement and the switch each waited for the other's lock; PostgreSQL chose us.
      if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
    }
  }
}

export interface ReadModelDifference {
  table: string;
  key: string;
  a: unknown;
  b: unknown;
}

/** Compares two read-model schemas row by row (every read model and the stream checkpoints). */
export async function compareReadModels(
  a: { sql: SqlClient; schema: string },
  b: { sql: SqlClient; schema: string },
): Promise<{ equal: boolean; rows: number; differences: ReadModelDifference[] }> {
  const tables = [
    ...PROJECTIONS.map((p) => ({ name: p.name, key: p.key })),
    { name: 'checkpoints', key: ['stream_id'] },
  ];
  const differences: ReadModelDifference[] = [];
  let rows = 0;
  for (const table of tables) {
    const load = async (side: { sql: SqlClient; schema: string }) => {
      const result = await side.sql.query<{ k: string; r: string }>(
        `SELECT concat_ws('|', ${table.key.join(', ')}) AS k, to_jsonb(t)::text AS r
           FROM ${q(side.schema)}.${table.name} t ORDER BY ${table.key.join(', ')}`,
      );
      return new Map(result.rows.map((row) => [row.k, row.r]));
    };
    const [left, right] = await Promise.all([load(a), load(b)]);
    rows += left.size;
    for (const key of new Set([...left.keys(), ...right.keys()])) {
      const l = left.get(key);
      const r = right.get(key);
      if (l !== r) differences.push({ table: table.name, key, a: l && JSON.parse(l), b: r && JSON.parse(r) });
    }
  }
  return { equal: differences.length === 0, rows, differences };
}
