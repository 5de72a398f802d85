/**
 * `GET /dossiers`: the dossiers the caller may read.
 * TEMPORARY: built by scanning the global log and folding each stream, until the projections' dossier-list
 * read model is wired in here. Correct but linear in the size of the log; do not rely on it at scale.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '@ntm/auth';
import { isEngineStream } from '@ntm/event-store';
import { loadDossier } from '../dossier.js';

const PREFIX = 'dossier-';

const listRoutes: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/dossiers',
    {
      schema: {
        tags: ['queries'],
        summary: 'Dossiers the caller may read (temporary implementation: scans the log)',
        security: [{ bearer: [] }],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: {
          200: z.object({
            items: z.array(
              z.object({ dossierId: z.string(), revision: z.number().int(), status: z.unknown(), scope: z.record(z.string(), z.unknown()) }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const principal = await fastify.authenticate(request);
      const streams = new Set<string>();
      let after = 0n;
      for (;;) {
        const page = await fastify.store.readAll({ after, limit: 1000 });
        for (const e of page.events) if (isEngineStream(e.streamId) && e.revision === 0n) streams.add(e.streamId);
        after = page.nextAfter;
        if (page.isEnd) break;
      }
      const items = [];
      for (const streamId of streams) {
        const id = streamId.slice(PREFIX.length);
        const { state, revision } = await loadDossier(fastify.store, id);
        if (!state || revision === undefined || !can(principal.actor, 'read', state.scope)) continue;
        items.push({ dossierId: id, revision: Number(revision), status: state.status, scope: { ...state.scope } });
        if (items.length >= request.query.limit) break;
      }
      return { items };
    },
  );
};

export default listRoutes;
