/**
 * Command routes, generated from the contracts' COMMAND_SPECS: `POST /dossiers` for the creating command,
 * `POST /dossiers/{id}/{slug}` for the others, except the system's own commands (`ElapseDeadline`: only the
 * deadline worker issues it, inside the service) and uploads (`AttachDocumentFile`: `routes/documentFiles.ts`). HTTP only: authenticate →
 * `If-Match` → idempotency record → the
 * application's command handler (`@ntm/application`, ADR 0012) → the answer as stored and sent.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { validatorCompiler, FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COMMAND_SPECS, type CommandSpec, type ComplaintFiling } from '@ntm/contracts';
import { commandHandler, principalScope, SYSTEM_COMMANDS, type CommandResult } from '@ntm/application';
import { commandPortsOf, DOSSIER_ID, etagOf, parseIfMatch } from '../dossier.js';
import { fingerprintOf, type StoredResponse } from '../idempotency.js';
import { problems } from '../problems.js';
import { correlationIdOf } from '../plugins/requestContext.js';
import { quickValidatorCompiler } from '../quickValidation.js';

const CommandHeaderFields = {
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
};
const CommandHeaders = z.looseObject(CommandHeaderFields);

/**
 * The headers' check: the three the schema names, judged by their compiled check and, when it is not sure, by zod as
 * the schema judges them (the same problem on a bad one), while the request keeps its own headers. Validating the whole object copied every header, and replacing
 * `request.headers` with the copy made Fastify copy them again on every later read of `request.headers`.
 */
type ZodRouteSchema = Parameters<typeof validatorCompiler>[0];
const checkHeaderFields = quickValidatorCompiler({
  schema: z.object(CommandHeaderFields),
  method: 'POST',
  url: '/dossiers',
  httpPart: 'headers',
});
export function validateCommandHeaders(
  headers: Record<string, unknown>,
): ReturnType<typeof checkHeaderFields> {
  const result = checkHeaderFields({
    'if-match': headers['if-match'],
    'idempotency-key': headers['idempotency-key'],
    'x-correlation-id': headers['x-correlation-id'],
  });
  return typeof result === 'object' && 'error' in result ? result : true;
}

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
  const handle = commandHandler(commandPortsOf(fastify));
  for (const spec of COMMAND_SPECS.filter((s) => !SYSTEM_COMMANDS.has(s.type) && s.upload !== true)) {
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
      // The schema above documents the reply (OpenAPI); the reply is written by `serializeCommandReply`.
      serializerCompiler: () => serializeCommandReply,
      validatorCompiler: (route) =>
        route.httpPart === 'headers'
          ? validateCommandHeaders
          : quickValidatorCompiler(route as unknown as ZodRouteSchema),
      // Authenticate before the body is parsed or validated: an anonymous caller learns nothing but 401.
      // The verified token is cached, so the handler's own call below costs no second signature check.
      onRequest: async (request) => {
        await fastify.authenticate(request);
      },
      handler: (request, reply) => handleCommand(fastify, handle, spec, request, reply),
    });
  }
  done();
};

/**
 * The reply's JSON, with exactly the fields of `CommandReply` (fast-json-stringify's way: unknown fields are dropped).
 * Every body is built by `responseOf` (or stored from it) in that shape, so the zod serializer's check of it against
 * its own schema on every reply, 2 % of the service's CPU, bought nothing.
 */
export function serializeCommandReply(payload: unknown): string {
  const body = payload as z.infer<typeof CommandReply>;
  return JSON.stringify({
    dossierId: body.dossierId,
    revision: body.revision,
    events: body.events.map((e) => ({
      eventId: e.eventId,
      type: e.type,
      fromState: e.fromState,
      toState: e.toState,
    })),
  });
}

type Handle = ReturnType<typeof commandHandler>;

async function handleCommand(
  fastify: FastifyInstance,
  handle: Handle,
  spec: CommandSpec,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const principal = await fastify.authenticate(request);
  const headers = request.headers as { 'if-match'?: string; 'idempotency-key'?: string };
  const key = headers['idempotency-key'];
  const params = request.params as { id?: string };
  // The precondition is HTTP's: checked before anything is read.
  let expectedRevision: bigint | undefined;
  if (!spec.creates) {
    if (headers['if-match'] === undefined) throw problems.ifMatchRequired();
    expectedRevision = parseIfMatch(headers['if-match']);
    if (expectedRevision === undefined) throw problems.ifMatchMalformed();
  }
  const execute = async (): Promise<StoredResponse> =>
    keepingReason(fastify, spec, params.id, principal.actor.id, request.body, () =>
      keepingComplaint(fastify, request.body, async () =>
        responseOf(
          spec,
          await handle(principal, {
            type: spec.type,
            dossierId: params.id,
            body: request.body as Record<string, unknown>,
            expectedRevision,
            idempotencyKey: key,
            correlationId: correlationIdOf(request),
            causationId: request.id,
          }),
        ),
      ),
    );
  if (key === undefined) return send(reply, await execute());

  // The record belongs to the whole principal (user, role, unit, delegation): a token with the same user id but
  // other rights never gets another identity's answer replayed; it runs the request, and its own checks.
  const owner = principalScope(principal);
  const fingerprint = fingerprintOf({
    route: `${spec.type} ${params.id ?? ''}`,
    ifMatch: headers['if-match'],
    body: request.body,
  });
  const reservation = await fastify.idempotency.reserveOrWait(key, owner, fingerprint);
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
    const response = await fastify.idempotency.whileHeld(key, owner, token, execute);
    await fastify.idempotency.complete(key, owner, response);
    return send(reply, response);
  } catch (error) {
    // Only successes are remembered: a refused request changed nothing, so running it again is harmless. A
    // release that fails (database away) leaves the key to its lease.
    await fastify.idempotency.release(key, owner, token).catch(() => undefined);
    throw error;
  }
}

/**
 * A council member's reason is personal data: its text goes to the erasable table before the command is decided
 * (the event carries only its hash), and is forgotten again when the command is refused (ADR 0022).
 */
async function keepingReason<T>(
  fastify: FastifyInstance,
  spec: CommandSpec,
  dossierId: string | undefined,
  memberId: string,
  body: unknown,
  run: () => Promise<T>,
): Promise<T> {
  const reason = (body as { reason?: unknown }).reason;
  const kind =
    spec.type === 'CastCouncilVote' ? 'vote' : spec.type === 'RecuseFromCouncil' ? 'recusal' : undefined;
  if (kind === undefined || typeof reason !== 'string' || dossierId === undefined) return run();
  const text = reason.trim();
  const kept = await fastify.councilReasons.keep(dossierId, memberId, kind, text);
  try {
    return await run();
  } catch (error) {
    if (kept) await fastify.councilReasons.forget(dossierId, memberId, kind, text).catch(() => undefined);
    throw error;
  }
}

/**
 * Who complains and why is personal data: kept in the erasable table before the complaint is decided (the event
 * carries only the hashes), forgotten again when it is refused.
 */
async function keepingComplaint<T>(
  fastify: FastifyInstance,
  body: unknown,
  run: () => Promise<T>,
): Promise<T> {
  const filing = (body as { complaint?: ComplaintFiling }).complaint;
  if (filing === undefined) return run();
  const kept = await fastify.complaintDetails.keep(filing);
  try {
    return await run();
  } catch (error) {
    if (kept.length > 0) await fastify.complaintDetails.forget(kept).catch(() => undefined);
    throw error;
  }
}

// Sent, not returned: the stored body is already the serialised reply shape.
function send(reply: FastifyReply, response: StoredResponse): void {
  void reply.code(response.status).headers(response.headers).send(response.body);
}

/** The handler's answer as HTTP sends (and the idempotency record stores) it. */
function responseOf(spec: CommandSpec, result: CommandResult): StoredResponse {
  return {
    status: spec.creates ? 201 : 200,
    headers: {
      etag: etagOf(result.revision),
      ...(spec.creates && !result.replayed ? { location: `/dossiers/${result.dossierId}` } : {}),
      ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}),
    },
    body: { dossierId: result.dossierId, revision: Number(result.revision), events: result.events },
  };
}

export default commandRoutes;
