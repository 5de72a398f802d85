/**
 * Bearer authentication and the jurisdiction check, as decorators the routes call. Denials are logged at info
 * with the actor id (when known) and the reason, never the token.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AuthError, can, type Action, type Principal, type TokenVerifier } from '@ntm/auth';
import type { DossierScope, DossierState } from '@ntm/domain';
import { problems } from '../problems.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Verifies the bearer token and returns who the request speaks for (401 otherwise). */
    authenticate(request: FastifyRequest): Promise<Principal>;
    /**
     * Throws 403 unless the principal's jurisdiction covers the dossier for this action. With the dossier's pinned
     * `ruleSet`, a reform's successor roles are accepted for the successor units from the cut-over on.
     */
    authorize(
      request: FastifyRequest,
      principal: Principal,
      action: Action,
      scope: DossierScope,
      ruleSet?: DossierState['ruleSet'],
    ): void;
  }
}

export default fp(
  function auth(fastify: FastifyInstance, opts: { verifyToken: TokenVerifier }) {
    const verify = async (request: FastifyRequest): Promise<Principal> => {
      const header = request.headers.authorization;
      const match = header === undefined ? null : /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
      if (!match) throw new AuthError('TOKEN_MISSING', 'no bearer token');
      return opts.verifyToken(match[1]!);
    };
    // A command route authenticates before the body is read and its handler asks again: one answer per request,
    // the token's own (its headers do not change while it runs).
    const verified = new WeakMap<FastifyRequest, Promise<Principal>>();
    fastify.decorate('authenticate', (request: FastifyRequest): Promise<Principal> => {
      let principal = verified.get(request);
      if (principal === undefined) verified.set(request, (principal = verify(request)));
      return principal;
    });
    fastify.decorate(
      'authorize',
      (
        request: FastifyRequest,
        principal: Principal,
        action: Action,
        scope: DossierScope,
        ruleSet?: DossierState['ruleSet'],
      ) => {
        const context = ruleSet && { ruleSet, now: fastify.clock.now(), units: fastify.domainContext.units };
        if (can(principal.actor, action, scope, context)) return;
        request.log.info(
          {
            actorId: principal.actor.id,
            role: principal.actor.role,
            unit: principal.actor.unit,
            action,
            reason: 'OUT_OF_JURISDICTION',
          },
          'access denied',
        );
        throw problems.outOfJurisdiction();
      },
    );
  },
  { name: 'auth' },
);
