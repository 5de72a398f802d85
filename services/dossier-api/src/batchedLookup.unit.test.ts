// The lookups of the openings (ADR 0060): one at a time a lookup goes out alone; asked together they share a query,
// each answered with its own key's value, never by a query sent before it was asked.
import { describe, expect, it } from 'vitest';
import { batchedLookup } from './batchedLookup.js';

/** A fetch whose calls stay in flight until released; each answers every key with `<key>@<call number>`. */
function heldFetch() {
  const calls: { keys: string[]; release: () => void; fail: (error: Error) => void }[] = [];
  const fetch = (keys: string[]) =>
    new Promise<Map<string, string>>((resolve, reject) => {
      const n = calls.length + 1;
      calls.push({
        keys,
        release: () => resolve(new Map(keys.map((k) => [k, `${k}@${n}`]))),
        fail: reject,
      });
    });
  return { calls, fetch };
}
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('batchedLookup', () => {
  it('sends a lone lookup at once', async () => {
    const { calls, fetch } = heldFetch();
    const lookup = batchedLookup(fetch);
    const answer = lookup('a');
    expect(calls.map((c) => c.keys)).toEqual([['a']]);
    calls[0]!.release();
    expect(await answer).toBe('a@1');
  });

  it('sends the lookups asked while a query is in flight together, in one query sent after them', async () => {
    const { calls, fetch } = heldFetch();
    const lookup = batchedLookup(fetch);
    const first = lookup('a');
    const rest = ['b', 'c', 'a', 'b'].map((k) => lookup(k));
    expect(calls).toHaveLength(1);
    calls[0]!.release();
    expect(await first).toBe('a@1');
    await turn();
    // Asked while the first query was in flight, 'a' is answered by the next one, not by that one.
    expect(calls.map((c) => c.keys)).toEqual([['a'], ['b', 'c', 'a']]);
    calls[1]!.release();
    expect(await Promise.all(rest)).toEqual(['b@2', 'c@2', 'a@2', 'b@2']);
  });

  it('sends at most `max` keys in one query, the rest in the next', async () => {
    const { calls, fetch } = heldFetch();
    const lookup = batchedLookup(fetch, 2);
    const answers = ['a', 'b', 'c', 'd'].map((k) => lookup(k));
    calls[0]!.release();
    await turn();
    calls[1]!.release();
    await turn();
    calls[2]!.release();
    expect(calls.map((c) => c.keys)).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(await Promise.all(answers)).toEqual(['a@1', 'b@2', 'c@2', 'd@3']);
  });

  it('fails only the lookups of a failed query', async () => {
    const { calls, fetch } = heldFetch();
    const lookup = batchedLookup(fetch);
    const first = lookup('a');
    const second = lookup('b');
    calls[0]!.fail(new Error('database away'));
    await expect(first).rejects.toThrow('database away');
    await turn();
    calls[1]!.release();
    expect(await second).toBe('b@2');
  });
});
