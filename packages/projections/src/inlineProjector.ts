/**
 * Embedded mode has no Redis: the API calls `onAppended` after each append and the same batched catch-up runs
 * in-process (`createCatchUpBatcher`: the appends that arrive while a batch is written go into the next one, and a
 * stream is never caught up twice at once, which would make one of the two write for nothing and read again). On
 * start, `catchUpAll` walks the log once so that appends made while the process was down (or a crash between
 * append and projection) are projected before the API serves reads.
 */
import type { AppendedEvent, EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { createCatchUpBatcher } from './batcher.js';
import { parkStream } from './catchUpStream.js';
import { DEFAULT_SCHEMA } from './projection.js';
import { ProjectionError } from './errors.js';
import { migrateReadModels } from './readModels.js';

export interface InlineProjector {
  /**
   * Projects `streamId` up to its head (`revision`, which callers have at hand, is not needed), or up to the end of
   * `appended`, the events the caller has just appended, which are folded without reading the stream or its
   * checkpoint when they follow the checkpoint this projector last wrote (ADR 0041). Never rejects for a poison
   * event: the stream is parked.
   */
  onAppended(streamId: string, revision?: bigint, appended?: readonly AppendedEvent[]): Promise<void>;
  /** Projects every stream that is behind the log. */
  catchUpAll(): Promise<void>;
}

export interface InlineProjectorOptions {
  /** default "read_models" */
  schema?: string;
  /** clock for parked_at; default the system clock */
  now?: () => string;
}

/** Creates the in-process projector (after creating the read-model schema if needed). */
export async function createInlineProjector(
  store: EventStore,
  sql: SqlClient,
  options: InlineProjectorOptions = {},
): Promise<InlineProjector> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const now = options.now ?? (() => new Date().toISOString());
  await migrateReadModels(sql, schema);

  const batcher = createCatchUpBatcher(store, sql, { schema });
  const onAppended = async (
    streamId: string,
    _revision?: bigint,
    appended?: readonly AppendedEvent[],
  ): Promise<void> => {
    try {
      await batcher.catchUp(streamId, appended);
    } catch (error) {
      if (!(error instanceof ProjectionError)) throw error;
      if (error.code === 'POISON_EVENT') {
        const revision = error.details.revision === undefined ? undefined : BigInt(error.details.revision);
        await parkStream(
          sql,
          streamId,
          { code: error.code, message: error.message, revision },
          { schema, now },
        );
      }
    }
  };

  return {
    onAppended,
    async catchUpAll() {
      let after = 0n;
      for (;;) {
        const page = await store.readAll({ after, limit: 5000 });
        for (const streamId of new Set(page.events.map((e) => e.streamId))) await onAppended(streamId);
        after = page.nextAfter;
        if (page.isEnd) return;
      }
    },
  };
}
