/**
 * The dispatcher follows the global log (the store's subscription: LISTEN/NOTIFY with polling as a fallback) and
 * hands the events on as wake-ups `{ streamId, upToRevision }`, one per stream per page of the log, in one job per
 * partition per page (see `WakeUpJob`). It keeps two positions in SQL:
 * - `handed_on`: the last event enqueued;
 * - `confirmed`: every event up to it is projected (or its stream parked).
 * It restarts from `confirmed`, and whenever Redis came back (possibly empty: jobs lost), or the first event behind
 * has not moved for `stalledRepairMs` (writes lost with a crash of PostgreSQL, ADR 0048), it re-enqueues the
 * wake-ups of the streams still behind between the two. Wake-ups are idempotent, so handing on twice is harmless;
 * handing on never is what this prevents.
 */
import type { Queue } from 'bullmq';
import type { EventStore, RecordedEvent, Subscription } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { isProjectedStream, migrateReadModels, q } from '@ntm/projections';
import {
  recallAppendTraces,
  toWakeUpEvent,
  type WakeUp,
  type WakeUpEvent,
  type WakeUpJob,
} from '@ntm/runtime';
import { openWakeUpQueues } from '@ntm/runtime/wakeUpQueues';
import { inSpan, tracingOn, type TraceCarrier } from '@ntm/telemetry';

export interface DispatcherOptions {
  store: EventStore;
  sql: SqlClient;
  redisUrl: string;
  /** read-model schema (holds the checkpoints and the dispatcher's state); default "read_models" */
  schema?: string;
  /** default "ntm-projections" */
  queuePrefix?: string;
  /** number of queues; default `DEFAULT_PARTITIONS` (1, ADR 0070) */
  partitions?: number;
  /** BullMQ key prefix in Redis; default "bull" */
  redisPrefix?: string;
  /** how often to advance `confirmed` and repair lost jobs; default 1000 ms */
  reconcileIntervalMs?: number;
  /**
   * When the first event not yet projected has been the same for this long, the streams behind are woken up again,
   * as after a Redis loss; default 30000 ms. The workers commit asynchronously (ADR 0048): a crash of PostgreSQL may
   * lose writes whose jobs are done, and nothing else would wake those streams up before their next event.
   */
  stalledRepairMs?: number;
  /** attempts per wake-up before the stream is parked; default `WAKE_UP_ATTEMPTS` (5) */
  attempts?: number;
  now?: () => Date;
  onError?: (error: unknown) => void;
  /**
   * The lease this dispatcher leads under (ADR 0030): its positions are written only while `token` is still the
   * lease's current one; a write refused that way calls `onFenced` (a successor leads: stop).
   */
  fence?: { table: string; name: string; token: bigint; onFenced: () => void };
}

export interface DispatcherStats {
  handedOn: bigint;
  confirmed: bigint;
  /** seconds since the oldest event not yet projected was recorded (0 when caught up) */
  lagSeconds: number;
  redisResets: number;
}

export interface Dispatcher {
  start(): Promise<void>;
  /** Advances `confirmed`; re-enqueues wake-ups for streams behind when Redis was reset. */
  reconcile(): Promise<void>;
  stats(): DispatcherStats;
  queues(): Queue[];
  /** Wakes one stream up in its partition at its current head (after an operator released it). */
  wake(streamId: string): Promise<void>;
  close(): Promise<void>;
}

const STATE_ROW = 'default';
/** batches sent to Redis and not yet acknowledged before the subscription waits */
const MAX_IN_FLIGHT = 16;
/** streams per hand-on at most (a page of the log is 500 events) */
const MAX_BATCH = 500;
const REPAIR_TIMEOUT_MS = 5000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { store, sql } = options;
  const schema = options.schema ?? 'read_models';
  const s = q(schema);
  const now = options.now ?? (() => new Date());
  const onError = options.onError ?? (() => undefined);
  // Commands wait for a reconnect instead of failing, so an outage pauses the dispatcher, not the log.
  const partitioned = openWakeUpQueues({
    redisUrl: options.redisUrl,
    queuePrefix: options.queuePrefix,
    partitions: options.partitions,
    redisPrefix: options.redisPrefix,
    attempts: options.attempts,
    redisOptions: { retryStrategy: (n) => Math.min(n * 100, 2000) },
  });
  const { queues, connection } = partitioned;

  let handedOn = 0n;
  let confirmed = 0n;
  let lagSeconds = 0;
  let redisResets = 0;
  let repairedResets = 0;
  let seenReady = false;
  let subscription: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  let reconciling: Promise<void> | undefined;
  /** the first event found behind by the last pass, and since when it has been the first (performance.now()) */
  let firstBehind: { position: bigint; since: number } | undefined;
  const stalledRepairMs = options.stalledRepairMs ?? 30_000;

  // Every "ready" after the first is a reconnect: Redis may have come back empty.
  connection.on('ready', () => {
    if (seenReady) redisResets += 1;
    seenReady = true;
  });

  /**
   * Enqueues one wake-up per stream: one job per queue, all added in one Redis round trip per queue. With tracing
   * on, `traces` holds the contexts of the appends behind the streams' events (ADR 0032): each wake-up gets a
   * hand-on span that continues its command's trace, and each job a span linked to them. `brought`: the streams'
   * events of the page, carried in their wake-ups so that the worker need not read them again (ADR 0042).
   */
  const enqueue = async (
    heads: Map<string, bigint>,
    brought?: Map<string, WakeUpEvent[]>,
    traces?: Map<string, TraceCarrier[]>,
  ): Promise<void> => {
    const perQueue = new Map<Queue<WakeUpJob>, WakeUp[]>();
    for (const [streamId, revision] of heads) {
      const queue = partitioned.queueFor(streamId);
      const wakeUps = perQueue.get(queue) ?? [];
      const events = brought?.get(streamId);
      const wakeUp: WakeUp = { streamId, upToRevision: String(revision), ...(events ? { events } : {}) };
      const causes = traces?.get(streamId);
      if (causes) wakeUp.trace = await handOnSpan(wakeUp, queue.name, causes);
      wakeUps.push(wakeUp);
      perQueue.set(queue, wakeUps);
    }
    await Promise.all(
      [...perQueue].map(([queue, wakeUps]) =>
        traces
          ? inSpan(
              `${queue.name} publish`,
              {
                kind: 'producer',
                parent: null,
                links: wakeUps.map((w) => w.trace),
                attributes: {
                  'messaging.system': 'bullmq',
                  'messaging.operation.type': 'send',
                  'messaging.destination.name': queue.name,
                  'messaging.batch.message_count': wakeUps.length,
                },
              },
              async (span) => {
                const trace = span.carrier();
                await queue.add('wake-up', trace ? { wakeUps, trace } : { wakeUps });
              },
            )
          : queue.add('wake-up', { wakeUps }),
      ),
    );
  };
  /** A span in the command's trace (the first append behind the wake-up; links to the others); its context. */
  const handOnSpan = (wakeUp: WakeUp, queueName: string, causes: TraceCarrier[]) =>
    inSpan(
      `${queueName} create`,
      {
        kind: 'producer',
        parent: causes[0],
        links: causes.slice(1),
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.operation.type': 'create',
          'messaging.destination.name': queueName,
          'ntm.stream.id': wakeUp.streamId,
          'ntm.stream.revision': wakeUp.upToRevision,
        },
      },
      (span) => Promise.resolve(span.carrier()),
    );
  /** `enqueue`, with the append contexts the API left in Redis for `events` (tracing on only). */
  const enqueueTraced = async (
    heads: Map<string, bigint>,
    brought: Map<string, WakeUpEvent[]>,
    events: [string, string][],
  ): Promise<void> => {
    const found = await recallAppendTraces(
      partitioned,
      events.map(([eventId]) => eventId),
    ).catch(() => new Map<string, TraceCarrier>());
    const traces = new Map<string, TraceCarrier[]>();
    for (const [eventId, streamId] of events) {
      const carrier = found.get(eventId);
      if (carrier) traces.set(streamId, [...(traces.get(streamId) ?? []), carrier]);
    }
    await enqueue(heads, brought, traces);
  };

  // The subscription delivers a page of the log event by event, each in a microtask: collect them, and hand the
  // batch on when the page is done (setImmediate runs after the microtasks), one wake-up per stream. Batches are
  // pipelined on one connection (ioredis keeps their order); the subscription only waits when too many are in
  // flight. A failed batch asks the next reconcile to re-enqueue whatever is behind.
  const inFlight = new Set<Promise<void>>();
  let repairRequested = false;
  let batch = new Map<string, bigint>();
  /** the batch's events per stream, carried in the wake-ups */
  let batchBrought = new Map<string, WakeUpEvent[]>();
  /** with tracing on: the batch's events as [eventId, streamId], to find their appends' contexts */
  let batchEvents: [string, string][] = [];
  let batchEnd = 0n;
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    // A page of counters' events only (ADR 0071) wakes nothing up, but is handed on all the same.
    if (batch.size === 0 && batchEnd <= handedOn) return;
    const heads = batch;
    const brought = batchBrought;
    const events = batchEvents;
    const last = batchEnd;
    batch = new Map();
    batchBrought = new Map();
    batchEvents = [];
    // Nothing to add: handed on once the batches before it are, so `handedOn` still follows Redis's answers in order.
    const added =
      heads.size === 0
        ? Promise.all(inFlight).then(() => undefined)
        : tracingOn()
          ? enqueueTraced(heads, brought, events)
          : enqueue(heads, brought);
    const add = added.then(
      () => {
        if (last > handedOn) handedOn = last;
      },
      (error: unknown) => {
        onError(error);
        repairRequested = true;
      },
    );
    inFlight.add(add);
    void add.finally(() => inFlight.delete(add));
  };
  const handOn = async (event: RecordedEvent): Promise<void> => {
    // A counter's events wake nothing up: no read model is made from them (ADR 0071).
    if (isProjectedStream(event.streamId)) {
      batch.set(event.streamId, event.revision);
      const brought = batchBrought.get(event.streamId);
      if (brought) brought.push(toWakeUpEvent(event));
      else batchBrought.set(event.streamId, [toWakeUpEvent(event)]);
      if (tracingOn()) batchEvents.push([event.eventId, event.streamId]);
    }
    batchEnd = event.position;
    if (batch.size >= MAX_BATCH) flush();
    else if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
  };

  const reconcileOnce = async (): Promise<void> => {
    // A stream left behind for long (its job done, its write lost with a crash of PostgreSQL) is woken up again,
    // then not before another `stalledRepairMs`. Its wake-ups are idempotent: at worst a slow one is doubled.
    const stalled = firstBehind !== undefined && performance.now() - firstBehind.since >= stalledRepairMs;
    if (stalled) firstBehind!.since = performance.now();
    const repair =
      repairRequested || stalled || (redisResets > repairedResets && connection.status === 'ready');
    if (repair) {
      repairedResets = redisResets;
      repairRequested = false;
    }
    let after = confirmed;
    let advancing = true;
    let oldestBehind: string | undefined;
    let behindAt: bigint | undefined;
    const behind = new Map<string, bigint>();
    while (after < handedOn) {
      const page = await store.readAll({ after, limit: 2000 });
      const window = page.events.filter((e) => e.position <= handedOn);
      if (window.length === 0) break;
      const ids = [...new Set(window.map((e) => e.streamId))].filter(isProjectedStream);
      const done = await sql.query<{ stream_id: string; revision: string; parked: boolean }>(
        `SELECT ids.stream_id, coalesce(c.revision, -1)::text AS revision, p.stream_id IS NOT NULL AS parked
           FROM unnest($1::text[]) AS ids (stream_id)
           LEFT JOIN ${s}.checkpoints c ON c.stream_id = ids.stream_id
           LEFT JOIN ${s}.parked_streams p ON p.stream_id = ids.stream_id`,
        [ids],
      );
      const projected = new Map(done.rows.map((r) => [r.stream_id, r]));
      for (const event of window) {
        const row = projected.get(event.streamId);
        // A parked stream waits for an operator; it must not hold back the confirmation of the others.
        // A counter's event is never projected (ADR 0071): done as soon as it is handed on.
        const isDone =
          !isProjectedStream(event.streamId) ||
          (row !== undefined && (row.parked || BigInt(row.revision) >= event.revision));
        if (advancing && isDone) confirmed = event.position;
        else if (!isDone) {
          advancing = false;
          oldestBehind ??= event.recordedAt;
          behindAt ??= event.position;
          behind.set(event.streamId, event.revision);
        }
      }
      // Without a repair to do, finding the first event behind is all we need.
      if (!advancing && !repair) break;
      after = window.at(-1)!.position;
    }
    const fence = options.fence;
    const written = await sql.query(
      `UPDATE ${s}.dispatcher_state SET handed_on = $2, confirmed = $3 WHERE name = $1` +
        (fence ? ` AND $4::bigint = (SELECT token FROM ${fence.table} WHERE name = $5) RETURNING name` : ''),
      fence
        ? [STATE_ROW, String(handedOn), String(confirmed), String(fence.token), fence.name]
        : [STATE_ROW, String(handedOn), String(confirmed)],
    );
    if (fence && written.rows.length === 0) {
      // Another dispatcher leads now: what this one computed must not overwrite its positions.
      fence.onFenced();
      return;
    }
    firstBehind =
      behindAt === undefined
        ? undefined
        : behindAt === firstBehind?.position
          ? firstBehind
          : { position: behindAt, since: performance.now() };
    lagSeconds =
      oldestBehind === undefined ? 0 : Math.max(0, (now().getTime() - Date.parse(oldestBehind)) / 1000);
    if (!repair) return;
    // A Redis that has just come back may drop a command; never wait on it for ever: retry on the next pass.
    const adds = behind.size === 0 ? Promise.resolve() : enqueue(behind);
    const settled = await Promise.race([adds.then(() => true), sleep(REPAIR_TIMEOUT_MS).then(() => false)]);
    if (!settled) repairRequested = true;
  };

  const reconcile = (): Promise<void> => {
    // One pass at a time; callers arriving meanwhile share it.
    reconciling ??= reconcileOnce().finally(() => {
      reconciling = undefined;
    });
    return reconciling;
  };

  return {
    async start() {
      await migrateReadModels(sql, schema);
      await sql.query(
        `INSERT INTO ${s}.dispatcher_state (name, handed_on, confirmed) VALUES ($1, 0, 0) ON CONFLICT DO NOTHING`,
        [STATE_ROW],
      );
      const state = await sql.query<{ handed_on: string; confirmed: string }>(
        `SELECT handed_on::text AS handed_on, confirmed::text AS confirmed FROM ${s}.dispatcher_state WHERE name = $1`,
        [STATE_ROW],
      );
      confirmed = BigInt(state.rows[0]!.confirmed);
      handedOn = BigInt(state.rows[0]!.handed_on);
      // Resume from `confirmed`: whatever was handed on after it may have been lost with Redis.
      subscription = store.subscribeToAll({ after: confirmed, onEvent: handOn, onError });
      timer = setInterval(() => {
        reconcile().catch(onError);
      }, options.reconcileIntervalMs ?? 1000);
    },
    reconcile,
    stats: () => ({ handedOn, confirmed, lagSeconds, redisResets }),
    queues: () => queues,
    wake: (streamId) => partitioned.wake(store, streamId),
    async close() {
      if (timer) clearInterval(timer);
      await subscription?.close();
      // Wake-ups still in flight need not be awaited: a restart resumes from `confirmed` and hands them on again.
      await Promise.race([reconciling?.catch(() => undefined), sleep(REPAIR_TIMEOUT_MS)]);
      await Promise.race([partitioned.close(), sleep(REPAIR_TIMEOUT_MS)]);
      connection.disconnect();
    },
  };
}
