import { describe, expect, it } from 'vitest';
import type { SqlClient } from '@ntm/sql';
import { LogSubscriptions } from './logSubscriptions.js';

/** A client that only records the statements sent on their own (the NOTIFYs) and can LISTEN. */
function notifier(groupWaiting: () => boolean) {
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
    groupWaiting,
  });
  return { sent, subscriptions };
}

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

  it('sends it on its own at once when no INSERT is about to go out', async () => {
    const { sent, subscriptions } = notifier(() => false);
    subscriptions.appended();
    await Promise.resolve();
    expect(sent).toEqual([expect.stringContaining('pg_notify')]);
    await subscriptions.close();
  });
});
