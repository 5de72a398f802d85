/**
 * Projection lag, measured from what is durable: the head of the log, the dispatcher's two positions, and the
 * oldest event not yet projected. Any process with the store and the SQL client can report it.
 */
import type { EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { q } from '@ntm/projections';

export interface ProjectionLag {
  head: bigint;
  handedOn: bigint;
  confirmed: bigint;
  /** events after `confirmed` */
  lagEvents: bigint;
  /** seconds since the first event after `confirmed` was recorded; 0 when caught up */
  lagSeconds: number;
  parkedStreams: number;
}

export async function measureLag(
  store: EventStore,
  sql: SqlClient,
  schema: string,
  now: () => Date,
): Promise<ProjectionLag> {
  const s = q(schema);
  const [head, state, parked] = await Promise.all([
    store.headPosition(),
    sql.query<{ handed_on: string; confirmed: string }>(
      `SELECT handed_on::text AS handed_on, confirmed::text AS confirmed FROM ${s}.dispatcher_state WHERE name = 'default'`,
    ),
    sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.parked_streams`),
  ]);
  const handedOn = BigInt(state.rows[0]?.handed_on ?? '0');
  const confirmed = BigInt(state.rows[0]?.confirmed ?? '0');
  let lagSeconds = 0;
  if (head > confirmed) {
    const next = await store.readAll({ after: confirmed, limit: 1 });
    const first = next.events[0];
    if (first) lagSeconds = Math.max(0, (now().getTime() - Date.parse(first.recordedAt)) / 1000);
  }
  return {
    head,
    handedOn,
    confirmed,
    lagEvents: head - confirmed,
    lagSeconds,
    parkedStreams: parked.rows[0]!.n,
  };
}
