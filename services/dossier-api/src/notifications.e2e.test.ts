/**
 * In-app notifications over HTTP: a dossier moved on by a command is in the next office's inbox, and every user
 * of that inbox (role and unit of their token) finds the notification in `GET /me/notifications`, with read marks
 * of their own. A user of another inbox sees none of it and cannot mark it. The mail settings are the caller's
 * own entry of the recipient directory, and erasable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainActor } from '@ntm/domain';
import { q } from '@ntm/projections';
import { communeJourney } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
let holder: { role: string; unit_code: string };
let dossierId: string;

beforeAll(async () => {
  t = await startTestServer({ now: new Date('2024-04-01T02:00:00Z'), schemaPrefix: 'api_notify' });
  // Drive the journey until the dossier leaves the commune: its inbox is then another office's.
  const cursor: JourneyCursor = {};
  for (const step of communeJourney('ntm', 1).steps) {
    const answer = await t.sendStep(step, cursor);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    const { rows } = await t.sql.query<{ role: string; unit_code: string }>(
      `SELECT role, unit_code FROM ${q(t.readModelSchema)}.inbox
        WHERE role NOT IN ('commune_official', 'front_officer', 'commune_chairman', 'village_head')`,
    );
    if (rows[0]) {
      holder = rows[0];
      dossierId = cursor.dossierId!;
      return;
    }
  }
  throw new Error('the journey never leaves the commune');
});
afterAll(() => t.close());

async function call(actor: DomainActor, path: string, init: RequestInit & { lang?: string } = {}) {
  const response = await fetch(`${t.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${await t.tokenFor(actor)}`,
      'accept-language': init.lang ?? 'vi',
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

type Listed = {
  items: { id: string; kind: string; dossierId: string; title: string; read: boolean }[];
  unread: number;
};

describe('GET /me/notifications', () => {
  it("lists the inbox's notifications to its users only, with read marks of their own", async () => {
    const me = { id: 'u-1', role: holder.role, unit: holder.unit_code } as DomainActor;
    const colleague = { ...me, id: 'u-2' };
    const elsewhere = { ...me, id: 'u-3', unit: holder.unit_code === '19' ? '06' : '19' };

    const mine = await call(me, '/me/notifications');
    expect(mine.status).toBe(200);
    const list = mine.body as unknown as Listed;
    const waiting = list.items.find((n) => n.kind === 'waiting' && n.dossierId === dossierId);
    expect(waiting).toBeDefined();
    expect(waiting!.title).toMatch(/chờ xử lý/);
    expect(list.unread).toBeGreaterThan(0);
    const english = (await call(me, '/me/notifications', { lang: 'en' })).body as unknown as Listed;
    expect(english.items[0]!.title).toMatch(/awaits your action/);

    // Another inbox: nothing listed, and the id cannot be marked (404, nothing written).
    const other = (await call(elsewhere, '/me/notifications')).body as unknown as Listed;
    expect(other.items.map((n) => n.id)).not.toContain(waiting!.id);
    expect(
      (await call(elsewhere, `/me/notifications/${encodeURIComponent(waiting!.id)}/read`, { method: 'POST' }))
        .status,
    ).toBe(404);
    const bulk = await call(elsewhere, '/me/notifications/read', {
      method: 'POST',
      body: JSON.stringify({ ids: [waiting!.id] }),
    });
    expect(bulk.body).toEqual({ marked: [] });

    // My mark is mine: my colleague in the same inbox still sees it unread.
    expect(
      (await call(me, `/me/notifications/${encodeURIComponent(waiting!.id)}/read`, { method: 'POST' }))
        .status,
    ).toBe(204);
    const after = (await call(me, '/me/notifications?unread=true')).body as unknown as Listed;
    expect(after.items.map((n) => n.id)).not.toContain(waiting!.id);
    expect(after.unread).toBe(list.unread - 1);
    const theirs = (await call(colleague, '/me/notifications')).body as unknown as Listed;
    expect(theirs.items.find((n) => n.id === waiting!.id)?.read).toBe(false);
    const { rows } = await t.sql.query<{ user_id: string }>(
      `SELECT user_id FROM ${q(t.readModelSchema)}.notification_reads`,
    );
    expect(rows).toEqual([{ user_id: 'u-1' }]);

    expect((await call(me, '/me/notifications?limit=abc')).status).toBe(400);
    expect((await fetch(`${t.url}/me/notifications`)).status).toBe(401);
  });

  it("keeps the caller's mail settings in the directory, and erases them", async () => {
    const me = { id: 'u-mail', role: holder.role, unit: holder.unit_code } as DomainActor;
    expect((await call(me, '/me/notification-settings')).status).toBe(404);
    const bad = await call(me, '/me/notification-settings', {
      method: 'PUT',
      body: JSON.stringify({ email: 'nope' }),
    });
    expect(bad.status).toBe(400);
    const put = await call(me, '/me/notification-settings', {
      method: 'PUT',
      body: JSON.stringify({ email: 'can.bo@example.vn', locale: 'en' }),
    });
    expect(put).toEqual({
      status: 200,
      body: { email: 'can.bo@example.vn', locale: 'en', role: holder.role, unitCode: holder.unit_code },
    });
    expect((await call(me, '/me/notification-settings')).body).toMatchObject({ email: 'can.bo@example.vn' });
    expect((await call(me, '/me/notification-settings', { method: 'DELETE' })).status).toBe(204);
    const { rows } = await t.sql.query(
      `SELECT * FROM ${q(t.readModelSchema)}.notification_recipients WHERE user_id = 'u-mail'`,
    );
    expect(rows).toEqual([]);
    // No address ever reaches the log.
    const events = await t.store.readAll({ after: 0n, limit: 10_000 });
    expect(
      JSON.stringify(events.events, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
    ).not.toContain('can.bo@example.vn');
  });
});
