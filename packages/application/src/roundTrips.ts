/**
 * Round trips shared by what is asked while one is in flight (ADR 0064): group commit (ADR 0008) for any request
 * that can be answered for many callers by one call. A request asked while no call is in flight goes out at once,
 * alone; one asked while a call is in flight waits for it and then goes out with every other request asked
 * meanwhile, in one call (at most `max` requests; the rest in the next). So a lone request waits for nothing, and a
 * burst costs a few calls instead of one each.
 *
 * A request is answered only by a call sent after it was asked, never by one already in flight, so it sees nothing
 * older than a call of its own would. A failed call fails the requests it carried, not the ones after it.
 *
 * Used by the counters' draws (ADR 0057), the openings' recognition queries (ADR 0060) and the deadline worker's
 * stream reads.
 */

/** Sends one call for `items`, in the order asked; answers with one result per item, in the same order. */
export type SendTogether<T, R> = (items: T[]) => Promise<readonly R[]>;

interface Asked<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** The requests of one queue waiting for the call in flight, if any. */
interface Queue<T, R> {
  waiting: Asked<T, R>[];
  inFlight: boolean;
}

/**
 * Requests queued per key (a counter's stream, say): each key has its own call in flight and its own waiting
 * requests, and its queue is forgotten once empty, so keys of the past do not pile up.
 */
export function shareRoundTripsPerKey<T, R>(
  send: (key: string, items: T[]) => Promise<readonly R[]>,
  max: number,
): (key: string, item: T) => Promise<R> {
  const queues = new Map<string, Queue<T, R>>();

  const sendNext = (key: string, queue: Queue<T, R>): void => {
    if (queue.waiting.length === 0) {
      queues.delete(key);
      return;
    }
    const batch = queue.waiting.length <= max ? queue.waiting : queue.waiting.slice(0, max);
    queue.waiting = queue.waiting.length <= max ? [] : queue.waiting.slice(max);
    queue.inFlight = true;
    const items = batch.map((asked) => asked.item);
    // Sent now, synchronously; a `send` that throws before its call is out fails this batch like a rejected call.
    const call = (async () => send(key, items))();
    void call
      .then((results) => {
        if (results.length !== batch.length)
          throw new Error(`a shared round trip answered ${results.length} of ${batch.length} requests`);
        batch.forEach((asked, i) => asked.resolve(results[i]!));
      })
      .catch((error: unknown) => {
        for (const asked of batch) asked.reject(error);
      })
      .finally(() => {
        queue.inFlight = false;
        sendNext(key, queue);
      });
  };

  return (key, item) =>
    new Promise<R>((resolve, reject) => {
      let queue = queues.get(key);
      if (!queue) {
        queue = { waiting: [], inFlight: false };
        queues.set(key, queue);
      }
      queue.waiting.push({ item, resolve, reject });
      if (!queue.inFlight) sendNext(key, queue);
    });
}

/** One queue: every request goes out with the others asked while a call is in flight. */
export function shareRoundTrips<T, R>(send: SendTogether<T, R>, max: number): (item: T) => Promise<R> {
  const ask = shareRoundTripsPerKey<T, R>((_key, items) => send(items), max);
  return (item) => ask('', item);
}

/**
 * Lookups by key through `shareRoundTrips`: the keys asked while a query is in flight go out in the next, each key
 * once (at most `max` lookups a query), and each lookup is answered with its own key's value. A key the query does
 * not answer fails its own lookups only.
 */
export function shareLookups<V>(
  fetch: (keys: string[]) => Promise<ReadonlyMap<string, V>>,
  max = 100,
): (key: string) => Promise<V> {
  const noAnswer = Symbol('no answer');
  const ask = shareRoundTrips<string, V | typeof noAnswer>(async (keys) => {
    const found = await fetch([...new Set(keys)]);
    return keys.map((key) => (found.has(key) ? found.get(key)! : noAnswer));
  }, max);
  return async (key) => {
    const value = await ask(key);
    if (value === noAnswer) throw new Error(`shared lookup: no answer for ${key}`);
    return value;
  };
}
