/**
 * Step 1 of `pnpm sim:national`: the dossier histories of the country, decided (`simDossier`, through the domain's
 * `decide`) and appended to the store, in chunks of plans handed out in order to worker threads that decide and
 * append them themselves (`decideWorker.ts`), or in the main thread (`workers: 0`, as from the sources under vitest).
 *
 * - **Batching**: each chunk's dossiers (whole histories, one append each) are appended at once, so the store's
 *   group commit (ADR 0008) puts many dossiers in one INSERT; a worker decides its next chunk while the INSERT of the
 *   previous one is in flight, and each has two chunks at a time.
 * - **Resumable**: plan _n_ always has the same dossier id, so a stream the store already holds is skipped (its
 *   events counted from the store). Chunks finish out of order: an interrupted run may leave gaps, which the next
 *   run fills.
 * - **Interrupt**: after `signal` aborts, no chunk is handed out; the chunks in flight are appended and the run
 *   stops (each dossier is one append: all or nothing).
 */
import { Worker } from 'node:worker_threads';
import type { EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { simDossier, simPlan, type NationalCommunes, type PlanKind } from './nationalHistories.js';

/** Plans per chunk: about 1,000 events, the store's largest group (its VALUES_BATCH). */
const CHUNK = 32;
/** Chunks in flight per worker: one being decided while the other's INSERT runs. */
const PER_WORKER = 2;
/** Events of a dossier on average (31.9 measured over the cycle), to stop handing out chunks near the target. */
const EVENTS_PER_DOSSIER = 32;

export type ToWorker =
  | { type: 'open'; url: string; schema: string }
  | { type: 'plans'; id: number; plans: number[] }
  | { type: 'close' };

type FromWorker =
  | { type: 'done'; id: number; done: Decided[] }
  | { type: 'failed'; id: number; error: string }
  | { type: 'closed' };

/** What a plan became: its number, the events appended, the units passed over (with the reason). */
export interface Decided {
  n: number;
  events: number;
  passedOver: string[];
}

/** Decides `plans` and appends every dossier at once (each a new stream); throws at the first refusal. */
export async function decideAndAppend(
  store: EventStore,
  plans: readonly number[],
  communes: NationalCommunes,
): Promise<Decided[]> {
  const dossiers = plans.map((n) => simDossier(n, communes));
  await Promise.all(
    dossiers.map((d) => store.append(d.streamId, d.events, { expectedRevision: 'no_stream' })),
  );
  return dossiers.map((d) => ({ n: d.n, events: d.events.length, passedOver: d.passedOver }));
}

interface Deciders {
  /** chunks that may be in flight at once */
  slots: number;
  run(plans: number[]): Promise<Decided[]>;
  close(): Promise<void>;
}

function inMainThread(store: EventStore, communes: NationalCommunes): Deciders {
  return {
    slots: 1,
    run: (plans) => decideAndAppend(store, plans, communes),
    close: () => Promise.resolve(),
  };
}

function inWorkers(count: number, url: string, schema: string): Deciders {
  const threads = Array.from(
    { length: count },
    () => new Worker(new URL('./decideWorker.js', import.meta.url)),
  );
  const waiting = new Map<number, { resolve: (d: Decided[]) => void; reject: (e: Error) => void }>();
  const busy = threads.map(() => 0);
  const closed: (() => void)[] = [];
  let failure: Error | undefined;
  threads.forEach((thread) => {
    thread.on('message', (message: FromWorker) => {
      if (message.type === 'closed') return closed.shift()?.();
      const each = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.type === 'done') each?.resolve(message.done);
      else each?.reject(new Error(message.error));
    });
    thread.on('error', (error) => {
      failure = error;
      for (const each of waiting.values()) each.reject(error);
      waiting.clear();
    });
    thread.postMessage({ type: 'open', url, schema } satisfies ToWorker);
  });
  let next = 0;
  return {
    slots: count * PER_WORKER,
    run(plans) {
      if (failure) return Promise.reject(failure);
      const i = busy.indexOf(Math.min(...busy));
      const id = next++;
      busy[i]! += 1;
      return new Promise<Decided[]>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        threads[i]!.postMessage({ type: 'plans', id, plans } satisfies ToWorker);
      }).finally(() => {
        busy[i]! -= 1;
      });
    },
    async close() {
      await Promise.all(
        threads.map(
          (thread) =>
            new Promise<void>((resolve) => {
              closed.push(resolve);
              thread.postMessage({ type: 'close' } satisfies ToWorker);
            }),
        ),
      ).catch(() => undefined);
      await Promise.all(threads.map((t) => t.terminate()));
    },
  };
}

export interface GenerateOptions {
  events: number;
  /** worker threads (0: the main thread; always so when running from the TypeScript sources) */
  workers: number;
  /** the database URL and store schema the workers open */
  url: string;
  schema: string;
  store: EventStore;
  sql: SqlClient;
  communes: NationalCommunes;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export interface Generated {
  /** plans counted (stored before or appended now) */
  dossiers: number;
  /** events counted (stored before or appended now) */
  events: number;
  appended: number;
  /** streams the store held when the run started */
  resumedFrom: number;
  passedOver: number;
  byPlan: Partial<Record<PlanKind, number>>;
  seconds: number;
  interrupted: boolean;
}

export async function generateHistories(options: GenerateOptions): Promise<Generated> {
  const { log, sql } = options;
  const have = new Map(
    (
      await sql.query<{ stream_id: string; n: number }>(
        `SELECT stream_id, count(*)::int AS n FROM "${options.schema}".events GROUP BY stream_id`,
      )
    ).rows.map((r) => [r.stream_id, r.n]),
  );
  if (have.size > 0) log(`the store already holds ${have.size} streams: those dossiers are skipped`);
  const workers = import.meta.url.endsWith('.ts') ? 0 : options.workers;
  const deciders =
    workers > 0
      ? inWorkers(workers, options.url, options.schema)
      : inMainThread(options.store, options.communes);
  const result: Generated = {
    dossiers: 0,
    events: 0,
    appended: 0,
    resumedFrom: have.size,
    passedOver: 0,
    byPlan: {},
    seconds: 0,
    interrupted: false,
  };
  const started = performance.now();
  let lastProgress = started;
  const inFlight = new Set<Promise<void>>();
  let plansInFlight = 0;
  let error: Error | undefined;
  const finished = (done: Decided[]) => {
    for (const d of done) {
      result.events += d.events;
      result.appended += d.events;
      for (const reason of d.passedOver) {
        result.passedOver += 1;
        if (result.passedOver <= 10) log(`passed over: ${reason}`);
      }
    }
    if (performance.now() - lastProgress > 5000) {
      lastProgress = performance.now();
      const s = (lastProgress - started) / 1000;
      log(
        `generate+append: ${result.events.toLocaleString('en')} / ${options.events.toLocaleString('en')} events (${result.dossiers} dossiers), ${result.appended.toLocaleString('en')} appended this run, ${Math.round(result.appended / s)} events/s`,
      );
    }
  };
  try {
    let n = 0;
    // Events counted plus an estimate for the plans in flight: chunks stop near the target, and start again if the
    // estimate was too high once they are done.
    const expected = () => result.events + plansInFlight * EVENTS_PER_DOSSIER;
    for (;;) {
      const more = expected() < options.events && !options.signal?.aborted && error === undefined;
      if (!more || inFlight.size >= deciders.slots) {
        if (inFlight.size === 0) break;
        await Promise.race(inFlight);
        continue;
      }
      const plans: number[] = [];
      for (; plans.length < CHUNK && expected() + plans.length * EVENTS_PER_DOSSIER < options.events; n++) {
        const { plan, streamId } = simPlan(n);
        result.dossiers += 1;
        result.byPlan[plan] = (result.byPlan[plan] ?? 0) + 1;
        const stored = have.get(streamId);
        if (stored === undefined) plans.push(n);
        else result.events += stored;
      }
      if (plans.length === 0) continue;
      plansInFlight += plans.length;
      const chunk: Promise<void> = deciders.run(plans).then(
        (done) => {
          plansInFlight -= plans.length;
          finished(done);
        },
        (e: unknown) => {
          plansInFlight -= plans.length;
          error ??= e instanceof Error ? e : new Error(String(e));
        },
      );
      inFlight.add(chunk);
      void chunk.finally(() => inFlight.delete(chunk));
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.all(inFlight);
    await deciders.close();
  }
  if (error !== undefined) throw error;
  result.seconds = (performance.now() - started) / 1000;
  result.interrupted = options.signal?.aborted === true && result.events < options.events;
  return result;
}
