/**
 * Correlation ids: taken from `X-Correlation-Id` when the caller sends a sane one, else the request id; bound to
 * the request's logger and echoed in the reply so a chain of calls can be followed across services.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The correlation id of a request. */
export function correlationIdOf(request: FastifyRequest): string {
  const header = request.headers['x-correlation-id'];
  return typeof header === 'string' && SAFE_ID.test(header) ? header : request.id;
}

export default fp(
  function requestContext(fastify: FastifyInstance) {
    fastify.addHook('onRequest', (request, reply, done) => {
      const correlationId = correlationIdOf(request);
      request.log = request.log.child({ correlationId });
      void reply.header('x-correlation-id', correlationId);
      done();
    });
  },
  { name: 'request-context' },
);
