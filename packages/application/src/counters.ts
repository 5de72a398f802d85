/**
 * Counters as event streams (docs/adr/0016-numbers-from-counter-streams.md). A counter is the stream
 * `counter-<name>`: drawing number n is appending its n-th event with the expected revision n - 2 (`no_stream` for
 * the first), so the store's conditional append is the atomic increment, across every process on one store. A lost
 * race reads the head again and tries the next number: no number is given twice and none is skipped.
 *
 * A draw has a name-based id (the counter, the dossier and the purpose), so a command retried after a crash, or
 * two concurrent commands on one dossier, get the number already drawn for it instead of a new one (the store
 * acknowledges an event id already in the stream). Within one process the draws on one counter go one at a time:
 * they would only lose races to each other.
 */
import {
  counterStreamId,
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
} from '@ntm/event-store';
import type { NumberRequest } from '@ntm/domain';
import { uuidV5 } from './ids.js';

/** Type of a counter stream's events. */
export const NUMBER_DRAWN = 'NumberDrawn';
/** Draws on one counter lost to other processes before giving up (each loss means another process drew). */
const MAX_ATTEMPTS = 200;

/** What a draw records beside the number: the dossier it is for. */
export interface DrawFor {
  dossierId: string;
  metadata: EventMetadata;
}

/** Draws numbers from counter streams of one store. */
export class Counters {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly store: EventStore) {}

  /** Draws the next number of `request.counter` for `draw.dossierId` (the same number again for the same draw). */
  draw(request: Pick<NumberRequest, 'counter' | 'purpose'>, draw: DrawFor): Promise<number> {
    const streamId = counterStreamId(request.counter);
    const previous = this.tails.get(streamId) ?? Promise.resolve();
    const next = previous.then(
      () => this.drawNow(streamId, request, draw),
      () => this.drawNow(streamId, request, draw),
    );
    this.tails.set(streamId, next);
    // Forget the queue once it is empty, so counters of past days do not pile up.
    void next.then(
      () => this.forget(streamId, next),
      () => this.forget(streamId, next),
    );
    return next;
  }

  /** The number last drawn from `counter`; 0 when none was. */
  async last(counter: string): Promise<number> {
    const head = await this.store.streamRevision(counterStreamId(counter));
    return head === undefined ? 0 : Number(head) + 1;
  }

  private forget(streamId: string, settled: Promise<unknown>): void {
    if (this.tails.get(streamId) === settled) this.tails.delete(streamId);
  }

  private async drawNow(
    streamId: string,
    { counter, purpose }: Pick<NumberRequest, 'counter' | 'purpose'>,
    { dossierId, metadata }: DrawFor,
  ): Promise<number> {
    const eventId = uuidV5(`number\n${counter}\n${dossierId}\n${purpose}`);
    let lastSeen: bigint | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = await this.store.streamRevision(streamId);
      lastSeen = head;
      const number = head === undefined ? 1 : Number(head) + 2;
      try {
        const result = await this.store.append(
          streamId,
          [
            {
              eventId,
              type: NUMBER_DRAWN,
              schemaVersion: 1,
              data: { counter, number, purpose, dossierId },
              metadata,
            },
          ],
          { expectedRevision: head ?? 'no_stream' },
        );
        // Revision r holds number r + 1, whether written now or found from an earlier draw with this id.
        return Number(result.nextExpectedRevision) + 1;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) continue;
        throw error;
      }
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
