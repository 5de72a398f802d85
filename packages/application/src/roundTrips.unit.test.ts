// Shared round trips (ADR 0064): one at a time a request goes out alone; asked together they share a call, each
// answered with its own result, never by a call sent before it was asked. Per key, each key has its own queue.
import { describe, expect, it } from 'vitest';
import { shareLookups, shareRoundTrips, shareRoundTripsPerKey } from './roundTrips.js';

/** A call that stays in flight until released; `answer` gives each item's result with the call's number. */
function heldCalls<T, R>(answer: (item: T, call: number) => R) {
  const calls: { items: T[]; release: () => void; fail: (error: Error) => void }[] = [];
  const send = (items: T[]) =>
    new Promise<R[]>((resolve, reject) => {
      const n = calls.length + 1;
      calls.push({ items, release: () => resolve(items.map((item) => answer(item, n))), fail: reject });
    });
  return { calls, send };
}
/** A fetch whose calls stay in flight until released; each answers every key with `<key>@<call number>`. */
function heldFetch() {
  const calls: { keys: string[]; release: () => void; fail: (error: Error) => void }[] = [];
  const fetch = (keys: string[]) =>
    new Promise<Map<string, string>>((resolve, reject) => {
      const n = calls.length + 1;
      calls.push({
        keys,
        release: () => resolve(new Map(keys.filter((k) => k !== 'unknown').map((k) => [k, `${k}@${n}`]))),
        fail: reject,
      });
    });
  return { calls, fetch };
}
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('shareRoundTrips', () => {
  it('sends a lone request at once', async () => {
    const { calls, send } = heldCalls((n: number, call) => n * 10 + call);
    const ask = shareRoundTrips(send, 100);
    const answer = ask(4);
    expect(calls.map((c) => c.items)).toEqual([[4]]);
    calls[0]!.release();
    expect(await answer).toBe(41);
  });

  it('sends the requests asked while a call is in flight together, in one call sent after them', async () => {
    const { calls, send } = heldCalls((n: number, call) => n * 10 + call);
    const ask = shareRoundTrips(send, 100);
    const first = ask(1);
    const rest = [2, 3, 1].map((n) => ask(n));
    expect(calls).toHaveLength(1);
    calls[0]!.release();
    expect(await first).toBe(11);
    await turn();
    // Asked while the first call was in flight, 1 is answered by the next one, not by that one.
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 1]]);
    calls[1]!.release();
    expect(await Promise.all(rest)).toEqual([22, 32, 12]);
  });

  it('sends at most `max` requests in one call, the rest in the next', async () => {
    const { calls, send } = heldCalls((n: number, call) => n * 10 + call);
    const ask = shareRoundTrips(send, 2);
    const answers = [1, 2, 3, 4].map((n) => ask(n));
    calls[0]!.release();
    await turn();
    calls[1]!.release();
    await turn();
    calls[2]!.release();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3], [4]]);
    expect(await Promise.all(answers)).toEqual([11, 22, 32, 43]);
  });

  it('fails only the requests of a failed call, and goes on with the next', async () => {
    const { calls, send } = heldCalls((n: number, call) => n * 10 + call);
    const ask = shareRoundTrips(send, 100);
    const first = ask(1);
    const second = ask(2);
    calls[0]!.fail(new Error('database away'));
    await expect(first).rejects.toThrow('database away');
    await turn();
    calls[1]!.release();
    expect(await second).toBe(22);
  });

  it('fails the requests of a call that throws before it is sent, or answers too few, and goes on', async () => {
    let mode: 'throw' | 'short' | 'ok' = 'throw';
    const ask = shareRoundTrips((items: number[]) => {
      if (mode === 'throw') throw new Error('bad parameters');
      return Promise.resolve(mode === 'short' ? items.slice(1) : items);
    }, 100);
    await expect(ask(1)).rejects.toThrow('bad parameters');
    mode = 'short';
    await expect(ask(2)).rejects.toThrow('answered 0 of 1');
    mode = 'ok';
    expect(await ask(3)).toBe(3);
  });
});

describe('shareRoundTripsPerKey', () => {
  it('keeps one queue per key: a call in flight for one key does not hold another key back', async () => {
    const sent: { key: string; items: number[]; release: () => void }[] = [];
    const ask = shareRoundTripsPerKey(
      (key, items: number[]) =>
        new Promise<string[]>((resolve) =>
          sent.push({ key, items, release: () => resolve(items.map((n) => `${key}${n}`)) }),
        ),
      100,
    );
    const a1 = ask('a', 1);
    const a2 = ask('a', 2);
    const b1 = ask('b', 1);
    expect(sent.map((s) => [s.key, s.items])).toEqual([
      ['a', [1]],
      ['b', [1]],
    ]);
    sent[1]!.release();
    expect(await b1).toBe('b1');
    sent[0]!.release();
    expect(await a1).toBe('a1');
    await turn();
    expect(sent.map((s) => [s.key, s.items]).at(-1)).toEqual(['a', [2]]);
    sent[2]!.release();
    expect(await a2).toBe('a2');
  });
});

describe('shareLookups', () => {
  it('sends each key once per query and answers every lookup with its own key', async () => {
    const { calls, fetch } = heldFetch();
    const lookup = shareLookups(fetch);
    const first = lookup('a');
    const rest = ['b', 'c', 'a', 'b'].map((k) => lookup(k));
    calls[0]!.release();
    expect(await first).toBe('a@1');
    await turn();
    expect(calls.map((c) => c.keys)).toEqual([['a'], ['b', 'c', 'a']]);
    calls[1]!.release();
    expect(await Promise.all(rest)).toEqual(['b@2', 'c@2', 'a@2', 'b@2']);
  });

  it('fails only the lookups of a key the query does not answer', async () => {
    const { calls, fetch } = heldFetch();
    const lookup = shareLookups(fetch);
    const first = lookup('a');
    const unknown = lookup('unknown');
    const known = lookup('b');
    calls[0]!.release();
    await first;
    await turn();
    calls[1]!.release();
    await expect(unknown).rejects.toThrow('no answer for unknown');
    expect(await known).toBe('b@2');
  });
});
