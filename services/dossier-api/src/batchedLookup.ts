/**
 * Lookups by key that go out together (ADR 0060): a lookup asked while a query is in flight waits for it and then
 * goes out with every other lookup asked meanwhile, in one call of `fetch` (at most `max` keys; the rest in the
 * next); a lone lookup goes out at once. A lookup is answered only by a query sent after it was asked, never by
 * one already in flight, so it sees nothing older than a query of its own would. A failed query fails the lookups
 * it carried, not the ones after it.
 */
export function batchedLookup<V>(
  fetch: (keys: string[]) => Promise<Map<string, V>>,
  max = 100,
): (key: string) => Promise<V> {
  type Waiter = { resolve: (value: V) => void; reject: (error: unknown) => void };
  let waiting = new Map<string, Waiter[]>();
  let inFlight = false;

  const sendNext = () => {
    if (inFlight || waiting.size === 0) return;
    let batch = waiting;
    if (waiting.size <= max) waiting = new Map();
    else {
      batch = new Map();
      for (const [key, waiters] of waiting) {
        if (batch.size === max) break;
        batch.set(key, waiters);
        waiting.delete(key);
      }
    }
    inFlight = true;
    fetch([...batch.keys()])
      .then(
        (found) => {
          for (const [key, waiters] of batch) {
            if (!found.has(key)) {
              const error = new Error(`batched lookup: no answer for ${key}`);
              for (const w of waiters) w.reject(error);
            } else for (const w of waiters) w.resolve(found.get(key)!);
          }
        },
        (error: unknown) => {
          for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
        },
      )
      .finally(() => {
        inFlight = false;
        sendNext();
      });
  };

  return (key) =>
    new Promise<V>((resolve, reject) => {
      const waiters = waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else waiting.set(key, [{ resolve, reject }]);
      sendNext();
    });
}
