/**
 * The `Tracing` of `index.ts` over the OpenTelemetry API: whatever tracer provider and propagator are registered
 * globally (the SDK's, or a test's in-memory one). Loaded only when tracing is on.
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import type { ActiveSpan, SpanAttributes, SpanOptions, TraceCarrier, Tracing } from './index.js';

const KINDS = { internal: SpanKind.INTERNAL, producer: SpanKind.PRODUCER, consumer: SpanKind.CONSUMER };

function carrierOf(ctx: Context): TraceCarrier | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  if (!carrier.traceparent) return undefined;
  return carrier.tracestate
    ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate }
    : { traceparent: carrier.traceparent };
}

function contextOf(carrier: TraceCarrier): Context {
  return propagation.extract(ROOT_CONTEXT, carrier);
}

function defined(attributes: SpanAttributes | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) out[key] = value;
  return out;
}

/** `flush` exports what the provider buffers (the SDK's `forceFlush`); none for a test's simple processor. */
export function otelTracing(flush: () => Promise<void> = () => Promise.resolve()): Tracing {
  const tracer = trace.getTracer('ntm');

  const start = (name: string, options: SpanOptions): { span: Span; ctx: Context } => {
    const parent =
      options.parent === null
        ? ROOT_CONTEXT
        : options.parent === undefined
          ? context.active()
          : contextOf(options.parent);
    const links: Link[] = [];
    for (const carrier of options.links ?? []) {
      const linked = carrier && trace.getSpanContext(contextOf(carrier));
      if (linked) links.push({ context: linked });
    }
    const span = tracer.startSpan(
      name,
      { kind: KINDS[options.kind ?? 'internal'], attributes: defined(options.attributes), links },
      parent,
    );
    return { span, ctx: trace.setSpan(parent, span) };
  };
  const handle = (span: Span, ctx: Context): ActiveSpan => ({
    setAttributes: (attributes) => span.setAttributes(defined(attributes)),
    carrier: () => carrierOf(ctx),
  });
  const failed = (span: Span, options: SpanOptions, error: unknown) => {
    if (options.isError && !options.isError(error)) {
      span.setAttribute('ntm.outcome', error instanceof Error ? error.name : 'error');
      return;
    }
    if (error instanceof Error) span.recordException(error);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
  };

  return {
    inSpan(name, options, fn) {
      const { span, ctx } = start(name, options);
      return context.with(ctx, async () => {
        try {
          return await fn(handle(span, ctx));
        } catch (error) {
          failed(span, options, error);
          throw error;
        } finally {
          span.end();
        }
      });
    },
    inSpanSync(name, options, fn) {
      const { span, ctx } = start(name, options);
      return context.with(ctx, () => {
        try {
          return fn(handle(span, ctx));
        } catch (error) {
          failed(span, options, error);
          throw error;
        } finally {
          span.end();
        }
      });
    },
    current: () => carrierOf(context.active()),
    flush,
  };
}
