/**
 * Counters as event streams (docs/adr/0016-numbers-from-counter-streams.md). A counter is the stream
 * `counter-<name>`: drawing number n is appending its n-th event with the expected revision n - 2 (`no_stream` for
 * the first), so the store's conditional append is the atomic increment, across every process on one store. A lost
 * race reads the head again and tries the next number: no number is given twice and none is skipped.
 *
 * A draw has a name-based id (the counter, the dossier and the purpose), so a command retried after a crash, or
 * two concurrent commands on one dossier, get the number already drawn for it instead of a new one (the store
 * acknowledges an event id already in the stream). Within one process the draws on one counter are appended one
 * batch at a time (they would only lose races to each other), each batch holding every draw that waited for the
 * one before.
 */
import {
  counterStreamId,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
} from '@ntm/event-store';
import type { NumberRequest } from '@ntm/domain';
import { uuidV5 } from './ids.js';
import { shareRoundTripsPerKey } from './roundTrips.js';

/** Type of a counter stream's events. */
export const NUMBER_DRAWN = 'NumberDrawn';
/** Draws on one counter lost to other processes before giving up (each loss means another process drew). */
const MAX_ATTEMPTS = 200;
/** Most draws of one counter appended together (the store's group insert takes up to 1,000 rows). */
const MAX_DRAWS_TOGETHER = 100;

/** What a draw records beside the number: the dossier it is for. */
export interface DrawFor {
  dossierId: string;
  metadata: EventMetadata;
}

/** A draw asked of a counter: its event id (the same for a retried draw) and what its event records. */
interface Draw {
  eventId: string;
  counter: string;
  purpose: NumberRequest['purpose'];
  draw: DrawFor;
}

/** Draws numbers from counter streams of one store. */
export class Counters {
  /**
   * Per counter stream, the draws asked while an append of that counter is in flight go out together in the next
   * (ADR 0057, through `shareRoundTripsPerKey`: ADR 0064), as consecutive events: one head read and one append for
   * all of them. One at a time, a counter gave at most one number per round trip and commit, and a burst of first
   * submissions to one province queued behind each other for hundreds of milliseconds.
   */
  private readonly drawTogetherPerCounter: (streamId: string, draw: Draw) => Promise<number>;

  constructor(private readonly store: EventStore) {
    this.drawTogetherPerCounter = shareRoundTripsPerKey(
      (streamId, draws) => this.drawBatch(streamId, draws),
      MAX_DRAWS_TOGETHER,
    );
  }

  /** Draws the next number of `request.counter` for `draw.dossierId` (the same number again for the same draw). */
  draw(request: Pick<NumberRequest, 'counter' | 'purpose'>, draw: DrawFor): Promise<number> {
    const streamId = counterStreamId(request.counter);
    const { counter, purpose } = request;
    const eventId = uuidV5(`number\n${counter}\n${draw.dossierId}\n${purpose}`);
    return this.drawTogetherPerCounter(streamId, { eventId, counter, purpose, draw });
  }

  /** The number last drawn from `counter`; 0 when none was. */
  async last(counter: string): Promise<number> {
    const head = await this.store.streamRevision(counterStreamId(counter));
    return head === undefined ? 0 : Number(head) + 1;
  }

  /** One batch of draws: draws with the same id (two concurrent commands on one dossier) are one draw, one number. */
  private async drawBatch(streamId: string, batch: Draw[]): Promise<number[]> {
    const byId = new Map<string, Draw>();
    for (const draw of batch) if (!byId.has(draw.eventId)) byId.set(draw.eventId, draw);
    const draws = [...byId.values()];
    const numbers = await this.drawTogether(streamId, draws);
    const numberOf = new Map(draws.map((draw, i) => [draw.eventId, numbers[i]!]));
    return batch.map((draw) => numberOf.get(draw.eventId)!);
  }

  /**
   * Appends one event per draw after the counter's head: the i-th draw gets the head's next number plus i. A draw
   * whose id is already in the stream (a command retried after a crash) makes a batch of several refused, as the
   * store refuses a batch that is neither a retry nor new: then each is drawn alone, and the retried one gets the
   * number it was given before.
   */
  private async drawTogether(streamId: string, draws: Draw[]): Promise<number[]> {
    let lastSeen: bigint | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = await this.store.streamRevision(streamId);
      lastSeen = head;
      const first = head === undefined ? 1 : Number(head) + 2;
      let result: AppendResult;
      try {
        result = await this.store.append(
          streamId,
          draws.map(({ eventId, counter, purpose, draw: { dossierId, metadata } }, i) => ({
            eventId,
            type: NUMBER_DRAWN,
            schemaVersion: 1,
            data: { counter, number: first + i, purpose, dossierId },
            metadata,
          })),
          { expectedRevision: head ?? 'no_stream' },
        );
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) continue;
        if (draws.length === 1) throw error;
        const alone: number[] = [];
        for (const draw of draws) alone.push(...(await this.drawTogether(streamId, [draw])));
        return alone;
      }
      // Revision r holds number r + 1, whether written now or found from an earlier draw with these ids.
      const last = Number(result.nextExpectedRevision) + 1;
      return draws.map((_, i) => last - draws.length + 1 + i);
    }
    throw new WrongExpectedRevisionError(streamId, 'a free number', lastSeen);
  }
}

const perStore = new WeakMap<EventStore, Counters>();

/** The one `Counters` of a store in this process (its queues are what keep this process's draws apart). */
export function countersOf(store: EventStore): Counters {
  let counters = perStore.get(store);
  if (!counters) {
    counters = new Counters(store);
    perStore.set(store, counters);
  }
  return counters;
}
