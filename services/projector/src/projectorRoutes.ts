/**
 * Operator routes: `/metrics` (Prometheus text), `GET /projections/parked` (streams parked with their error) and
 * `DELETE /projections/parked/:streamId` (release a stream after fixing the cause; the next wake-up or the
 * `requeue` hook catches it up). Mounted by the dispatcher's own server, or by the API behind the admin role.
 */
import type { FastifyPluginCallback } from 'fastify';
import type { Queue } from 'bullmq';
import type { EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { q, unparkStream } from '@ntm/projections';
import { lagToPrometheus, measureLag } from './projectionLag.js';

export interface ProjectorRoutesOptions {
  store: EventStore;
  sql: SqlClient;
  /** default "read_models" */
  schema?: string;
  /** queues whose depth to report */
  queues?: Queue[];
  now?: () => Date;
  /** called after a stream is released, to wake it up (e.g. enqueue a wake-up or run it inline) */
  requeue?: (streamId: string) => Promise<void>;
}

export const projectorRoutes: FastifyPluginCallback<ProjectorRoutesOptions> = (app, options, done) => {
  const schema = options.schema ?? 'read_models';
  const now = options.now ?? (() => new Date());

  app.get('/metrics', async (_request, reply) => {
    const lag = await measureLag(options.store, options.sql, schema, now);
    const depths: Record<string, number> = {};
    for (const queue of options.queues ?? []) depths[queue.name] = await queue.getWaitingCount();
    return reply.type('text/plain; version=0.0.4').send(lagToPrometheus(lag, depths));
  });

  app.get('/projections/parked', async () => {
    const rows = await options.sql.query(
      `SELECT stream_id, revision::text AS revision, error_code, message, parked_at
         FROM ${q(schema)}.parked_streams ORDER BY parked_at, stream_id`,
    );
    return { items: rows.rows };
  });

  app.delete('/projections/parked/:streamId', async (request, reply) => {
    const { streamId } = request.params as { streamId: string };
    if (!(await unparkStream(options.sql, streamId, { schema }))) {
      return reply
        .code(404)
        .type('application/problem+json')
        .send({
          type: 'about:blank',
          title: 'Not parked',
          status: 404,
          code: 'STREAM_NOT_PARKED',
          detail: `stream ${streamId} is not parked`,
        });
    }
    await options.requeue?.(streamId);
    return reply.code(204).send();
  });
  done();
};
