/**
 * Prometheus metrics with `prom-client`: one registry per process (the API, each dispatcher, each worker), made by
 * `createMetrics` and served at `/metrics` by the operator routes. What the process does is counted where it
 * happens (HTTP requests by a Fastify hook, appends by a wrapper around the event-store port, stalled jobs by the
 * BullMQ workers); what the databases hold (projection lag, queue depths, deadlines) is read when scraped, by the
 * gauges' `collect` callbacks. Every name starts with `ntm_`; docs/operations.md ("Metrics") lists them all.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TokenChecks } from '@ntm/auth';
import type { EventStore } from '@ntm/event-store';
import { WrongExpectedRevisionError } from '@ntm/event-store';

/** Which process a registry belongs to: says which of the process's own metrics it registers. */
export type ProcessRole = 'api' | 'dispatcher' | 'worker';

const HTTP_LABELS = ['method', 'route', 'status_class'] as const;
type HttpLabel = (typeof HTTP_LABELS)[number];

export interface Metrics {
  readonly role: ProcessRole;
  readonly registry: Registry;
  readonly httpRequests: Counter<HttpLabel>;
  readonly httpErrors: Counter<HttpLabel>;
  readonly httpDuration: Histogram<HttpLabel>;
  readonly appendDuration: Histogram<'outcome'>;
  readonly appendConflicts: Counter;
  readonly appendedEvents: Counter;
  readonly stalledJobs: Counter<'queue'>;
  /** 1 while this process is the active dispatcher (dispatchers only) */
  readonly dispatcherLeader: Gauge | undefined;
  /** A gauge without labels whose value is read at each scrape. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
  /** A gauge with labels whose series are all read at each scrape (series no longer returned disappear). */
  labelledGauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<Iterable<[Record<L, string>, number]>> | Iterable<[Record<L, string>, number]>,
  ): void;
}

export interface MetricsOptions {
  /** the default process metrics (CPU, memory, event loop lag, GC); default on */
  defaultMetrics?: boolean;
}

/** Seconds; a command's whole round trip is in the tens of milliseconds on a quiet machine. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds; an append is one or two round trips to the store. */
const APPEND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The process's registry and the metrics every process has. */
export function createMetrics(role: ProcessRole, options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const httpRequests = new Counter({
    name: 'ntm_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status class.',
    labelNames: HTTP_LABELS,
    registers,
  });
  const httpErrors = new Counter({
    name: 'ntm_http_request_errors_total',
    help: 'HTTP requests answered with a 5xx status, by method, route pattern and status class.',
    labelNames: HTTP_LABELS,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'ntm_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to answering it, by method, route pattern and status class.',
    labelNames: HTTP_LABELS,
    buckets: HTTP_BUCKETS,
    registers,
  });
  const appendDuration = new Histogram({
    name: 'ntm_event_store_append_duration_seconds',
    help: 'Time of one append to the event store, by outcome (ok, conflict, error).',
    labelNames: ['outcome'] as const,
    buckets: APPEND_BUCKETS,
    registers,
  });
  const appendConflicts = new Counter({
    name: 'ntm_event_store_append_conflicts_total',
    help: 'Appends refused because the stream had moved on (wrong expected revision).',
    registers,
  });
  const appendedEvents = new Counter({
    name: 'ntm_event_store_appended_events_total',
    help: 'Events written by successful appends of this process.',
    registers,
  });
  const stalledJobs = new Counter({
    name: 'ntm_queue_stalled_jobs_total',
    help: "Jobs of this process's BullMQ workers found stalled (their lock ran out) and handed back, by queue.",
    labelNames: ['queue'] as const,
    registers,
  });
  const dispatcherLeader =
    role === 'dispatcher'
      ? new Gauge({
          name: 'ntm_dispatcher_leader',
          help: '1 while this dispatcher holds the lease and follows the log, 0 while it stands by.',
          registers,
        })
      : undefined;

  return {
    role,
    registry,
    httpRequests,
    httpErrors,
    httpDuration,
    appendDuration,
    appendConflicts,
    appendedEvents,
    stalledJobs,
    dispatcherLeader,
    gauge(name, help, read) {
      const gauge: Gauge = new Gauge({
        name,
        help,
        registers,
        async collect() {
          gauge.set(await read());
        },
      });
    },
    labelledGauge(name, help, labelNames, read) {
      const gauge: Gauge<(typeof labelNames)[number]> = new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          const series = await read();
          gauge.reset();
          for (const [labels, value] of series) gauge.set(labels as never, value);
        },
      });
    },
  };
}

/**
 * Counts every request the server answers: by the route's pattern (`/dossiers/:id`, never the raw URL, so that the
 * series stay few whatever clients send) and method, or `unmatched` for a 404 of no route. Call it on the root
 * instance before the routes are registered.
 */
export function instrumentHttp(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const pattern = request.routeOptions.url;
    const labels = {
      method: pattern === undefined ? 'other' : request.method,
      route: pattern ?? 'unmatched',
      status_class: `${Math.floor(reply.statusCode / 100)}xx`,
    };
    metrics.httpRequests.inc(labels);
    if (reply.statusCode >= 500) metrics.httpErrors.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}

const OUTCOME = {
  ok: { outcome: 'ok' },
  conflict: { outcome: 'conflict' },
  error: { outcome: 'error' },
} as const;

/**
 * The event-store port with its appends timed and its conflicts counted: one wrapper for every adapter (PostgreSQL,
 * embedded, EventStoreDB). Every other method is the adapter's own.
 */
export function instrumentStore<S extends EventStore>(store: S, metrics: Metrics): S {
  // Timed as `startTimer` times (seconds from the high-resolution clock), without its closure and merged labels
  // object per append: the labels are one of three constants.
  const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
  const append: EventStore['append'] = async (streamId, events, options) => {
    const started = process.hrtime.bigint();
    try {
      const result = await store.append(streamId, events, options);
      metrics.appendDuration.observe(OUTCOME.ok, seconds(started));
      metrics.appendedEvents.inc(events.length);
      return result;
    } catch (error) {
      const conflict = error instanceof WrongExpectedRevisionError;
      metrics.appendDuration.observe(conflict ? OUTCOME.conflict : OUTCOME.error, seconds(started));
      if (conflict) metrics.appendConflicts.inc();
      throw error;
    }
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') return append;
      const value: unknown = Reflect.get(target, property, target);
      // Bound to the adapter itself: its private fields are not reachable through the proxy.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const TOKEN_OUTCOMES = ['cached', 'verified', 'joined', 'refused'] as const;

/**
 * The token verifier's answers (ADR 0068): `ntm_auth_token_checks_total` by outcome and the cache's size. A share
 * of `verified` that stays high under a steady set of users says the cache (AUTH_TOKEN_CACHE_SIZE) is too small.
 */
export function instrumentTokenChecks(metrics: Metrics, checks: TokenChecks): void {
  const registers = [metrics.registry];
  const counter: Counter<'outcome'> = new Counter({
    name: 'ntm_auth_token_checks_total',
    help: 'Bearer tokens checked, by outcome: cached, verified (signature checked), joined (a check of the same token under way), refused.',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      // The verifier counts; a scrape reports its totals.
      counter.reset();
      for (const outcome of TOKEN_OUTCOMES) counter.inc({ outcome }, checks[outcome]);
    },
  });
  metrics.gauge(
    'ntm_auth_token_cache_entries',
    'Verified tokens held in the cache now.',
    () => checks.cachedTokens,
  );
}

/**
 * Shares one call among the gauges of one scrape: `prom-client` calls every `collect` at once, and several gauges
 * come from one measurement (the projection lag, the queue counts).
 */
export function perScrape<T>(measure: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= measure().finally(() => {
      pending = undefined;
    }));
}
