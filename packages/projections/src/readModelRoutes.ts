/**
 * The read side over HTTP, as a Fastify plugin the API registers: `app.register(readModelRoutes, { sql, ... })`.
 * Authorisation stays with the API: its hook sees each request and returns the jurisdiction the caller may read
 * (applied as mandatory filters) or throws its own 401/403 error.
 */
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { SqlClient } from '@ntm/sql';
import { DEFAULT_SCHEMA } from './catchUpStream.js';
import { ProjectionError } from './errors.js';
import type { ProgressTargets } from './progressTargets.js';
import {
  queryDeadlines,
  queryDossiers,
  queryInbox,
  queryProgress,
  queryUnitRecognition,
  type Query,
  type ReadScope,
} from './queries.js';

export type ReadRoute = 'dossiers' | 'inbox' | 'recognition' | 'progress' | 'deadlines';

export interface ReadModelRoutesOptions {
  sql: SqlClient;
  /** default "read_models" */
  schema?: string;
  /** clock for "overdue"; default the system clock */
  now?: () => string;
  /** targets for /read/progress; default Bắc Kạn 2021-2025 */
  targets?: ProgressTargets;
  /** Decides who may read; returns the caller's jurisdiction (undefined = everything) or throws. */
  authorize?: (
    request: FastifyRequest,
    route: ReadRoute,
  ) => Promise<ReadScope | undefined> | ReadScope | undefined;
}

/** Registers GET /read/dossiers, /read/inbox, /read/units/:code/recognition, /read/progress, /read/deadlines. */
export const readModelRoutes: FastifyPluginCallback<ReadModelRoutesOptions> = (app, options, done) => {
  const { sql } = options;
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const now = options.now ?? (() => new Date().toISOString());

  const handle =
    (route: ReadRoute, run: (query: Query, scope: ReadScope, request: FastifyRequest) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const scope = (await options.authorize?.(request, route)) ?? {};
      try {
        return await run(request.query as Query, scope, request);
      } catch (error) {
        if (!(error instanceof ProjectionError) || error.code !== 'INVALID_QUERY') throw error;
        return reply.code(400).type('application/problem+json').send({
          type: 'about:blank',
          title: 'Invalid query',
          status: 400,
          code: error.code,
          detail: error.message,
        });
      }
    };

  app.get(
    '/read/dossiers',
    handle('dossiers', (query, scope) => queryDossiers(sql, query, scope, schema)),
  );
  app.get(
    '/read/inbox',
    handle('inbox', (query, scope) => queryInbox(sql, query, scope, schema, now())),
  );
  app.get(
    '/read/deadlines',
    handle('deadlines', (query, scope) => queryDeadlines(sql, query, now(), scope, schema)),
  );
  app.get(
    '/read/units/:code/recognition',
    handle('recognition', (_query, scope, request) =>
      queryUnitRecognition(sql, (request.params as { code: string }).code, scope, schema),
    ),
  );
  app.get(
    '/read/progress',
    handle('progress', (query) => queryProgress(sql, query, options.targets, schema)),
  );
  done();
};
