/**
 * Deadlines on a real dossier. The operators' route: a step over HTTP schedules a deadline; sweeps before the due
 * day do nothing; after it one sweep records DeadlineElapsed as the system's administrator, the read model shows
 * it, and repeated or concurrent sweeps record it once. Only an administrator may run a sweep. The in-process
 * timers (the deployment without Redis): a replica started after the due instant elapses it by itself, once; one
 * started at a reminder's instant reminds the inbox holding the dossier, once however often it is derived, and on
 * overdue the inbox and its supervisor are told.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nationalCalendar, type DomainActor } from '@ntm/domain';
import { reminderInstant } from '@ntm/notifications';
import { dossierStreamId } from '@ntm/event-store';
import { q } from '@ntm/projections';
import { communeJourney } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer({ now: new Date('2024-04-01T02:00:00Z'), schemaPrefix: 'api_deadline' });
});
afterEach(() => t.close());

/** Drives the journey until a command schedules a deadline; returns the dossier id. */
async function untilADeadline(): Promise<string> {
  const cursor: JourneyCursor = {};
  for (const step of communeJourney('ntm', 1).steps) {
    const answer = await t.sendStep(step, cursor);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    const events = answer.body['events'] as { type: string }[];
    if (events.some((e) => e.type === 'DeadlineScheduled')) return cursor.dossierId!;
  }
  throw new Error('the journey schedules no deadline');
}

const administrator = { id: 'qt-backan', role: 'administrator' as const, unit: '06' };

/** Runs a sweep as `actor`; the answer's status and body. */
async function sweep(actor: DomainActor = administrator): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${t.url}/admin/deadlines/sweep`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await t.tokenFor(actor)}` },
  });
  return { status: response.status, body: await response.json() };
}

/** Polls `check` until it holds, failing after a bound (not a timing assumption). */
async function waitFor(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function deadlineRows(): Promise<{ state: string; due_at: string }[]> {
  const { rows } = await t.sql.query<{ state: string; due_at: string }>(
    `SELECT state, due_at FROM ${q(t.readModelSchema)}.deadlines`,
  );
  return rows;
}

describe('deadline worker', () => {
  it('records a deadline as elapsed once, after its due day, as the system administrator', async () => {
    const dossierId = await untilADeadline();
    const [open] = await deadlineRows();
    expect(open).toMatchObject({ state: 'open' });

    // On the due day itself nothing has elapsed yet.
    t.clock.set(new Date(`${open!.due_at}T10:00:00+07:00`));
    expect(await sweep()).toEqual({ status: 200, body: { elapsed: 0, skipped: 0 } });

    t.clock.set(new Date(`${open!.due_at}T17:00:00Z`)); // 00:00 the next day in Vietnam
    // Two sweeps at once (two API processes): one records it, the other finds it done or loses the append.
    const official = { id: 'cb-xa', role: 'commune_official' as const, unit: '02032' };
    expect((await sweep(official)).status).toBe(403);
    const sweeps = await Promise.all([sweep(), sweep()]);
    expect(sweeps.map((s) => s.status)).toEqual([200, 200]);
    expect(sweeps.reduce((sum, s) => sum + (s.body as { elapsed: number }).elapsed, 0)).toBe(1);
    expect(await sweep()).toEqual({ status: 200, body: { elapsed: 0, skipped: 0 } });

    const stream = await t.store.readStream(dossierStreamId(dossierId));
    const elapsed = stream.filter((e) => e.type === 'DeadlineElapsed');
    expect(elapsed).toHaveLength(1);
    expect(elapsed[0]!.metadata.actor).toMatchObject({ id: 'system:deadline-worker', role: 'administrator' });
    expect(elapsed[0]!.data).toMatchObject({ dueOn: open!.due_at });
    expect(await deadlineRows()).toEqual([{ state: 'elapsed', due_at: open!.due_at }]);
  });

  it('the in-process timers of an API started after the due instant elapse the deadline by themselves, once', async () => {
    const dossierId = await untilADeadline();
    const [open] = await deadlineRows();
    // A replica (same store and read models) with the deadline timers on, started the next Vietnamese day: its
    // start-up reconcile finds the open deadline, and its timer fires at once.
    const replica = await startTestServer({
      now: new Date(`${open!.due_at}T17:00:00Z`),
      shareSchemaOf: t,
      deadlineTimers: true,
    });
    try {
      await waitFor(async () => (await deadlineRows())[0]?.state === 'elapsed');
      const stream = await t.store.readStream(dossierStreamId(dossierId));
      expect(stream.filter((e) => e.type === 'DeadlineElapsed')).toHaveLength(1);
      // Nothing left for an operator's sweep.
      t.clock.set(replica.clock.now());
      expect(await sweep()).toEqual({ status: 200, body: { elapsed: 0, skipped: 0 } });
    } finally {
      await replica.close();
    }
  });

  it('reminds the inbox holding the dossier N working days before the due day, once; on overdue, its supervisor', async () => {
    const dossierId = await untilADeadline();
    const { rows: open } = await t.sql.query<{ due_at: string; role: string; unit_code: string }>(
      `SELECT due_at, role, unit_code FROM ${q(t.readModelSchema)}.deadlines WHERE state = 'open'
        ORDER BY active_from NULLS FIRST`,
    );
    const deadline = open[0]!;
    const instant = reminderInstant(deadline.due_at, 2, nationalCalendar());
    const notifications = async () =>
      (
        await t.sql.query<{ kind: string; role: string; unit_code: string; created_at: string }>(
          `SELECT kind, role, unit_code, created_at FROM ${q(t.readModelSchema)}.notifications
            WHERE stream_id = $1 AND kind IN ('reminder', 'overdue', 'escalation') ORDER BY kind, role`,
          [dossierStreamId(dossierId)],
        )
      ).rows;
    // Replicas with the timers on and 2 working days' notice, started on the service clock (injected): one at the
    // reminder's instant fires it at once from its start-up derivation; a second derives the same timer again.
    for (let replicas = 0; replicas < 2; replicas += 1) {
      const replica = await startTestServer({
        now: new Date(instant),
        shareSchemaOf: t,
        deadlineTimers: true,
        reminderDays: [2],
      });
      try {
        await waitFor(async () => (await notifications()).length > 0);
      } finally {
        await replica.close();
      }
    }
    const reminders = await notifications();
    expect(reminders).toEqual([
      { kind: 'reminder', role: deadline.role, unit_code: deadline.unit_code, created_at: instant },
    ]);
    // The reviewing office reads it in the app, in its language.
    t.clock.set(new Date(instant));
    const inbox = { id: 'reviewer', role: deadline.role, unit: deadline.unit_code } as DomainActor;
    const listed = await fetch(`${t.url}/me/notifications`, {
      headers: { authorization: `Bearer ${await t.tokenFor(inbox)}`, 'accept-language': 'en' },
    });
    const body = (await listed.json()) as { items: { kind: string; dossierId: string; title: string }[] };
    // Newest first: the reminder, then the dossier's arrival in that inbox.
    expect(body.items.map((i) => i.kind)).toEqual(['reminder', 'waiting']);
    expect(body.items[0]!.dossierId).toBe(dossierId);
    expect(body.items[0]!.title).toContain('is due soon');

    // Overdue: the timers elapse the deadline, the inbox is told and so is the supervisor of its role.
    const late = await startTestServer({
      now: new Date(`${deadline.due_at}T17:00:00Z`),
      shareSchemaOf: t,
      deadlineTimers: true,
      reminderDays: [2],
    });
    try {
      await waitFor(async () => (await notifications()).some((n) => n.kind === 'escalation'));
    } finally {
      await late.close();
    }
    const after = await notifications();
    expect(after.filter((n) => n.kind === 'reminder')).toHaveLength(1);
    expect(after.filter((n) => n.kind === 'overdue')).toEqual([
      expect.objectContaining({ role: deadline.role, unit_code: deadline.unit_code }),
    ]);
    expect(after.filter((n) => n.kind === 'escalation')).toHaveLength(1);
    expect(after.find((n) => n.kind === 'escalation')!.role).not.toBe(deadline.role);
  });

  it('skips a dossier whose stored history it cannot read and sweeps the others', async () => {
    const [broken, sound] = [await untilADeadline(), await untilADeadline()];
    const streamId = dossierStreamId(broken);
    const last = (await t.store.readStream(streamId)).at(-1)!;
    // An event that breaks its contract, written past the API (as a faulty migration would).
    await t.store.append(
      streamId,
      [
        {
          eventId: randomUUID(),
          type: 'DocumentAttached',
          schemaVersion: 2,
          data: { documentId: 'x' },
          metadata: { ...last.metadata, correlationId: randomUUID(), causationId: randomUUID() },
        },
      ],
      { expectedRevision: last.revision },
    );
    const [due] = await deadlineRows();
    t.clock.set(new Date(`${due!.due_at}T17:00:00Z`));
    expect(await sweep()).toEqual({ status: 200, body: { elapsed: 1, skipped: 1 } });
    const elapsed = await t.store.readStream(dossierStreamId(sound));
    expect(elapsed.filter((e) => e.type === 'DeadlineElapsed')).toHaveLength(1);
  });
});
