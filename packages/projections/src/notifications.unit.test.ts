// Notifications derived from given events (pure): who is told when a dossier moves, and, when a deadline elapses,
// the overdue notice to its inbox and the escalation to the supervisor (SUPERVISORS, data).
import { describe, expect, it } from 'vitest';
import type { DecidedEvent } from '@ntm/domain';
import type { RecordedEvent } from '@ntm/event-store';
import { communeJourney, recordedEvents, run } from '@ntm/testing';
import {
  deadlineActor,
  evolveView,
  notificationsOf,
  reminderRows,
  SUPERVISORS,
  type DossierView,
  type NotificationRow,
} from './index.js';

const at = (i: number) => new Date(Date.UTC(2024, 3, 1) + i * 3_600_000).toISOString();

/** Folds the events, collecting what each one notifies. */
function derive(events: RecordedEvent[]): { view: DossierView; rows: NotificationRow[][] } {
  let view: DossierView | undefined;
  const rows: NotificationRow[][] = [];
  for (const event of events) {
    const before = view;
    view = evolveView(view, event);
    rows.push(notificationsOf(before, event, view));
  }
  return { view: view!, rows };
}

/** A journey's events up to its first scheduled deadline, then that deadline elapsed. */
function untilOverdue(): RecordedEvent[] {
  const { events } = run(communeJourney('ntm', 1).steps);
  const i = events.findIndex((e) => e.type === 'DeadlineScheduled');
  expect(i).toBeGreaterThan(0);
  const scheduled = events[i]!;
  const { deadlineId, dueOn } = scheduled.data as { deadlineId: string; dueOn: string };
  const elapsed = {
    type: 'DeadlineElapsed',
    schemaVersion: 1,
    data: { deadlineId, dueOn, elapsedOn: dueOn },
    fromState: scheduled.toState,
    toState: scheduled.toState,
  } as unknown as DecidedEvent;
  return recordedEvents('dossier-j', [...events.slice(0, i + 1), elapsed], at);
}

describe('notificationsOf', () => {
  it('tells the inboxes that hold the dossier when it moves, once per event, with deterministic ids', () => {
    const { events } = run(communeJourney('ntm', 1).steps);
    const recorded = recordedEvents('dossier-j', events, at);
    const { rows } = derive(recorded);
    const all = rows.flat();
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    // Only step changes notify, and each row names its event.
    for (const [i, event] of recorded.entries()) {
      for (const row of rows[i]!) {
        expect(row.id.startsWith(`dossier-j@${event.revision}:`)).toBe(true);
        expect(row.created_at).toBe(event.metadata.occurredAt);
      }
    }
    // The same events give the same rows (a replay, a retried catch-up).
    expect(derive(recorded).rows).toEqual(rows);
  });

  it('on DeadlineElapsed: overdue to the inbox, escalation to the supervisor of the role the deadline binds', () => {
    const events = untilOverdue();
    const { view, rows } = derive(events);
    const last = rows.at(-1)!;
    const bound = deadlineActor(view)!;
    expect(bound).not.toBeNull();
    const overdue = last.filter((r) => r.kind === 'overdue');
    expect(overdue.map((r) => r.role)).toContain(bound.role);
    const escalation = last.filter((r) => r.kind === 'escalation');
    expect(escalation).toHaveLength(1);
    expect(escalation[0]).toMatchObject({
      role: SUPERVISORS.roles[bound.role],
      params: { overdueRole: bound.role, overdueUnit: bound.unitCode, dueOn: expect.any(String) as string },
    });
    // The deadline's scheduling alone told nobody it was late.
    expect(
      rows
        .slice(0, -1)
        .flat()
        .filter((r) => r.kind !== 'waiting'),
    ).toEqual([]);
  });

  it('reminder rows are keyed by the deadline and the number of days, so a timer that fires twice adds none', () => {
    const events = untilOverdue().slice(0, -1);
    const { view } = derive(events);
    const deadline = view.deadlines[0]!;
    const a = reminderRows(view, { deadlineId: deadline.deadlineId, dueOn: deadline.dueAt }, 2, at(100));
    const b = reminderRows(view, { deadlineId: deadline.deadlineId, dueOn: deadline.dueAt }, 2, at(100));
    expect(a.length).toBeGreaterThan(0);
    expect(a).toEqual(b);
    expect(a[0]!.id).toContain(`#${deadline.deadlineId}:2:reminder:`);
  });
});
