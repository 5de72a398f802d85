/**
 * Command routes, generated from the contracts' COMMAND_SPECS: `POST /dossiers` for the creating command,
 * `POST /dossiers/{id}/{slug}` for the others. The write path: authenticate → idempotency → load and fold the
 * stream → jurisdiction → decide with the injected clock → envelope → conditional append.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COMMAND_SPECS, type CommandSpec } from '@ntm/contracts';
import {
  decide,
  evolve,
  replay,
  vietnamDate,
  type DomainError,
  type DossierScope,
  type UnitRegistry,
} from '@ntm/domain';
import type { Principal } from '@ntm/auth';
import { WrongExpectedRevisionError, type RecordedEvent } from '@ntm/event-store';
import { DOSSIER_ID, etagOf, parseIfMatch, toNewEvents } from '../dossier.js';
import { eventIdFor, fingerprintOf, uuidV5, type StoredResponse } from '../idempotency.js';
import { ProblemError, problems } from '../problems.js';
import { correlationIdOf } from '../plugins/requestContext.js';

const STATUS_OF_KIND: Record<DomainError['kind'], number> = {
  forbidden: 403,
  conflict: 409,
  unprocessable: 422,
};

/** A domain refusal as a problem: the domain's own code and both messages. */
export function domainProblem(error: DomainError): ProblemError {
  return new ProblemError(
    STATUS_OF_KIND[error.kind],
    error.code,
    { en: error.message, vi: error.messageVi },
    error.params ? { params: error.params } : {},
  );
}

const CommandHeaders = z.looseObject({
  'if-match': z
    .string()
    .max(40)
    .optional()
    .describe('"<revision>" as returned in ETag; required except to open a dossier'),
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9._:-]{8,128}$/)
    .optional()
    .describe('8-128 characters; a retry with the same key returns the first answer'),
  'x-correlation-id': z.string().max(100).optional(),
});

const CommandReply = z.object({
  dossierId: z.string(),
  revision: z.number().int(),
  events: z.array(
    z.object({
      eventId: z.string(),
      type: z.string(),
      fromState: z.string().optional(),
      toState: z.string().optional(),
    }),
  ),
});

const commandRoutes: FastifyPluginCallbackZod = (fastify, _opts, done) => {
  for (const spec of COMMAND_SPECS) {
    fastify.route({
      method: 'POST',
      url: spec.creates ? '/dossiers' : `/dossiers/:id/${spec.slug}`,
      schema: {
        tags: ['commands'],
        summary: spec.summary.en,
        description: `${spec.summary.vi} (${spec.type})`,
        security: [{ bearer: [] }],
        headers: CommandHeaders,
        ...(spec.creates ? {} : { params: z.object({ id: z.string().regex(DOSSIER_ID) }) }),
        // The contracts' schemas are strict objects: unknown fields are refused, a typo never drops data.
        body: spec.schema,
        response: { [spec.creates ? 201 : 200]: CommandReply },
      },
      // Authenticate before the body is parsed or validated: an anonymous caller learns nothing but 401.
      // The verified token is cached, so the handler's own call below costs no second signature check.
      onRequest: async (request) => {
        await fastify.authenticate(request);
      },
      handler: (request, reply) => handleCommand(fastify, spec, request, reply),
    });
  }
  done();
};

async function handleCommand(
  fastify: FastifyInstance,
  spec: CommandSpec,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const principal = await fastify.authenticate(request);
  const headers = request.headers as { 'if-match'?: string; 'idempotency-key'?: string };
  const key = headers['idempotency-key'];
  const params = request.params as { id?: string };
  if (key === undefined) return send(reply, await execute(fastify, spec, request, principal, undefined));

  const actorId = principal.actor.id;
  const fingerprint = fingerprintOf({
    route: `${spec.type} ${params.id ?? ''}`,
    ifMatch: headers['if-match'],
    body: request.body,
  });
  const reservation = await fastify.idempotency.reserveOrWait(key, actorId, fingerprint);
  if (reservation.kind === 'mismatch') throw problems.idempotencyKeyReused();
  if (reservation.kind === 'pending') {
    void reply.header('retry-after', String(reservation.retryAfterSeconds));
    throw problems.idempotencyInProgress();
  }
  if (reservation.kind === 'replay') {
    return send(reply, {
      ...reservation.response,
      headers: { ...reservation.response.headers, 'idempotent-replayed': 'true' },
    });
  }
  const { token } = reservation;
  try {
    const response = await fastify.idempotency.whileHeld(key, actorId, token, () =>
      execute(fastify, spec, request, principal, key),
    );
    await fastify.idempotency.complete(key, actorId, response);
    return send(reply, response);
  } catch (error) {
    // Only successes are remembered: a refused request changed nothing, so running it again is harmless. A
    // release that fails (database away) leaves the key to its lease.
    await fastify.idempotency.release(key, actorId, token).catch(() => undefined);
    throw error;
  }
}

// Sent, not returned: the stored body is already the serialised reply shape.
function send(reply: FastifyReply, response: StoredResponse): void {
  void reply.code(response.status).headers(response.headers).send(response.body);
}

async function execute(
  fastify: FastifyInstance,
  spec: CommandSpec,
  request: FastifyRequest,
  principal: Principal,
  key: string | undefined,
  fresh = false,
): Promise<StoredResponse> {
  const { actor, onBehalfOf } = principal;
  const ifMatch = (request.headers as { 'if-match'?: string })['if-match'];
  const dossierId = spec.creates
    ? key === undefined
      ? randomUUID()
      : uuidV5(`dossier\n${actor.id}\n${key}`)
    : (request.params as { id: string }).id;
  const eventId = (index: number) => (key === undefined ? randomUUID() : eventIdFor(key, actor.id, index));

  // A client that sends the revision the cache holds is usually right: skip the read, let the append judge.
  const cached =
    spec.creates || fresh || ifMatch === undefined
      ? undefined
      : fastify.dossiers.at(dossierId, parseIfMatch(ifMatch));
  const loaded = cached ?? (await fastify.dossiers.current(fastify.store, dossierId));
  let expectedRevision: bigint | 'no_stream' = 'no_stream';
  if (spec.creates) {
    if (loaded.state !== undefined) {
      // A creation retried after a crash finds its own first event: answer from the stream.
      const own = key === undefined ? undefined : await ownEvents(fastify, loaded.streamId, 0n, eventId);
      if (own) return answerFrom(spec, dossierId, own);
      throw problems.dossierExists();
    }
  } else {
    if (ifMatch === undefined) throw problems.ifMatchRequired();
    const expected = parseIfMatch(ifMatch);
    if (expected === undefined) throw problems.ifMatchMalformed();
    if (loaded.state === undefined) throw problems.dossierNotFound(dossierId);
    // Jurisdiction first, so that a stranger learns nothing about the dossier's revision.
    fastify.authorize(request, principal, spec.type, loaded.state.scope, loaded.state.ruleSet);
    if (expected !== loaded.revision) {
      // The stream moved past If-Match: maybe by this very request, retried after a crash before it answered.
      const own =
        key === undefined ? undefined : await ownEvents(fastify, loaded.streamId, expected + 1n, eventId);
      if (own) return answerFrom(spec, dossierId, own);
      throw problems.revisionMismatch(String(expected), loaded.revision);
    }
    expectedRevision = expected;
  }

  const now = fastify.clock.now();
  // Jurisdiction before the decider: a stranger must not learn what the domain would say about the unit.
  if (spec.creates) {
    const scope = openingScope(
      request.body as OpeningBody,
      vietnamDate(now.toISOString()),
      fastify.domainContext.units,
    );
    if (scope) fastify.authorize(request, principal, spec.type, scope);
  }
  const command = { ...(request.body as Record<string, unknown>), type: spec.type, dossierId };
  // Opening a dossier depends on the unit's current recognition (the tier ladder, revocation), from the read model.
  const unitCode = spec.creates ? (request.body as { unitCode?: string }).unitCode : undefined;
  const unitRecognition = unitCode === undefined ? undefined : await fastify.unitRecognition(unitCode);
  const decision = decide(loaded.state, command, {
    now,
    actor,
    onBehalfOf,
    unitRecognition,
    ...fastify.domainContext,
  });
  if (!decision.ok) throw domainProblem(decision.error);

  const state = loaded.state ?? replay(decision.value);
  // The scope the domain recorded is the one that counts; it agrees with `openingScope` for every known unit.
  if (spec.creates) fastify.authorize(request, principal, spec.type, state.scope);
  const events = toNewEvents(decision.value, {
    actor,
    onBehalfOf,
    correlationId: correlationIdOf(request),
    causationId: request.id,
    occurredAt: now.toISOString(),
    workflow: state.workflow,
    eventId,
  });
  const result = await fastify.store
    .append(loaded.streamId, events, { expectedRevision })
    .catch((error: unknown) => {
      // The cached state was not current (another process wrote): read the stream and judge the request again.
      if (cached && error instanceof WrongExpectedRevisionError)
        return execute(fastify, spec, request, principal, key, true).then((answer) => ({ answer }));
      throw error;
    });
  if ('answer' in result) return result.answer;
  if (result.written === events.length) {
    const after = loaded.state ? events.reduce((folded, e) => evolve(folded, e), loaded.state) : state;
    fastify.dossiers.remember(loaded.streamId, result.nextExpectedRevision, after);
  }
  await fastify.notifyAppended({
    streamId: loaded.streamId,
    revision: result.nextExpectedRevision,
    position: result.position,
  });
  return {
    status: spec.creates ? 201 : 200,
    headers: {
      etag: etagOf(result.nextExpectedRevision),
      ...(spec.creates ? { location: `/dossiers/${dossierId}` } : {}),
    },
    body: {
      dossierId,
      revision: Number(result.nextExpectedRevision),
      events: events.map((e) => ({
        eventId: e.eventId,
        type: e.type,
        fromState: e.metadata.fromState,
        toState: e.metadata.toState,
      })),
    },
  };
}

/** This request's own events at `from`, when a crash kept it from answering; undefined when they are not there. */
async function ownEvents(
  fastify: FastifyInstance,
  streamId: string,
  from: bigint,
  eventId: (index: number) => string,
): Promise<RecordedEvent[] | undefined> {
  const events = await fastify.store.readStream(streamId, { fromRevision: from });
  const mine: RecordedEvent[] = [];
  for (const event of events) {
    if (event.eventId !== eventId(mine.length)) break;
    mine.push(event);
  }
  return mine.length > 0 ? mine : undefined;
}

/** The answer to a request whose events are already in the stream (a retry after a crash). */
function answerFrom(spec: CommandSpec, dossierId: string, mine: RecordedEvent[]): StoredResponse {
  const last = mine.at(-1)!;
  return {
    status: spec.creates ? 201 : 200,
    headers: { etag: etagOf(last.revision), 'idempotent-replayed': 'true' },
    body: {
      dossierId,
      revision: Number(last.revision),
      events: mine.map((e) => ({
        eventId: e.eventId,
        type: e.type,
        fromState: e.metadata.fromState,
        toState: e.metadata.toState,
      })),
    },
  };
}

export default commandRoutes;

interface OpeningBody {
  unitCode: string;
  communeCode?: string;
}

/** Where a dossier about to be opened will sit, from the unit registry; undefined for a unit it does not know. */
function openingScope(body: OpeningBody, today: string, units: UnitRegistry): DossierScope | undefined {
  const communeCode = body.communeCode ?? body.unitCode.split('-')[0]!;
  try {
    if (!units.get(communeCode, today)) return undefined;
    return {
      unitCode: body.unitCode,
      communeCode,
      districtCode: units.districtOf(communeCode, today)?.code,
      provinceCode: units.provinceOf(communeCode, today).code,
    };
  } catch {
    // An unknown unit: the decider refuses it with its own code.
    return undefined;
  }
}
