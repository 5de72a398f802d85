/**
 * Folded states of recently used dossiers, and the check that what is folded is the log as written. Events never
 * change, so a cached state at revision N plus the events after N is the current state: a read costs one small
 * query and the fold of the new events instead of a replay of the whole stream.
 *
 * Every event read here is checked against the hash chain before it is folded: its own hash, its link to the event
 * before it, and no gap. A cached entry keeps the hash of its last event, and a read on top of the cache reads that
 * event again (one row more) so that an edit of the head, where the next command would chain on, is caught too. A
 * broken chain throws `ChainBrokenError`, so nothing is decided or written on a log altered outside the engine.
 */
import {
  dossierStreamId,
  hashEvent,
  verifyChain,
  type EventStore,
  type RecordedEvent,
} from '@ntm/event-store';
import { evolve, replay, type DossierState } from '@ntm/domain';
import { ChainBrokenError } from './errors.js';

/** A dossier's current state. `revision` and `hash` (of its last event) are undefined when it does not exist. */
export interface CurrentDossier {
  streamId: string;
  state: DossierState | undefined;
  revision: bigint | undefined;
  hash: string | undefined;
}

interface Entry {
  revision: bigint;
  state: DossierState;
  hash: string;
}

export class DossierCache {
  private readonly entries = new Map<string, Entry>();

  /** @param capacity entries kept, least recently used dropped first; default 2000 */
  constructor(private readonly capacity = 2000) {}

  /** The current state: the cached fold brought up to date from the store, every event read checked. */
  async current(store: EventStore, id: string): Promise<CurrentDossier> {
    const streamId = dossierStreamId(id);
    const cached = this.entries.get(streamId);
    if (!cached) {
      const events = await store.readStream(streamId);
      if (events.length === 0) return { streamId, state: undefined, revision: undefined, hash: undefined };
      const verdict = verifyChain(events);
      if (!verdict.ok) {
        const before = events.filter((e) => e.revision < verdict.firstBadRevision);
        const trusted = before.length > 0 ? replay(before) : undefined;
        throw new ChainBrokenError(streamId, verdict.firstBadRevision, verdict.reason, trusted);
      }
      const last = events.at(-1)!;
      const state = replay(events);
      this.remember(streamId, last.revision, state, last.hash);
      return { streamId, state, revision: last.revision, hash: last.hash };
    }
    const read = await store.readStream(streamId, { fromRevision: cached.revision });
    const checked = checkTail(streamId, cached, read);
    if (checked instanceof ChainBrokenError) {
      // Dropped, so that no command takes the `If-Match` shortcut on it: every use reads (and refuses) again.
      this.entries.delete(streamId);
      throw checked;
    }
    const { state, previous } = checked;
    this.remember(streamId, previous.revision, state, previous.hash);
    return { streamId, state, revision: previous.revision, hash: previous.hash };
  }

  /**
   * The cached state when it is exactly at `revision`, without asking the store. Only for a command that names
   * that revision (`If-Match`): its conditional append then proves the state was current, and fails if it was not.
   */
  at(id: string, revision: bigint): CurrentDossier | undefined {
    const streamId = dossierStreamId(id);
    const cached = this.entries.get(streamId);
    if (cached?.revision !== revision) return undefined;
    return { streamId, state: cached.state, revision, hash: cached.hash };
  }

  /** Records a state known to be at `revision` with its last event's hash; never replaces a newer one. */
  remember(streamId: string, revision: bigint, state: DossierState, hash: string): void {
    const known = this.entries.get(streamId);
    if (known && known.revision > revision) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, { revision, state, hash });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** Folds the events read from the cached head on, or says where the chain breaks. */
function checkTail(
  streamId: string,
  cached: Entry,
  read: RecordedEvent[],
): { state: DossierState; previous: RecordedEvent } | ChainBrokenError {
  const [head, ...fresh] = read;
  // The head as cached must still be there, unedited, with the hash this process knows.
  if (!head || head.revision !== cached.revision)
    return new ChainBrokenError(streamId, cached.revision, 'revision_gap', cached.state);
  if (head.hash !== cached.hash || hashEvent(head) !== head.hash)
    return new ChainBrokenError(streamId, cached.revision, 'hash_mismatch', cached.state);
  let state = cached.state;
  let previous: RecordedEvent = head;
  for (const event of fresh) {
    const reason =
      event.revision !== previous.revision + 1n
        ? 'revision_gap'
        : event.prevHash !== previous.hash
          ? 'broken_link'
          : hashEvent(event) !== event.hash
            ? 'hash_mismatch'
            : undefined;
    if (reason) return new ChainBrokenError(streamId, event.revision, reason, state);
    state = evolve(state, event);
    previous = event;
  }
  return { state, previous };
}
