/**
 * The OpenTelemetry SDK of a process, loaded by `start.ts` only when traces are configured (ADR 0032): the OTLP
 * exporter, the sampler, the resource and the propagator all come from the standard `OTEL_*` variables, read by
 * `NodeSDK`; this file adds the instrumentations (Fastify through `@fastify/otel`, pg, ioredis) and installs the
 * application's spans (`index.ts`).
 */
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { trace, type ProxyTracerProvider } from '@opentelemetry/api';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { installTracing } from './index.js';
import { otelTracing } from './otelTracing.js';

/** Probes and scrapes would be most of the spans and tell nothing about a dossier. */
const QUIET_ROUTES = new Set(['/health', '/ready', '/metrics']);

export function startSdk(serviceName: string): void {
  // pg, ioredis and fastify are imported as ES modules: the import hook wraps them as they load, which is why the
  // entry points start tracing before they import anything else.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const sdk = new NodeSDK({
    ...(process.env.OTEL_SERVICE_NAME ? {} : { serviceName }),
    instrumentations: [
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        // One span per request and one for its handler; a span for each of the many hooks costs more than it tells.
        instrumentHooks: false,
        ignorePaths: (route) => QUIET_ROUTES.has(route.url),
      }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  // The hooks match packages imported by name. A module runner (the tests' `run-ts`) imports them by file path,
  // which no hook recognises; requiring ioredis once by name, from the entry point's own dependencies, patches
  // its prototype for every copy loaded from that file, whatever way it is loaded. (pg patches itself: its
  // entry requires its client by name.)
  const fromEntry = createRequire(process.argv[1] ? pathToFileURL(process.argv[1]) : import.meta.url);
  try {
    fromEntry('ioredis');
  } catch {
    // Not a dependency of this entry point: nothing of it to patch.
  }
  const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as {
    forceFlush?: () => Promise<void>;
  };
  installTracing(otelTracing(async () => provider.forceFlush?.()));
}
