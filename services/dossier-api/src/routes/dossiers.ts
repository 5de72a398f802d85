/**
 * Reads: one dossier's current state from its stream (with what the caller may do next), and read-your-writes
 * through `minRevision` + `waitMs`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dossierStreamId } from '@ntm/event-store';
import {
  issuableCommands,
  checklistStatus,
  councilTally,
  type DomainActor,
  type DossierState,
} from '@ntm/domain';
import { dossierFor } from '@ntm/application';
import { queryDossierComplaint } from '@ntm/projections';
import { commandPortsOf, DOSSIER_ID, etagOf } from '../dossier.js';
import { problems } from '../problems.js';

/** Longest a read may wait for a revision to become visible. */
export const MAX_WAIT_MS = 5000;

/**
 * Converts a domain value to JSON-safe data as JSON.stringify would see it (bigints become strings). A walk, not a
 * stringify-and-parse round trip: that round trip was the API's largest own cost on every read.
 */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return jsonSafe((toJSON as () => unknown).call(value));
  if (Array.isArray(value)) return value.map((v: unknown) => (v === undefined ? null : jsonSafe(v)));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined && typeof v !== 'function') out[k] = jsonSafe(v);
  }
  return out;
}

export const DossierView = z.looseObject({
  dossierId: z.string(),
  revision: z.number().int(),
  state: z.record(z.string(), z.unknown()),
  allowedCommands: z.array(z.string()),
  underComplaint: z
    .boolean()
    .optional()
    .describe(
      'its decision is under complaint: a complaint dossier was accepted and is not yet resolved (absent from the audit routes)',
    ),
  complaint: z
    .object({
      dossierId: z.string(),
      state: z.enum(['under_complaint', 'upheld', 'annulled', 'amended']),
      acceptedOn: z.string().nullable(),
      decisionNo: z.string().nullable(),
      decidedOn: z.string().nullable(),
    })
    .nullable()
    .optional()
    .describe(
      'the complaint that marks its decision, from the complaints read model (it trails the log by the projection lag; ADR 0026)',
    ),
  councilBallot: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'the open council ballot: votes cast and quorum for every reader; counts and who voted for the secretary and auditors; their own vote for a member (ADR 0022)',
    ),
});

/**
 * The dossier as `actor` may see it. An open council ballot is shown as its tally for the actor's role, never as
 * the state's member-by-member votes (those are in the audit trail). `safe` makes the state and tally JSON-safe
 * (default `jsonSafe`); a caller that serialises with `viewJson` passes them as they are.
 */
export function viewOf(
  dossierId: string,
  revision: bigint,
  state: DossierState,
  commands: string[],
  actor: DomainActor,
  safe: (value: unknown) => unknown = jsonSafe,
) {
  const { councilBallot: _votes, ...shown } = state;
  const tally = councilTally(state, actor);
  return {
    dossierId,
    revision: Number(revision),
    state: safe(shown) as Record<string, unknown>,
    allowedCommands: commands,
    ...(tally ? { councilBallot: safe(tally) as Record<string, unknown> } : {}),
  };
}

/**
 * A view's JSON. The domain's states hold JSON values only, so JSON.stringify writes them as `jsonSafe` would have
 * them, without the copy (the walk was the read's largest own cost, ADR 0054); a value it refuses (a bigint) is
 * written through `jsonSafe` after all.
 */
export function viewJson(view: unknown): string {
  try {
    return JSON.stringify(view);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(jsonSafe(view));
  }
}

const dossierRoutes: FastifyPluginCallbackZod = (fastify, _opts, done) => {
  fastify.get(
    '/dossiers/:id',
    {
      schema: {
        tags: ['queries'],
        summary:
          'A dossier: status, step, pinned workflow, criteria, documents, open deadlines, allowed commands',
        security: [{ bearer: [] }],
        params: z.object({ id: z.string().regex(DOSSIER_ID) }),
        querystring: z.object({
          minRevision: z.coerce.number().int().min(0).optional(),
          waitMs: z.coerce.number().int().min(0).max(MAX_WAIT_MS).default(0),
        }),
        response: { 200: DossierView },
      },
      // The view is built below in the documented shape and written by `viewJson`; the zod serializer walked the
      // whole state once more to check it against a schema that lets any state through.
      serializerCompiler: () => viewJson,
    },
    async (request, reply) => {
      const principal = await fastify.authenticate(request);
      const { id } = request.params;
      const { minRevision, waitMs } = request.query;
      const ports = commandPortsOf(fastify, request.log);
      // Jurisdiction first, and a dossier the caller may not read is not found, exactly as one that does not
      // exist: only a reader ever waits, so the time of the answer tells an outsider nothing.
      let loaded = await dossierFor(ports, principal, 'read', id);
      if (minRevision !== undefined && waitMs > 0 && loaded.revision < BigInt(minRevision)) {
        // Bounded read-your-writes: poll the cheap revision probe until the revision is visible or time is up.
        const streamId = dossierStreamId(id);
        const until = Date.now() + waitMs;
        while (
          ((await fastify.store.streamRevision(streamId)) ?? -1n) < BigInt(minRevision) &&
          Date.now() < until
        ) {
          await delay(15);
        }
        loaded = await dossierFor(ports, principal, 'read', id);
      }
      void reply.header('etag', etagOf(loaded.revision));
      // A complaint is about a decision (the domain refuses one against a dossier without; its row names the
      // decision's number), and a decision, once folded, stays in the state: a dossier without one has no complaint
      // to show, and the read model is not asked (most reads, a statement each: ADR 0047).
      const complaint =
        loaded.state.decision === undefined
          ? null
          : await queryDossierComplaint(
              fastify.readModels.sql,
              dossierStreamId(id),
              fastify.readModels.schema,
            );
      return {
        ...viewOf(
          id,
          loaded.revision,
          loaded.state,
          issuableCommands(loaded.state, principal.actor, fastify.clock.now()),
          principal.actor,
          asItIs,
        ),
        underComplaint: complaint?.state === 'under_complaint',
        complaint,
      };
    },
  );
  fastify.get(
    '/dossiers/:id/checklist',
    {
      schema: {
        tags: ['queries'],
        summary:
          'The documents each step of the dossier’s workflow requires, with their legal basis and confirmed flag, and which are present',
        description:
          'Danh mục tài liệu bắt buộc theo từng bước. A step listed with `complete: false` is refused with ' +
          'CHECKLIST_INCOMPLETE, naming the missing kinds.',
        security: [{ bearer: [] }],
        params: z.object({ id: z.string().regex(DOSSIER_ID) }),
        response: {
          200: z.object({
            dossierId: z.string(),
            revision: z.number().int(),
            steps: z.array(
              z.object({
                command: z.string(),
                complete: z.boolean(),
                items: z.array(
                  z.object({
                    documentKind: z.string(),
                    legalBasis: z.string(),
                    confirmed: z.boolean(),
                    note: z.string().optional(),
                    documentIds: z.array(z.string()),
                  }),
                ),
              }),
            ),
          }),
        },
      },
    },
    async (request, reply) => {
      const principal = await fastify.authenticate(request);
      const { id } = request.params;
      const loaded = await dossierFor(commandPortsOf(fastify, request.log), principal, 'read', id);
      void reply.header('etag', etagOf(loaded.revision));
      return { dossierId: id, revision: Number(loaded.revision), steps: checklistStatus(loaded.state) };
    },
  );
  fastify.get(
    '/dossiers/:id/council/reasons',
    {
      schema: {
        tags: ['queries'],
        summary:
          "The texts of council members' vote reasons and recusals (secretary and auditors; erasable, ADR 0022)",
        security: [{ bearer: [] }],
        params: z.object({ id: z.string().regex(DOSSIER_ID) }),
        response: {
          200: z.object({
            dossierId: z.string(),
            reasons: z.array(
              z.object({
                memberId: z.string(),
                kind: z.enum(['vote', 'recusal']),
                sha256: z.string(),
                text: z.string(),
                recordedAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const principal = await fastify.authenticate(request);
      const { id } = request.params;
      await dossierFor(commandPortsOf(fastify, request.log), principal, 'read', id);
      if (!REASON_READERS.includes(principal.actor.role)) throw problems.outOfJurisdiction();
      return { dossierId: id, reasons: await fastify.councilReasons.list(id) };
    },
  );
  done();
};

const asItIs = (value: unknown) => value;

/** Who may read the reasons' texts: the secretary who keeps the minutes, and auditors. */
const REASON_READERS: readonly string[] = ['council_secretary', 'auditor'];

export default dossierRoutes;
