// The outbox end to end on the embedded store: events projected into notifications, mailed through a real SMTP
// server (smtp-server) that is down and then up, each mail exactly once, duplicates ignored. The clock is injected:
// the retry time comes because the test moves the clock, not because it waits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, smtpServer } from '@ntm/testing';
import { sampleDossierEvents } from '@ntm/testing';
import { openEmbeddedStore, type EmbeddedStore } from '@ntm/store-embedded';
import {
  createInlineProjector,
  insertNotifications,
  q,
  rebuild,
  type NotificationRow,
} from '@ntm/projections';
import {
  createInProcessDelivery,
  createReminderScheduler,
  createSmtpMailer,
  deliverNotification,
  fireReminder,
  setRecipient,
  type DeliveryOptions,
  type ReminderTimer,
} from './index.js';

const SCHEMA = 'read_models';
let embedded: EmbeddedStore;

beforeAll(async () => {
  embedded = await openEmbeddedStore();
  const { store, sql } = embedded;
  const inline = await createInlineProjector(store, sql, { schema: SCHEMA });
  const events = sampleDossierEvents(
    { id: 'n1', communeCode: '01900', districtCode: '065', year: 2024 },
    (k) => new Date(Date.UTC(2024, 4, 1) + k * 60_000).toISOString(),
  );
  for (const event of events) {
    await store.append('dossier-n1', [event], { expectedRevision: 'any' });
    await inline.onAppended('dossier-n1');
  }
  // A second dossier, one event a day, stopped at its verification deadline (due 2024-08-09, a Friday): open.
  const daily = sampleDossierEvents(
    { id: 'n2', communeCode: '01910', districtCode: '066', year: 2024 },
    (k) => new Date(Date.UTC(2024, 4, 1) + k * 86_400_000).toISOString(),
  );
  const scheduled = daily.findIndex((e) => e.type === 'DeadlineScheduled');
  for (const event of daily.slice(0, scheduled + 1)) {
    await store.append('dossier-n2', [event], { expectedRevision: 'any' });
    await inline.onAppended('dossier-n2');
  }
});

afterAll(async () => {
  await embedded.close();
});

describe('notifications from the log', () => {
  it('are derived once per event, addressed to the inbox that holds the dossier, and survive a rebuild', async () => {
    const { sql, store } = embedded;
    const rows = await sql.query<{ id: string; kind: string; role: string; unit_code: string }>(
      `SELECT id, kind, role, unit_code FROM ${q(SCHEMA)}.notifications ORDER BY id`,
    );
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(new Set(rows.rows.map((r) => r.id)).size).toBe(rows.rows.length);
    // Submission puts the dossier in the district verifier's inbox, who is told.
    expect(rows.rows).toContainEqual(
      expect.objectContaining({ kind: 'waiting', role: 'district_verifier', unit_code: '065' }),
    );
    // Nobody is told of their own act: the commune official opened and prepared the dossier.
    const before = rows.rows.map((r) => r.id);
    await rebuild(store, sql, { schema: SCHEMA });
    const after = await sql.query<{ id: string }>(`SELECT id FROM ${q(SCHEMA)}.notifications ORDER BY id`);
    expect(after.rows.map((r) => r.id)).toEqual(before);
  });

  it('mails each notification once: SMTP server down, then up after the retry time', async () => {
    const { sql } = embedded;
    const port = await freePort();
    const smtp = smtpServer(port);
    let now = new Date('2024-05-01T12:00:00Z');
    await setRecipient(
      sql,
      SCHEMA,
      {
        userId: 'u-verifier',
        role: 'district_verifier',
        unitCode: '065',
        email: 'verifier@example.vn',
        locale: 'vi',
      },
      now.toISOString(),
    );
    await setRecipient(
      sql,
      SCHEMA,
      {
        userId: 'u-verifier-2',
        role: 'district_verifier',
        unitCode: '065',
        email: 'v2@example.vn',
        locale: 'en',
      },
      now.toISOString(),
    );
    const expected = await sql.query<{ id: string }>(
      `SELECT id FROM ${q(SCHEMA)}.notifications WHERE role = 'district_verifier' AND unit_code = '065'`,
    );
    expect(expected.rows.length).toBeGreaterThan(0);

    const mailer = createSmtpMailer({
      host: '127.0.0.1',
      port,
      secure: false,
      from: 'ntm@example.vn',
      timeoutMs: 2000,
    });
    const options: DeliveryOptions = {
      sql,
      schema: SCHEMA,
      mailer,
      baseUrl: 'https://ntm.example.vn',
      now: () => now,
    };
    const relay = createInProcessDelivery({ ...options, intervalMs: 0 });

    // Down: every send fails, nothing is lost, a retry time is recorded.
    await relay.kick();
    expect(smtp.received).toEqual([]);
    const waiting = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${q(SCHEMA)}.notifications WHERE email_done_at IS NULL AND email_next_at > $1`,
      [now.toISOString()],
    );
    expect(waiting.rows[0]!.n).toBe(expected.rows.length);

    // Up, but before the retry time: nothing is tried.
    await smtp.start();
    await relay.kick();
    expect(smtp.received).toEqual([]);

    // After the retry time: each notification to each recipient, once.
    now = new Date(now.getTime() + 60_000);
    await relay.kick();
    await relay.kick();
    now = new Date(now.getTime() + 3_600_000);
    await relay.kick();
    expect(smtp.received.length).toBe(expected.rows.length * 2);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(smtp.received.length);
    const vi = smtp.received.find((m) => m.to.includes('verifier@example.vn'))!;
    const en = smtp.received.find((m) => m.to.includes('v2@example.vn'))!;
    expect(vi.raw).toMatch(/^Subject: .*=\?UTF-8\?/im);
    expect(en.raw).toMatch(/^Subject: Dossier .* awaits your action/im);
    expect(en.raw).toContain('https://ntm.example.vn/dossier/n1');

    // A duplicated delivery of a new notification (a job run twice at once, and once more later): one mail each.
    const [row] = (
      await sql.query<NotificationRow>(`SELECT * FROM ${q(SCHEMA)}.notifications WHERE id = $1`, [
        expected.rows[0]!.id,
      ])
    ).rows;
    const [id] = await insertNotifications(
      sql,
      [{ ...row!, id: `${row!.id}:copy`, email_done_at: null } as NotificationRow],
      SCHEMA,
    );
    const twice = await Promise.all([deliverNotification(options, id!), deliverNotification(options, id!)]);
    expect(twice[0].sent + twice[1].sent).toBe(2);
    expect((await deliverNotification(options, id!)).sent).toBe(0);
    await sql.query(`UPDATE ${q(SCHEMA)}.notifications SET email_done_at = NULL WHERE id = $1`, [id]);
    expect((await deliverNotification(options, id!)).sent).toBe(0);
    expect(smtp.received.length).toBe(expected.rows.length * 2 + 2);

    await relay.close();
    mailer.close();
    await smtp.stop();
  });
});

describe('reminders', () => {
  it('are derived from the open deadlines, fire at their working day, once, and only while the deadline is open', async () => {
    const { sql, store } = embedded;
    const collected: ReminderTimer[] = [];
    const timers = { schedule: (t: readonly ReminderTimer[]) => Promise.resolve(void collected.push(...t)) };
    const now = new Date('2024-07-01T00:00:00Z');
    const scheduler = createReminderScheduler({
      sql,
      schema: SCHEMA,
      timers,
      days: [2, 5],
      now: () => now,
      reconcileIntervalMs: 0,
    });
    expect(await scheduler.reconcile()).toBe(2);
    // Derived again (a restart, a lost Redis): the same timers, same ids.
    await scheduler.reconcile();
    await scheduler.close();
    expect(collected.slice(0, 2)).toEqual(collected.slice(2));
    const [two, five] = collected;
    // Due Friday 09/08/2024: 5 working days before is Friday 02/08, 2 is Wednesday 07/08, at 08:00 in Vietnam.
    expect([five!.dueAt, two!.dueAt]).toEqual(['2024-08-02T01:00:00.000Z', '2024-08-07T01:00:00.000Z']);
    expect(two!.data).toEqual({
      streamId: 'dossier-n2',
      deadlineId: expect.any(String) as string,
      dueOn: '2024-08-09',
      days: 2,
    });

    const fire = (at: string) => fireReminder({ sql, schema: SCHEMA, now: new Date(at) }, two!.data);
    // Early (a timer that fired before its instant): fire again then.
    expect(await fire('2024-08-06T12:00:00Z')).toEqual({ retryAt: '2024-08-07T01:00:00.000Z' });
    const first = await fire('2024-08-07T01:00:05Z');
    expect('written' in first && first.written.length).toBeGreaterThan(0);
    const rows = await sql.query<{ role: string; unit_code: string; created_at: string; kind: string }>(
      `SELECT role, unit_code, created_at, kind FROM ${q(SCHEMA)}.notifications WHERE kind = 'reminder'`,
    );
    expect(rows.rows).toEqual([
      {
        role: 'district_verifier',
        unit_code: '066',
        created_at: '2024-08-07T01:00:00.000Z',
        kind: 'reminder',
      },
    ]);
    // Fired twice (a duplicate job): nothing more.
    expect(await fire('2024-08-07T09:00:00Z')).toEqual({ written: [] });
    // Overdue already: the overdue notice takes over.
    expect(
      await fireReminder({ sql, schema: SCHEMA, now: new Date('2024-08-10T03:00:00Z') }, five!.data),
    ).toEqual({
      written: [],
    });
    // The deadline met (the dossier moved on): a late timer writes nothing.
    const daily = sampleDossierEvents(
      { id: 'n2', communeCode: '01910', districtCode: '066', year: 2024 },
      (k) => new Date(Date.UTC(2024, 4, 1) + k * 86_400_000).toISOString(),
    );
    const next = daily.findIndex((e) => e.type === 'DeadlineScheduled') + 1;
    await store.append('dossier-n2', [daily[next]!], { expectedRevision: 'any' });
    await (await createInlineProjector(store, sql, { schema: SCHEMA })).onAppended('dossier-n2');
    expect(
      await fireReminder({ sql, schema: SCHEMA, now: new Date('2024-08-02T02:00:00Z') }, five!.data),
    ).toEqual({
      written: [],
    });
  });
});
