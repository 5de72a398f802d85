/**
 * Audit routes for auditors and the dossier's own chain of command: the full history (who, under which role, on
 * whose behalf, from which state to which), the state as it was at a revision or an instant, and the hash chain.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dossierStreamId, verifyChain } from '@ntm/event-store';
import { allowedCommands, replay } from '@ntm/domain';
import { checkJurisdiction } from '@ntm/application';
import { blobReader, exportBundle } from '@ntm/audit';
import { DOSSIER_ID, etagOf, jurisdictionOf, loadDossier } from '../dossier.js';
import { problems } from '../problems.js';
import { DossierView, jsonSafe, viewOf } from './dossiers.js';
import { verifyFiles } from './documentFiles.js';
import { verifySignedDecisions } from './documents.js';

const Params = z.object({ id: z.string().regex(DOSSIER_ID) });

const auditRoutes: FastifyPluginCallbackZod = (fastify, _opts, done) => {
  const authorize = jurisdictionOf(fastify);
  /**
   * Reads the whole stream, altered or not (these routes show a broken chain, to say where), and checks the caller
   * may audit it: not found for a caller who may not even read it, as for a dossier that does not exist. Who may
   * is judged on the events before the first one that fails the chain, never on altered ones.
   */
  async function audited(request: Parameters<typeof fastify.authenticate>[0], id: string) {
    const principal = await fastify.authenticate(request);
    const events = await fastify.store.readStream(dossierStreamId(id));
    const chain = verifyChain(events);
    const trusted = chain.ok ? events : events.filter((e) => e.revision < chain.firstBadRevision);
    if (trusted.length === 0) throw problems.dossierNotFound(id);
    checkJurisdiction({ authorize }, principal, 'audit', replay(trusted), id);
    return { principal, events, chain, revision: events.at(-1)!.revision };
  }

  fastify.get(
    '/dossiers/:id/history',
    {
      schema: {
        tags: ['audit'],
        summary: 'Every event of the dossier: when, who, role, on whose behalf, from-state, to-state, data',
        security: [{ bearer: [] }],
        params: Params,
      },
    },
    async (request, reply) => {
      const { events, revision } = await audited(request, request.params.id);
      void reply.header('etag', etagOf(revision));
      return {
        dossierId: request.params.id,
        events: events.map((e) => ({
          revision: Number(e.revision),
          eventId: e.eventId,
          type: e.type,
          schemaVersion: e.schemaVersion,
          occurredAt: e.metadata.occurredAt,
          recordedAt: e.recordedAt,
          actor: e.metadata.actor,
          onBehalfOf: e.metadata.onBehalfOf ?? null,
          fromState: e.metadata.fromState ?? null,
          toState: e.metadata.toState ?? null,
          correlationId: e.metadata.correlationId,
          data: jsonSafe(e.data),
        })),
      };
    },
  );

  fastify.get(
    '/dossiers/:id/state',
    {
      schema: {
        tags: ['audit'],
        summary: 'The dossier as it was at a revision (?revision=N) or an instant (?at=ISO-8601)',
        security: [{ bearer: [] }],
        params: Params,
        querystring: z
          .object({
            revision: z.coerce.number().int().min(0).optional(),
            at: z.iso.datetime({ offset: true }).optional(),
          })
          .refine(
            (q) => (q.revision === undefined) !== (q.at === undefined),
            'give exactly one of revision and at',
          ),
        response: { 200: DossierView },
      },
    },
    async (request) => {
      const { principal } = await audited(request, request.params.id);
      const { revision, at } = request.query;
      const past = await loadDossier(fastify.store, request.params.id, {
        ...(revision !== undefined ? { revision: BigInt(revision) } : {}),
        ...(at !== undefined ? { at: new Date(at).toISOString() } : {}),
      });
      if (past.state === undefined || past.revision === undefined)
        throw problems.dossierNotFound(request.params.id);
      return viewOf(
        request.params.id,
        past.revision,
        past.state,
        allowedCommands(past.state, principal.actor),
        principal.actor,
      );
    },
  );

  fastify.get(
    '/dossiers/:id/verify',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Checks the hash chain of the dossier (names the first event that fails) and every document file its events name (present, same size, same SHA-256)',
        security: [{ bearer: [] }],
        params: Params,
      },
    },
    async (request) => {
      const { events, chain } = await audited(request, request.params.id);
      // Without a blob store the files cannot be checked: said so (null), never reported as fine.
      const files = fastify.blobs ? await verifyFiles(fastify.blobs, events) : null;
      // The signed decision: its stored file against its event, and its signature verified again (ADR 0028).
      const signedDecisions = fastify.blobs
        ? await verifySignedDecisions(fastify.blobs, events, fastify.documentSigner, fastify.clock.now())
        : null;
      return {
        dossierId: request.params.id,
        events: events.length,
        ...(jsonSafe(chain) as object),
        ok: chain.ok && files?.ok !== false && signedDecisions?.ok !== false,
        files,
        signedDecisions,
      };
    },
  );
  fastify.get(
    '/dossiers/:id/audit-bundle',
    {
      schema: {
        tags: ['audit'],
        summary:
          'A signed audit bundle (application/x-tar): the events as stored, the document files they reference, the pinned workflow and rule set, a manifest and its Ed25519 JWS; verify it offline with ntm-audit-verify',
        security: [{ bearer: [] }],
        params: Params,
      },
    },
    async (request, reply) => {
      const { events } = await audited(request, request.params.id);
      const signer = fastify.auditSigner;
      if (!signer) throw problems.auditKeysUnavailable();
      const bundle = await exportBundle({
        dossierId: request.params.id,
        events,
        signer,
        exportedAt: fastify.clock.now(),
        // The files themselves, verified offline against the hashes the events recorded.
        readDocument: fastify.blobs ? blobReader(fastify.blobs) : undefined,
      });
      return reply
        .type('application/x-tar')
        .header('content-disposition', `attachment; filename="dossier-${request.params.id}.audit.tar"`)
        .send(bundle);
    },
  );

  fastify.get(
    '/audit/checkpoints',
    {
      schema: {
        tags: ['audit'],
        summary:
          'The signed checkpoints of the global log (Merkle root and count up to a position, chained, Ed25519 JWS), oldest first: the feed a province publishes or hands to a witness',
        querystring: z.object({
          after: z.coerce.number().int().min(0).max(2_147_483_647).default(0),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
    },
    async (request) => {
      const auditLog = fastify.auditLog;
      if (!auditLog) throw problems.auditKeysUnavailable();
      return {
        checkpoints: await auditLog.checkpoints.list({
          afterSeq: request.query.after,
          limit: request.query.limit,
        }),
      };
    },
  );

  fastify.get(
    '/.well-known/ntm-audit-keys.json',
    {
      schema: {
        tags: ['audit'],
        summary:
          'The public keys that sign audit bundles and log checkpoints (JWKS with validity periods; retired keys stay listed)',
      },
    },
    async (_request, reply) => {
      const signer = fastify.auditSigner;
      if (!signer) throw problems.auditKeysUnavailable();
      return reply.header('cache-control', 'public, max-age=300').send(signer.published);
    },
  );
  done();
};

export default auditRoutes;
