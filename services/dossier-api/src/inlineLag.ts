/**
 * Projection lag when the projections run in the API process (no `REDIS_URL`): there is no dispatcher keeping
 * durable positions, so the process counts the appends it has handed to its inline projector and not yet seen
 * projected. Lag in events is the head of the log minus the position before the oldest such append; in seconds,
 * how long that append has waited. It covers this process's own appends, which in embedded mode are all of them.
 */
import type { EventStore } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { q } from '@ntm/projections';
import type { ProjectionLag } from '@ntm/runtime';

/** Tracks the appends the inline projector has not finished yet. */
export class InlineLag {
  /** position of a pending append → when it was handed on (ms); a position is unique to one append */
  private readonly pending = new Map<bigint, number>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Records an append handed to the inline projector; call the returned function when it is projected. */
  begin(position: bigint): () => void {
    this.pending.set(position, this.now().getTime());
    return () => {
      this.pending.delete(position);
    };
  }

  /** The lag as it stands, with the head of `store` and the parked streams of the read-model `schema`. */
  async measure(store: EventStore, sql: SqlClient, schema: string): Promise<ProjectionLag> {
    const [head, parked] = await Promise.all([
      store.headPosition(),
      sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q(schema)}.parked_streams`),
    ]);
    let oldest: [bigint, number] | undefined;
    for (const entry of this.pending) if (oldest === undefined || entry[0] < oldest[0]) oldest = entry;
    const confirmed = oldest === undefined ? head : oldest[0] - 1n;
    return {
      head,
      // The inline projector is handed every append at once: nothing waits between the two.
      handedOn: head,
      confirmed,
      lagEvents: head > confirmed ? head - confirmed : 0n,
      lagSeconds: oldest === undefined ? 0 : Math.max(0, (this.now().getTime() - oldest[1]) / 1000),
      parkedStreams: parked.rows[0]!.n,
    };
  }
}
