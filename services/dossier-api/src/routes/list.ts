/**
 * The read routes, over the projections' read models: the dossier list (`GET /dossiers`), the inbox, the
 * deadlines, a unit's recognition history and progress against the plan (`/read/...`). Each route has a zod
 * schema for its query (so bad parameters are a 400 problem from the one error handler, and the routes appear in
 * the OpenAPI document), and shows exactly the dossiers the caller may read: the policy's `readFilterFor` (the
 * same answer as `can(actor, 'read', …)`, reform successors and merged units included) is applied to every read
 * model through the rows' dossier (docs/adr/0014). Read models trail the log by the projection lag; the dossier
 * itself (`GET /dossiers/{id}`) is always read from its stream.
 */
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readFilterFor } from '@ntm/auth';
import {
  queryDeadlines,
  queryDossiers,
  queryInbox,
  queryProgress,
  queryUnitRecognition,
} from '@ntm/projections';
import type { FastifyRequest } from 'fastify';
import { problems } from '../problems.js';

const PREFIX = 'dossier-';

/** A filter value: an official code, a role, a step or a kind (what the read models hold). */
const Code = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/);
const paging = {
  order: z.enum(['asc', 'desc']).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional()
    .describe('1 to 500, default 50'),
  offset: z
    .string()
    .regex(/^\d{1,7}$/)
    .optional(),
  after: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/)
    .optional()
    .describe("keyset paging: the previous page's next (not with offset); the same sort and filters"),
};

const DossierListQuery = z.strictObject({
  kind: Code.optional(),
  tier: Code.optional(),
  status: Code.optional(),
  step: Code.optional(),
  year: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  unitCode: Code.optional(),
  communeCode: Code.optional(),
  districtCode: Code.optional(),
  provinceCode: Code.optional(),
  dossierCode: Code.optional().describe('mã hồ sơ, e.g. 19-250826-0001'),
  sort: z.enum(['updatedAt', 'openedAt', 'unitCode', 'year', 'step', 'dossierCode']).optional(),
  ...paging,
});

const InboxQuery = z.strictObject({
  role: Code.optional(),
  unitCode: Code.optional().describe('the unit that acts'),
  kind: Code.optional(),
  step: Code.optional(),
  provinceCode: Code.optional().describe('the province of the unit that acts'),
  sort: z.enum(['waitingSince', 'unitCode']).optional(),
  ...paging,
});

const DeadlinesQuery = z.strictObject({
  state: z.enum(['open', 'met', 'elapsed', 'suspended']).optional().describe('default open'),
  role: Code.optional(),
  unitCode: Code.optional(),
  step: Code.optional(),
  provinceCode: Code.optional(),
  overdue: z
    .enum(['true', 'false'])
    .optional()
    .describe('overdue from the day after the due day, in Vietnam, on the service clock'),
  sort: z.enum(['dueAt', 'scheduledAt']).optional(),
  ...paging,
});

const Year = z.string().regex(/^\d{4}$/);
const ProgressQuery = z.strictObject({ from: Year.optional(), to: Year.optional() });
const RecognitionQuery = z.strictObject({});
const RecognitionParams = z.strictObject({ code: Code });

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    next: z.string().optional().describe('the after of the next page; absent on the last page'),
  });

const ComplaintMark = z
  .enum(['under_complaint', 'upheld', 'annulled', 'amended'])
  .describe(
    'what a complaint did to the decision (ADR 0026): under_complaint from its acceptance until it is resolved, then its outcome',
  );
const DossierComplaint = z
  .object({
    dossierId: z.string().describe('the complaint dossier'),
    state: ComplaintMark,
    acceptedOn: z.string().nullable(),
    decisionNo: z.string().nullable().describe("the complaint decision's number"),
    decidedOn: z.string().nullable(),
  })
  .nullable();

const DossierListItem = z.object({
  dossierId: z.string(),
  dossierCode: z.string().nullable().describe('mã hồ sơ, given on the first submission'),
  kind: z.string(),
  tier: z.string().nullable(),
  unitCode: z.string(),
  communeCode: z.string(),
  districtCode: z.string().nullable(),
  provinceCode: z.string(),
  year: z.number().nullable(),
  status: z.string(),
  step: z.string(),
  stepSince: z.string(),
  revision: z.number().int(),
  criteriaMet: z.number(),
  criteriaRecorded: z.number(),
  openedAt: z.string(),
  updatedAt: z.string(),
  underComplaint: z.boolean().describe('its decision is under complaint (accepted, not yet resolved)'),
  complaint: DossierComplaint,
});

// The rows of the other read models, as stored (snake_case).
const InboxRow = z.object({
  stream_id: z.string(),
  role: z.string(),
  unit_code: z.string(),
  step: z.string(),
  waiting_since: z.string(),
  kind: z.string(),
  dossier_unit_code: z.string(),
  province_code: z.string(),
  active_from: z.string().nullable(),
  active_to: z.string().nullable(),
  dossier_code: z.string().nullable().describe('mã hồ sơ, given on the first submission'),
});
const DeadlineRow = z.object({
  stream_id: z.string(),
  deadline_id: z.string(),
  step: z.string(),
  due_at: z.string(),
  scheduled_at: z.string(),
  state: z.enum(['open', 'met', 'elapsed', 'suspended']),
  role: z.string().nullable(),
  unit_code: z.string().nullable(),
  province_code: z
    .string()
    .describe('the province of the acting unit (a successor unit after the 2025 cut-over)'),
  holder: z.string().describe("role@unit of a running deadline's row; '' when it binds no one"),
  active_from: z
    .string()
    .nullable()
    .describe('first day the row binds its unit (a successor from the cut-over)'),
  active_to: z
    .string()
    .nullable()
    .describe('last day it does (an abolished or merged-away office, the day before)'),
});
const RecognitionRow = z.object({
  stream_id: z.string(),
  revision: z.string(),
  unit_code: z.string(),
  tier: z.string(),
  outcome: z.enum(['recognised', 'refused', 'revoked']),
  decision_no: z.string().nullable(),
  decided_on: z.string(),
  year: z.number().int(),
  complaint: ComplaintMark.nullable(),
});
const Counts = {
  communesNtm: z.number().int(),
  communesAdvanced: z.number().int(),
  communesModel: z.number().int(),
  villagesNtm: z.number().int(),
};
const ProgressRow = z.object({
  year: z.number().int(),
  districtCode: z.string().nullable(),
  ...Counts,
  baseline: z.object(Counts),
  averageCriteriaMet: z.number().nullable(),
  targets: z.record(z.string(), z.number().optional()),
});

const read = (summary: string) => ({ tags: ['queries'], summary, security: [{ bearer: [] }] });

const listRoutes: FastifyPluginCallbackZod = (fastify, _opts, done) => {
  const { sql, schema } = fastify.readModels;
  const now = () => fastify.clock.now();

  /** The dossiers the caller may read, as a read-model filter; 403 for those who may read none (administrators). */
  const scopeOf = async (request: FastifyRequest) => {
    const principal = await fastify.authenticate(request);
    const filter = readFilterFor(principal.actor, { now: now(), units: fastify.domainContext.units });
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
        ...read('Dossiers the caller may read, from the dossier-list read model'),
        querystring: DossierListQuery,
        response: { 200: page(DossierListItem) },
      },
    },
    async (request) => {
      const result = await queryDossiers(sql, request.query, await scopeOf(request), schema);
      return {
        ...result,
        items: result.items.map((r) => ({
          dossierId: r.stream_id.slice(PREFIX.length),
          dossierCode: r.dossier_code,
          kind: r.kind,
          tier: r.tier,
          unitCode: r.unit_code,
          communeCode: r.commune_code,
          districtCode: r.district_code,
          provinceCode: r.province_code,
          year: r.year,
          status: r.status,
          step: r.step,
          stepSince: new Date(r.step_since).toISOString(),
          revision: Number(r.revision),
          criteriaMet: r.criteria_met,
          criteriaRecorded: r.criteria_recorded,
          openedAt: new Date(r.opened_at).toISOString(),
          updatedAt: new Date(r.updated_at).toISOString(),
          underComplaint: r.complaint?.state === 'under_complaint',
          complaint: r.complaint,
        })),
      };
    },
  );

  fastify.get(
    '/read/inbox',
    {
      schema: {
        ...read('What waits for whom, active on the service day, of the dossiers the caller may read'),
        querystring: InboxQuery,
        response: { 200: page(InboxRow) },
      },
    },
    async (request) => queryInbox(sql, request.query, await scopeOf(request), schema, now().toISOString()),
  );

  fastify.get(
    '/read/deadlines',
    {
      schema: {
        ...read('Processing deadlines (open by default) of the dossiers the caller may read'),
        querystring: DeadlinesQuery,
        response: { 200: page(DeadlineRow) },
      },
    },
    async (request) =>
      queryDeadlines(sql, request.query, now().toISOString(), await scopeOf(request), schema),
  );

  fastify.get(
    '/read/units/:code/recognition',
    {
      schema: {
        ...read(
          "A unit's recognition history from the dossiers the caller may read, and its status per tier",
        ),
        params: RecognitionParams,
        querystring: RecognitionQuery,
        response: {
          200: z.object({
            unitCode: z.string(),
            history: z.array(RecognitionRow),
            current: z.record(z.string(), RecognitionRow.nullable()),
          }),
        },
      },
    },
    async (request) => queryUnitRecognition(sql, request.params.code, await scopeOf(request), schema),
  );

  fastify.get(
    '/read/progress',
    {
      schema: {
        ...read(
          'Progress against the 2021-2025 plan: decisions the caller may read (imported history from before the engine counted apart as baseline) and the published targets',
        ),
        querystring: ProgressQuery,
        response: {
          200: z.object({
            provinceCode: z.string(),
            period: z.object({ from: z.number().int(), to: z.number().int() }),
            rows: z.array(ProgressRow),
          }),
        },
      },
    },
    async (request) => queryProgress(sql, request.query, undefined, schema, await scopeOf(request)),
  );
  done();
};

export default listRoutes;
