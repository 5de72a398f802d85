/**
 * Dữ liệu mở — the open data a province publishes on its portal, with stable URLs and no token:
 * `GET /open-data/recognitions` (JSON) and `GET /open-data/recognitions.csv`, optionally for one province and
 * one recognition year. Units recognised (and revoked) per tier and year with decision numbers and dates, and the
 * on-time rate of dossiers; no person, no dossier id, no free text (`@ntm/projections` openData.ts).
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { openRecognitionsCsv, queryOpenRecognitions } from '@ntm/projections';

const OpenDataQuery = z.strictObject({
  province: z
    .string()
    .regex(/^\d{2}$/)
    .optional()
    .describe('official province code, e.g. 19'),
  year: z
    .string()
    .regex(/^\d{4}$/)
    .optional()
    .describe('the recognition year (năm đạt chuẩn)'),
});

const Recognition = z.object({
  unitCode: z.string(),
  communeCode: z.string(),
  provinceCode: z.string(),
  kind: z.string(),
  tier: z.string(),
  outcome: z.enum(['recognised', 'revoked']),
  year: z.number().int(),
  decisionNo: z.string().nullable(),
  decidedOn: z.string(),
  underComplaint: z
    .boolean()
    .describe(
      'a complaint against the decision is accepted and unresolved; the decision applies meanwhile. A decision annulled on complaint is not listed',
    ),
});

const OpenRecognitions = z.object({
  provinceCode: z.string().nullable(),
  year: z.number().int().nullable(),
  recognitions: z.array(Recognition),
  perTierAndYear: z.array(
    z.object({
      tier: z.string(),
      year: z.number().int(),
      recognised: z.number().int(),
      revoked: z.number().int(),
    }),
  ),
  onTime: z.object({
    dossiers: z.number().int().describe('dossiers whose processing deadlines are all over'),
    onTime: z.number().int().describe('of those, dossiers that met every deadline'),
    rate: z.number().nullable(),
  }),
});

const openDataRoutes: FastifyPluginCallbackZod = (fastify, _opts, done) => {
  const { sql, schema } = fastify.readModels;
  const query = (q: z.infer<typeof OpenDataQuery>) =>
    queryOpenRecognitions(
      sql,
      { provinceCode: q.province, year: q.year === undefined ? undefined : Number(q.year) },
      schema,
    );

  fastify.get(
    '/open-data/recognitions',
    {
      schema: {
        tags: ['open data'],
        summary:
          'Units recognised and revoked per tier and year, with decision numbers and dates, and the on-time rate of dossiers (public, no personal data)',
        querystring: OpenDataQuery,
        response: { 200: OpenRecognitions },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'public, max-age=300');
      return query(request.query);
    },
  );
  fastify.get(
    '/open-data/recognitions.csv',
    {
      schema: {
        tags: ['open data'],
        summary: 'The same recognitions as CSV (text/csv, a header row), for portals and spreadsheets',
        querystring: OpenDataQuery,
      },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .header('content-disposition', 'inline; filename="ntm-recognitions.csv"')
        .send(openRecognitionsCsv(await query(request.query))),
  );
  done();
};

export default openDataRoutes;
