/**
 * Liveness (the process answers) and readiness (the store answers: 503 while the database is away, the process
 * staying up and reconnecting; 503 AUDIT_LOG_MISMATCH once the continuous verifier finds the log no longer
 * matching its signed checkpoints). `/ready` also reports the working-day calendar's horizon (`calendar`): when its
 * data ends within CALENDAR_WARN_DAYS it says so (`ok: false`) but stays 200, since commands still work (the missing
 * year is counted with the statute alone); the alarm is for the operator, not the load balancer. Both are exempt from the rate limit: a probe told 429 would take the service for
 * unhealthy.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../problems.js';

const healthRoutes: FastifyPluginCallbackZod = (fastify, _opts, done) => {
  const Status = z.object({ status: z.literal('ok') });
  const Ready = Status.extend({
    calendar: z
      .object({
        ok: z.boolean(),
        coveredUntil: z.string(),
        daysLeft: z.number().int(),
        warnWithinDays: z.number().int(),
        nextYear: z.number().int(),
        unconfirmedYears: z.array(z.number().int()),
      })
      .describe('the working-day calendar: ok = its data reaches more than warnWithinDays ahead'),
  });
  const probe = { config: { rateLimit: false as const } };
  fastify.get('/health', { ...probe, schema: { tags: ['operations'], response: { 200: Status } } }, () => ({
    status: 'ok' as const,
  }));
  fastify.get(
    '/ready',
    { ...probe, schema: { tags: ['operations'], response: { 200: Ready } } },
    async (request) => {
      try {
        await fastify.store.ping();
      } catch (error) {
        request.log.warn({ err: error }, 'store not ready');
        throw problems.unavailable();
      }
      if (fastify.auditLog?.watcher.status.ok === false) throw problems.auditLogMismatch();
      return { status: 'ok' as const, calendar: fastify.calendar.status() };
    },
  );
  done();
};

export default healthRoutes;
