/**
 * The application's side of tracing (ADR 0032): spans around what no instrumentation sees (a command's load,
 * decide and append; a wake-up's hand-on and projection) and W3C trace contexts carried in job data. This module
 * imports nothing of OpenTelemetry: until `startTracing` (in `./start`) has loaded the SDK and installed it here,
 * `inSpan` only runs its function and every context is `undefined`, so the default path pays a function call.
 *
 * The installed implementation lives on `globalThis` under a registered symbol, not in a module variable: a
 * process may hold two instances of this module (a test's module runner beside the natively loaded SDK), and
 * both must see the same tracing.
 */

/** A W3C trace context as carried in job data or in Redis: `traceparent` and, when there is one, `tracestate`. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

export interface SpanOptions {
  /** `internal` by default; the wake-up's hand-on is a `producer`, its processing a `consumer` */
  kind?: 'internal' | 'producer' | 'consumer';
  attributes?: SpanAttributes;
  /** the parent: a carried context; `null` starts a new trace; absent: the active span */
  parent?: TraceCarrier | null | undefined;
  /** contexts this span is caused by besides its parent (a batch's other messages) */
  links?: readonly (TraceCarrier | undefined)[];
  /** whether a thrown error marks the span failed; default: every error does (a refused command does not) */
  isError?: (error: unknown) => boolean;
}

export interface ActiveSpan {
  setAttributes(attributes: SpanAttributes): void;
  /** this span's context, to carry to another process; undefined when tracing is off or the span not sampled */
  carrier(): TraceCarrier | undefined;
}

/** What the SDK installs (`sdk.ts`); tests install one over an in-memory exporter. */
export interface Tracing {
  inSpan<T>(name: string, options: SpanOptions, fn: (span: ActiveSpan) => Promise<T>): Promise<T>;
  inSpanSync<T>(name: string, options: SpanOptions, fn: (span: ActiveSpan) => T): T;
  /** the active context as a carrier (undefined without a sampled active span) */
  current(): TraceCarrier | undefined;
  /** exports what is buffered (before a process exits) */
  flush(): Promise<void>;
}

/** Leaves an append's trace context where the dispatcher finds it (keyed by the append's first event id). */
export type AppendRelay = (carrier: TraceCarrier, firstEventId: string) => Promise<void>;

interface Slot {
  tracing?: Tracing | undefined;
  relay?: AppendRelay | undefined;
}
const SLOT = Symbol.for('ntm.telemetry');
const slot: Slot = ((globalThis as { [SLOT]?: Slot })[SLOT] ??= {});

const NO_SPAN: ActiveSpan = { setAttributes: () => undefined, carrier: () => undefined };

/** Installs (or, with undefined, removes) the process's tracing. */
export function installTracing(tracing: Tracing | undefined): void {
  slot.tracing = tracing;
}

/** True once the SDK (or a test's tracing) is installed. */
export function tracingOn(): boolean {
  return slot.tracing !== undefined;
}

/** Runs `fn` in a span named `name` (ended when `fn` settles); without tracing, only runs `fn`. */
export function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: ActiveSpan) => Promise<T>,
): Promise<T> {
  return slot.tracing ? slot.tracing.inSpan(name, options, fn) : fn(NO_SPAN);
}

/** `inSpan` for synchronous work (the decider). */
export function inSpanSync<T>(name: string, options: SpanOptions, fn: (span: ActiveSpan) => T): T {
  return slot.tracing ? slot.tracing.inSpanSync(name, options, fn) : fn(NO_SPAN);
}

/** The active trace context, to carry in a job; undefined without tracing. */
export function currentTrace(): TraceCarrier | undefined {
  return slot.tracing?.current();
}

/** Exports the spans still buffered; resolves at once without tracing. */
export async function flushTracing(): Promise<void> {
  await slot.tracing?.flush();
}

/** Sets where appends leave their trace context (the API in REDIS_URL mode, ADR 0032). */
export function setAppendRelay(relay: AppendRelay | undefined): void {
  slot.relay = relay;
}

/**
 * Called in the append's span just before the events are appended: leaves the span's context for the dispatcher,
 * which reads the log, not this process's messages. Before the append, not after, so that the dispatcher, woken
 * by the commit, always finds it. A failure only loses the link: it never fails the command.
 */
export async function announceAppend(firstEventId: string): Promise<void> {
  const relay = slot.relay;
  const carrier = relay && slot.tracing?.current();
  if (!relay || !carrier) return;
  await relay(carrier, firstEventId).catch(() => undefined);
}
