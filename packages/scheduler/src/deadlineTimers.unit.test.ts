import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@ntm/event-store';
import { deadlineTimerId, deadlineTimersOf, dueDayTimerId } from './deadlineTimers.js';

const recorded = (type: string, data: object): RecordedEvent =>
  ({ type, data, streamId: 'dossier-d1' }) as unknown as RecordedEvent;

describe('deadlineTimersOf', () => {
  it('sets the timers of every event that gives a deadline a due day: its day’s, and its own a minute later', () => {
    const at = (type: string, data: object) =>
      deadlineTimersOf(recorded(type, data)).map((t) => [t.id, t.dueAt]);
    const id = deadlineTimerId('dossier-d1', 'appraisal-2026-01-05');
    expect(at('DeadlineScheduled', { deadlineId: 'appraisal-2026-01-05', dueOn: '2026-02-02' })).toEqual([
      [dueDayTimerId('2026-02-02'), '2026-02-02T17:00:00.000Z'],
      [id, '2026-02-02T17:01:00.000Z'],
    ]);
    // The timer found the clock stopped and was done: the resumption must set one again.
    expect(at('DeadlineResumed', { deadlineId: 'appraisal-2026-01-05', dueOn: '2026-02-20' })).toEqual([
      [dueDayTimerId('2026-02-20'), '2026-02-20T17:00:00.000Z'],
      [id, '2026-02-20T17:01:00.000Z'],
    ]);
    expect(at('DeadlineExtended', { deadlineId: 'appraisal-2026-01-05', dueOn: '2026-03-02' })).toEqual([
      [dueDayTimerId('2026-03-02'), '2026-03-02T17:00:00.000Z'],
      [id, '2026-03-02T17:01:00.000Z'],
    ]);
    expect(
      at('ApologyIssued', {
        deadlineId: 'appraisal-2026-01-05',
        newDeadlineId: 'appraisal-2026-03-04-apology',
        newReturnOn: '2026-03-10',
      }),
    ).toEqual([
      [dueDayTimerId('2026-03-10'), '2026-03-10T17:00:00.000Z'],
      [deadlineTimerId('dossier-d1', 'appraisal-2026-03-04-apology'), '2026-03-10T17:01:00.000Z'],
    ]);
  });

  it('with a lead to read ahead (ADR 0040), sets the day’s timer that long before the instant, its own unchanged', () => {
    const timers = deadlineTimersOf(
      recorded('DeadlineScheduled', { deadlineId: 'appraisal-2026-01-05', dueOn: '2026-02-02' }),
      3,
      30_000,
    );
    expect(timers.map((t) => [t.id, t.dueAt])).toEqual([
      [dueDayTimerId('2026-02-02', 0, 3), '2026-02-02T16:59:30.000Z'],
      [dueDayTimerId('2026-02-02', 1, 3), '2026-02-02T16:59:30.000Z'],
      [dueDayTimerId('2026-02-02', 2, 3), '2026-02-02T16:59:30.000Z'],
      [deadlineTimerId('dossier-d1', 'appraisal-2026-01-05'), '2026-02-02T17:01:00.000Z'],
    ]);
  });

  it('sets none for other events or a deadline without its fields', () => {
    expect(deadlineTimersOf(recorded('DeadlineSuspended', { deadlineId: 'x', dueOn: '2026-02-02' }))).toEqual(
      [],
    );
    expect(deadlineTimersOf(recorded('DeadlineElapsed', { deadlineId: 'x' }))).toEqual([]);
    expect(deadlineTimersOf(recorded('DeadlineScheduled', { deadlineId: 'x' }))).toEqual([]);
  });
});
