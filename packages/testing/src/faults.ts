/** The real store with some of its methods replaced: fault injection, and calls counted or inspected. */
import type { EventStore, StreamRead } from '@ntm/event-store';

/**
 * `store` with the methods in `overrides` in place of its own; every other member is the store's (methods bound to
 * it). An override may call the store's own method on `store`.
 */
export function storeWith(store: EventStore, overrides: Partial<EventStore>): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof EventStore];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

/**
 * The real store, except that `readStreams` fails (as a dropped connection would) whenever it asks for
 * `streamId`; `onFailure` counts the attempts.
 */
export function failingReads(
  store: EventStore,
  streamId: string,
  onFailure: () => void = () => undefined,
): EventStore {
  return storeWith(store, {
    readStreams: (reads: readonly StreamRead[]) => {
      if (!reads.some((r) => r.streamId === streamId)) return store.readStreams(reads);
      onFailure();
      return Promise.reject(new Error('connection reset'));
    },
  });
}
