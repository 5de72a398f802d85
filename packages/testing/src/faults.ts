/** Fault injection around the real store, for tests of what a projector does when reads fail. */
import type { EventStore, StreamRead } from '@ntm/event-store';

/**
 * The real store, except that `readStreams` fails (as a dropped connection would) whenever it asks for
 * `streamId`; `onFailure` counts the attempts.
 */
export function failingReads(
  store: EventStore,
  streamId: string,
  onFailure: () => void = () => undefined,
): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'readStreams') {
        return (reads: readonly StreamRead[]) => {
          if (!reads.some((r) => r.streamId === streamId)) return target.readStreams(reads);
          onFailure();
          return Promise.reject(new Error('connection reset'));
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}
