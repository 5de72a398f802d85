/** The event table, created by a migration in the store's own schema. */
import { quoteIdent } from '@ntm/sql';
import type { Migration } from '@ntm/sql';

/**
 * First key of the advisory lock every append transaction holds (shared) from before it has a transaction id
 * until it ends; the second key is `hashtext(schema)`. Differs from the migration lock's namespace (0x4e544d).
 */
export const APPEND_LOCK_NAMESPACE = 0x4e544d45;

/** SQLSTATE raised when an append comes after another write in the same transaction (see the migration). */
export const APPEND_NOT_FIRST_SQLSTATE = 'NTM01';

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
    {
      // The id used in positions. Readers are held back only by transactions holding the append lock, so the
      // lock must be taken BEFORE the transaction gets its id. An append that follows another write in the same
      // transaction (id already assigned) is refused rather than risk a skipped event. (A second append in one
      // transaction is impossible anyway: it would reuse the first one's positions.)
      id: '0002-append-transaction-id',
      up: `
        CREATE FUNCTION ${s}.append_transaction_id() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $fn$
        BEGIN
          IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
            RAISE EXCEPTION 'an append must be the first write of its transaction'
              USING ERRCODE = '${APPEND_NOT_FIRST_SQLSTATE}';
          END IF;
          PERFORM pg_advisory_xact_lock_shared(${APPEND_LOCK_NAMESPACE}, hashtext('${schema}'));
          RETURN pg_current_xact_id()::text::bigint;
        END
        $fn$`,
    },
    {
      // The same rule as one SQL expression, so that the planner inlines it into the INSERT (a single SELECT of a
      // LANGUAGE sql function is inlined, even VOLATILE): no PL/pgSQL call and no SPI executor for the lock's
      // PERFORM on every append. Counted with callgrind on PostgreSQL 15, single-row INSERT ... RETURNING: the
      // PL/pgSQL function added about 21,000 instructions per insert, this one 9,000 (the lock itself about 6,000).
      // CASE evaluates its branches in order and only as far as needed (documented), so the check still comes
      // first and the lock still comes before the id; `IS NULL` of the lock's void result is always false, it only
      // makes the lock a condition. The error is raised by a PL/pgSQL function reached only on that branch.
      id: '0003-append-transaction-id-inlined',
      up: `
        CREATE FUNCTION ${s}.append_not_first() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $fn$
        BEGIN
          RAISE EXCEPTION 'an append must be the first write of its transaction'
            USING ERRCODE = '${APPEND_NOT_FIRST_SQLSTATE}';
        END
        $fn$;
        CREATE OR REPLACE FUNCTION ${s}.append_transaction_id() RETURNS bigint LANGUAGE sql VOLATILE AS $fn$
          SELECT CASE
            WHEN pg_current_xact_id_if_assigned() IS NOT NULL THEN ${s}.append_not_first()
            WHEN pg_advisory_xact_lock_shared(${APPEND_LOCK_NAMESPACE}, hashtext('${schema}')) IS NULL THEN NULL
            ELSE pg_current_xact_id()::text::bigint
          END
        $fn$`,
    },
  ];
}
