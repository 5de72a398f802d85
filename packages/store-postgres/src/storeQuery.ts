/**
 * Every statement of the store goes through `storeQuery`: unique violations pass through (append decides on them),
 * the first-write rule becomes APPEND_NOT_FIRST_WRITE, any other driver failure becomes STORE_UNAVAILABLE with
 * the driver error as cause. Also the row shape of the events table and its conversion to a RecordedEvent.
 */
import { EventStoreError } from '@ntm/event-store';
import type { NewEvent, RecordedEvent } from '@ntm/event-store';
import { isUniqueViolation, sqlState } from '@ntm/sql';
import type { SqlClient } from '@ntm/sql';
import { APPEND_NOT_FIRST_SQLSTATE } from './schema.js';

/** Every statement of the store is prepared (its texts are few) except multi-row VALUES appends. */
export async function storeQuery<R>(
  sql: SqlClient,
  text: string,
  params?: readonly unknown[],
  prepare = true,
): Promise<{ rows: R[] }> {
  try {
    return await sql.query<R>(text, params, { prepare });
  } catch (error) {
    throw storeError(error);
  }
}

/**
 * What `storeQuery` makes of a driver's failure (for a caller that awaits the driver itself, in a try it has
 * anyway: the lone writer's INSERT, ADR 0062).
 */
export function storeError(error: unknown): unknown {
  if (isUniqueViolation(error)) return error;
  if (sqlState(error) === APPEND_NOT_FIRST_SQLSTATE) {
    return new EventStoreError(
      'APPEND_NOT_FIRST_WRITE',
      'an append must be the first write of its transaction: append before other writes, or outside it',
      { cause: error },
    );
  }
  return new EventStoreError('STORE_UNAVAILABLE', `event store query failed: ${String(error)}`, {
    cause: error,
  });
}

export interface EventRow {
  position: string;
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: NewEvent['data'];
  metadata: NewEvent['metadata'];
  prev_hash: string;
  hash: string;
  recorded_at: string;
}

/**
 * The select list of an EventRow from `events e`. Bigints as text (drivers differ in how they return int8);
 * ORDER BY must name e.revision / e.position, since a bare name would sort by these text aliases.
 */
export const EVENT_COLUMNS = `e.position::text AS position, e.stream_id, e.revision::text AS revision,
  e.event_id::text AS event_id, e.type, e.schema_version, e.data, e.metadata, e.prev_hash, e.hash,
  to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`;

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    prevHash: row.prev_hash,
    hash: row.hash,
    recordedAt: row.recorded_at,
  };
}
