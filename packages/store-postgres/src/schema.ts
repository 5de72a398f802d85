/** The event table, created by a migration in the store's own schema. */
import { quoteIdent } from '@ntm/sql';
import type { Migration } from '@ntm/sql';

/**
 * Migrations of the event store in `schema`. `position` is the global-log position: the appending transaction's
 * id shifted left by 20 bits plus the event's index in the batch (see PostgresEventStore for why).
 */
export function eventStoreMigrations(schema: string): Migration[] {
  const s = quoteIdent(schema);
  return [
    {
      id: '0001-events',
      up: `
        CREATE TABLE ${s}.events (
          position bigint PRIMARY KEY,
          stream_id text NOT NULL,
          revision bigint NOT NULL,
          event_id uuid NOT NULL,
          type text NOT NULL,
          schema_version integer NOT NULL,
          data jsonb NOT NULL,
          metadata jsonb NOT NULL,
          prev_hash text NOT NULL,
          hash text NOT NULL,
          recorded_at timestamptz NOT NULL,
          CONSTRAINT events_stream_revision UNIQUE (stream_id, revision),
          CONSTRAINT events_stream_event_id UNIQUE (stream_id, event_id)
        )`,
    },
  ];
}
