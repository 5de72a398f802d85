import { describe, expect, it } from 'vitest';
import type { SqlClient } from '@ntm/sql';
import { LogSubscriptions } from './logSubscriptions.js';

/** A client that only records the statements sent on their own (the NOTIFYs) and can LISTEN. */
function notifier(insertPending: () => boolean) {
  const sent: string[] = [];
  const sql = {
    query: (text: string) => {
      sent.push(text);
      return Promise.resolve({ rows: [] });
    },
    listen: () => Promise.resolve(() => Promise.resolve()),
  } as unknown as SqlClient;
  const subscriptions = new LogSubscriptions({
    sql,
    tailSql: sql,
    channel: 'ch',
    pollIntervalMs: 1000,
    notifyIntervalMs: 60_000,
    readPage: () => Promise.resolve({ events: [], isEnd: true, nextAfter: 0n }),
    insertPending,
  });
  return { sent, subscriptions };
}

/** The next turn of the event loop (after its I/O callbacks): when an unclaimed NOTIFY goes out on its own. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('LogSubscriptions: the NOTIFY carried by a group INSERT', () => {
  it('leaves the NOTIFY owed by a committed append to the INSERT about to go out, and claims it once', async () => {
    const { sent, subscriptions } = notifier(() => true);
    subscriptions.appended();
    expect(sent).toHaveLength(0);
    expect(subscriptions.claimNotify()).toBe(true);
    expect(subscriptions.claimNotify()).toBe(false);
    subscriptions.appended(true);
    // Within the interval, neither another carried NOTIFY nor one of its own.
    expect(subscriptions.claimNotify()).toBe(false);
    subscriptions.appended();
    await nextTurn();
    expect(sent).toHaveLength(0);
    await subscriptions.close();
  });

  it('sends the owed NOTIFY on its own when the INSERT that claimed it fails', async () => {
    const { sent, subscriptions } = notifier(() => true);
    subscriptions.appended();
    expect(subscriptions.claimNotify()).toBe(true);
    subscriptions.releaseNotify();
    await Promise.resolve();
    expect(sent).toEqual([expect.stringContaining('pg_notify')]);
    await subscriptions.close();
  });

  it('sends it on its own in the next turn when no INSERT is in flight, queued or issued meanwhile', async () => {
    const { sent, subscriptions } = notifier(() => false);
    subscriptions.appended();
    await nextTurn();
    expect(sent).toEqual([expect.stringContaining('pg_notify')]);
    await subscriptions.close();
  });

  it("leaves it to a lone writer's next INSERT, issued within the turn", async () => {
    const { sent, subscriptions } = notifier(() => false);
    subscriptions.appended();
    // The caller's next append, as the previous one returns: its INSERT claims the NOTIFY.
    expect(subscriptions.claimNotify()).toBe(true);
    await nextTurn();
    expect(sent).toHaveLength(0);
    subscriptions.appended(true);
    await subscriptions.close();
    expect(sent).toHaveLength(0);
  });

  it('waits for the INSERT in flight to settle, then gives the next INSERT the turn, then sends it alone', async () => {
    let inFlight = true;
    const { sent, subscriptions } = notifier(() => inFlight);
    subscriptions.appended();
    await nextTurn();
    expect(sent).toHaveLength(0);
    inFlight = false;
    subscriptions.insertSettled();
    expect(sent).toHaveLength(0);
    // No append followed within the turn: the NOTIFY goes out on its own.
    await nextTurn();
    expect(sent).toEqual([expect.stringContaining('pg_notify')]);
    await subscriptions.close();
  });

  it('leaves it to a group queued within the turn (several writers woken by one answer), whose flush claims it', async () => {
    let queued = false;
    const { sent, subscriptions } = notifier(() => queued);
    subscriptions.appended();
    queued = true;
    await nextTurn();
    expect(sent).toHaveLength(0);
    expect(subscriptions.claimNotify()).toBe(true);
    queued = false;
    subscriptions.appended(true);
    await subscriptions.close();
    expect(sent).toHaveLength(0);
  });

  it('sends a NOTIFY still waiting for a carrier when the store closes', async () => {
    const { sent, subscriptions } = notifier(() => false);
    subscriptions.appended();
    await subscriptions.close();
    expect(sent).toEqual([expect.stringContaining('pg_notify')]);
  });
});
