/**
 * A projection worker's metrics server: `/metrics` only (its registry: process, appends, stalled jobs), behind the
 * operator routes' rule (an administrator's token, or `METRICS_TOKEN`). It listens on
 * `METRICS_HOST:WORKER_METRICS_PORT` when that is set, loopback by default.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { TokenVerifier } from '@ntm/auth';
import { bearerAuthenticator, instrumentHttp, metricsRoute, type Config, type Metrics } from '@ntm/runtime';

export interface MetricsServerOptions {
  config: Pick<Config, 'METRICS_HOST' | 'METRICS_TOKEN' | 'LOG_LEVEL'>;
  port: number;
  verifyToken: TokenVerifier;
  metrics: Metrics;
}

export async function startMetricsServer(
  options: MetricsServerOptions,
): Promise<{ app: FastifyInstance; url: string }> {
  const { config } = options;
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.remoteAddress'], censor: '[redacted]' },
    },
  });
  instrumentHttp(app, options.metrics);
  await app.register(metricsRoute, {
    authenticate: bearerAuthenticator(options.verifyToken),
    ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
    registry: options.metrics.registry,
  });
  const url = await app.listen({ port: options.port, host: config.METRICS_HOST });
  return { app, url };
}
