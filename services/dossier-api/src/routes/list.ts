/**
 * Lists from the projections' read models: `GET /dossiers` here, and the projections' own read routes
 * (`/read/dossiers`, `/read/inbox`, `/read/deadlines`, `/read/units/{code}/recognition`, `/read/progress`) with
 * the caller's jurisdiction applied as mandatory filters. Read models trail the log by the projection lag; the
 * dossier itself (`GET /dossiers/{id}`) is always read from its stream.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readFilterFor, type Principal } from '@ntm/auth';
import { queryDossiers, readModelRoutes, type ReadScope } from '@ntm/projections';
import type { FastifyRequest } from 'fastify';
import { problems } from '../problems.js';

const PREFIX = 'dossier-';

const DossierListQuery = z.strictObject({
  kind: z.string().optional(),
  tier: z.string().optional(),
  status: z.string().optional(),
  step: z.string().optional(),
  year: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  unitCode: z.string().optional(),
  communeCode: z.string().optional(),
  districtCode: z.string().optional(),
  provinceCode: z.string().optional(),
  sort: z.enum(['updatedAt', 'openedAt', 'unitCode', 'year', 'step']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional(),
  offset: z
    .string()
    .regex(/^\d{1,7}$/)
    .optional(),
});

const DossierListItem = z.object({
  dossierId: z.string(),
  kind: z.string(),
  tier: z.string().nullable(),
  unitCode: z.string(),
  communeCode: z.string(),
  districtCode: z.string().nullable(),
  provinceCode: z.string(),
  year: z.number().nullable(),
  status: z.string(),
  revision: z.number().int(),
  criteriaMet: z.number(),
  criteriaRecorded: z.number(),
  openedAt: z.string(),
  updatedAt: z.string(),
});

const listRoutes: FastifyPluginAsyncZod = async (fastify) => {
  /** The caller's read filter; 403 for those who may read nothing (administrators). */
  const filterOf = (request: FastifyRequest, principal: Principal) => {
    const filter = readFilterFor(principal.actor, {
      now: fastify.clock.now(),
      units: fastify.domainContext.units,
    });
    if (filter === undefined) {
      request.log.info({ actorId: principal.actor.id, reason: 'NO_READ_RIGHTS' }, 'access denied');
      throw problems.outOfJurisdiction();
    }
    return filter;
  };

  fastify.get(
    '/dossiers',
    {
      schema: {
        tags: ['queries'],
        summary: 'Dossiers the caller may read, from the dossier-list read model',
        security: [{ bearer: [] }],
        querystring: DossierListQuery,
        response: {
          200: z.object({
            items: z.array(DossierListItem),
            total: z.number().int(),
            limit: z.number().int(),
            offset: z.number().int(),
          }),
        },
      },
    },
    async (request) => {
      const principal = await fastify.authenticate(request);
      const { unitCode, ...scope } = filterOf(request, principal);
      // The caller's jurisdiction overrides any filter they sent for the same column.
      const query = { ...request.query, ...(unitCode ? { unitCode } : {}) };
      const page = await queryDossiers(fastify.readModels.sql, query, scope, fastify.readModels.schema);
      return {
        ...page,
        items: page.items.map((r) => ({
          dossierId: r.stream_id.slice(PREFIX.length),
          kind: r.kind,
          tier: r.tier,
          unitCode: r.unit_code,
          communeCode: r.commune_code,
          districtCode: r.district_code,
          provinceCode: r.province_code,
          year: r.year,
          status: r.status,
          revision: Number(r.revision),
          criteriaMet: r.criteria_met,
          criteriaRecorded: r.criteria_recorded,
          openedAt: new Date(r.opened_at).toISOString(),
          updatedAt: new Date(r.updated_at).toISOString(),
        })),
      };
    },
  );

  await fastify.register(readModelRoutes, {
    sql: fastify.readModels.sql,
    schema: fastify.readModels.schema,
    now: () => fastify.clock.now().toISOString(),
    authorize: async (request): Promise<ReadScope> => {
      const principal = await fastify.authenticate(request);
      const { unitCode, ...scope } = filterOf(request, principal);
      // These read models cannot filter by village: a village head would see the whole commune, so is refused.
      if (unitCode !== undefined) {
        request.log.info({ actorId: principal.actor.id, reason: 'VILLAGE_SCOPE' }, 'access denied');
        throw problems.outOfJurisdiction();
      }
      return scope;
    },
  });
};

export default listRoutes;
