// The application's tracing (ADR 0032) over an in-memory exporter: what a job carries continues the trace in
// another "process" (here: a context dropped and rebuilt from the carrier alone), links survive, refusals do not
// mark spans failed, the append relay gets the append's context, and without tracing nothing happens at all.
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  announceAppend,
  currentTrace,
  inSpan,
  inSpanSync,
  installTracing,
  setAppendRelay,
  tracingOn,
  type TraceCarrier,
} from './index.js';
import { otelTracing } from './otelTracing.js';
import { tracesConfigured } from './start.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const finished = (name: string) => exporter.getFinishedSpans().find((s) => s.name === name)!;

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterEach(() => {
  installTracing(undefined);
  setAppendRelay(undefined);
  exporter.reset();
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('without tracing installed', () => {
  it('runs the work, carries no context and never calls the relay', async () => {
    const relayed: string[] = [];
    setAppendRelay((_carrier, id) => Promise.resolve(void relayed.push(id)));
    expect(tracingOn()).toBe(false);
    const value = await inSpan('ntm.command', {}, async (span) => {
      span.setAttributes({ a: 1 });
      await announceAppend('event-1');
      return span.carrier() ?? 'no carrier';
    });
    expect(value).toBe('no carrier');
    expect(inSpanSync('ntm.command.decide', {}, () => currentTrace())).toBeUndefined();
    expect(relayed).toEqual([]);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('with tracing installed', () => {
  it('continues a trace from the context a job carries, and links the batch’s other contexts', async () => {
    installTracing(otelTracing());
    // The "API": a command whose append leaves its context in the job data.
    const jobData: { wakeUps: { streamId: string; trace?: TraceCarrier }[] } = { wakeUps: [] };
    await inSpan('ntm.command', {}, () =>
      inSpan('ntm.command.append', {}, () => {
        jobData.wakeUps.push({
          streamId: 'dossier-1',
          ...(currentTrace() ? { trace: currentTrace()! } : {}),
        });
        return Promise.resolve();
      }),
    );
    const other = await inSpan('ntm.command', { parent: null }, (span) => Promise.resolve(span.carrier()!));
    // Serialised and parsed as BullMQ does: nothing but JSON crosses the process boundary.
    const carried = JSON.parse(JSON.stringify(jobData)) as typeof jobData;
    const carrier = carried.wakeUps[0]!.trace!;
    expect(carrier.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    // The "worker", outside any active span: a consumer span for the job, the projection under the append.
    await context.with(context.active(), () =>
      inSpan('job process', { kind: 'consumer', parent: null, links: [carrier, other] }, (job) =>
        inSpan('ntm.projection.catch-up', { parent: carrier, links: [job.carrier()] }, () =>
          Promise.resolve(),
        ),
      ),
    );
    const append = finished('ntm.command.append');
    const projection = finished('ntm.projection.catch-up');
    const job = finished('job process');
    expect(projection.spanContext().traceId).toBe(append.spanContext().traceId);
    expect(projection.parentSpanContext?.spanId).toBe(append.spanContext().spanId);
    expect(projection.links.map((l) => l.context.spanId)).toEqual([job.spanContext().spanId]);
    expect(job.kind).toBe(SpanKind.CONSUMER);
    expect(job.parentSpanContext).toBeUndefined();
    expect(job.spanContext().traceId).not.toBe(append.spanContext().traceId);
    expect(job.links.map((l) => l.context.traceId)).toEqual([
      append.spanContext().traceId,
      other.traceparent.split('-')[1],
    ]);
  });

  it('marks a failure failed, and an answer (isError false) only by its outcome', async () => {
    installTracing(otelTracing());
    const refusal = new RangeError('refused');
    await expect(
      inSpan('answered', { isError: (e) => !(e instanceof RangeError) }, () => Promise.reject(refusal)),
    ).rejects.toBe(refusal);
    expect(() =>
      inSpanSync('failed', {}, () => {
        throw new Error('broken');
      }),
    ).toThrow('broken');
    expect(finished('answered').status.code).toBe(SpanStatusCode.UNSET);
    expect(finished('answered').attributes['ntm.outcome']).toBe('RangeError');
    expect(finished('failed').status).toEqual({ code: SpanStatusCode.ERROR, message: 'broken' });
    expect(finished('failed').events.map((e) => e.name)).toEqual(['exception']);
  });

  it('gives the relay the append’s own context, and a failing relay never fails the command', async () => {
    installTracing(otelTracing());
    const relayed: [TraceCarrier, string][] = [];
    setAppendRelay((carrier, id) => Promise.resolve(void relayed.push([carrier, id])));
    await inSpan('ntm.command.append', {}, () => announceAppend('event-1'));
    const append = finished('ntm.command.append').spanContext();
    expect(relayed).toEqual([[{ traceparent: `00-${append.traceId}-${append.spanId}-01` }, 'event-1']]);

    setAppendRelay(() => Promise.reject(new Error('Redis down')));
    await expect(inSpan('ntm.command.append', {}, () => announceAppend('event-2'))).resolves.toBeUndefined();
  });

  it('drops undefined attributes and keeps the others', async () => {
    installTracing(otelTracing());
    await inSpan('s', { attributes: { kept: 'yes', dropped: undefined } }, (span) =>
      Promise.resolve(span.setAttributes({ n: 2, gone: undefined })),
    );
    expect(finished('s').attributes).toEqual({ kept: 'yes', n: 2 });
  });
});

describe('tracesConfigured (the standard OTEL_* variables)', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'console, otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, false],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }, false],
    [{ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
  ] as [NodeJS.ProcessEnv, boolean][])('%j → %s', (env, expected) => {
    expect(tracesConfigured(env)).toBe(expected);
  });
});
