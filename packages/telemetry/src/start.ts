/**
 * Starts tracing when, and only when, it is configured (ADR 0032). The entry points call `startTracing` before
 * they import anything else; without configuration it returns at once and nothing of OpenTelemetry is loaded.
 * Configured means, by the standard variables: `OTEL_TRACES_EXPORTER` names `otlp` (or `console`), or it is unset
 * and `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set; `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none` turns it off whatever else is set.
 */

/** Whether `env` asks for traces. */
export function tracesConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '');
  if (exporters.length > 0) return exporters.some((e) => e === 'otlp' || e === 'console');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Loads and starts the SDK for `serviceName` when traces are configured; returns whether it did. */
export async function startTracing(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  if (!tracesConfigured(env)) return false;
  const { startSdk } = await import('./sdk.js');
  startSdk(serviceName);
  return true;
}
