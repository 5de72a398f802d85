import { describe, expect, it } from 'vitest';
import type { DecidedEvent } from '@ntm/domain';
import type { RecordedEvent } from '@ntm/event-store';
import { allJourneys, recordedEvents, run } from '@ntm/testing';
import { evolveView, type DossierView } from './dossierView.js';
import { projectToDeadlines } from './deadlines.js';
import { deadlineHolders } from './nextActor.js';
import type { ReadModelRow } from './projection.js';

const recorded = (streamId: string, events: readonly DecidedEvent[]) =>
  recordedEvents(streamId, events, (i) => `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`);

const COLUMNS = ['stream_id', 'deadline_id', 'step', 'due_at', 'scheduled_at', 'state', 'role', 'unit_code'];

/**
 * The rows as the projection defines them, written out as value lists: one per holder of an open deadline (who acts
 * next on the view), one without a holder for any other deadline, or for an open one that nobody holds.
 */
function expectedRows(v: DossierView): unknown[][] {
  if (!v.isDossier) return [];
  const holders = deadlineHolders(v);
  return v.deadlines.flatMap((d) => {
    const held = d.state === 'open' ? holders : [];
    const who =
      held.length > 0
        ? held.map((h) => [h.role, h.unitCode, h.provinceCode, `${h.role}@${h.unitCode}`, h.from, h.until])
        : [[null, null, v.provinceCode, '', null, null]];
    return who.map((w) => [v.streamId, d.deadlineId, d.step, d.dueAt, d.scheduledAt, d.state, ...w]);
  });
}

/** The rows' values in column order, having checked that every row has the table's columns in that order. */
function valuesOf(rows: ReadModelRow[]): unknown[][] {
  const columns = [...COLUMNS, 'province_code', 'holder', 'active_from', 'active_to'];
  for (const row of rows) expect(Object.keys(row)).toEqual(columns);
  return rows.map((row) => Object.values(row));
}

describe('deadline rows, with the holders asked only for an open deadline', () => {
  it('equal the rows built with the holders of every view, after every event of every journey', () => {
    let open = 0;
    let compared = 0;
    for (const journey of allJourneys()) {
      const events: RecordedEvent[] = recorded(`dossier-${journey.name}`, run(journey.steps).events);
      let view: DossierView | undefined;
      for (const event of events) {
        view = evolveView(view, event);
        const rows = projectToDeadlines.rows(view);
        expect(valuesOf(rows)).toEqual(expectedRows(view));
        open += view.deadlines.filter((d) => d.state === 'open').length;
        compared += rows.length;
      }
    }
    // The journeys do reach open deadlines (holders asked) and others (holders not asked).
    expect(open).toBeGreaterThan(0);
    expect(compared).toBeGreaterThan(open);
  });

  it('ask the holders once for several open deadlines, and give a closed one its single row', () => {
    const journey = allJourneys().find((j) =>
      run(j.steps).events.some((e) => e.type === 'DeadlineScheduled'),
    )!;
    const events = recorded(`dossier-${journey.name}`, run(journey.steps).events);
    const scheduled = events.findIndex((e) => e.type === 'DeadlineScheduled');
    const view = events.slice(0, scheduled + 1).reduce<DossierView | undefined>(evolveView, undefined)!;
    const [first] = view.deadlines;
    const several: DossierView = {
      ...view,
      deadlines: [
        { ...first!, deadlineId: 'a', state: 'open' },
        { ...first!, deadlineId: 'b', state: 'met' },
        { ...first!, deadlineId: 'c', state: 'open' },
      ],
    };
    const rows = projectToDeadlines.rows(several);
    expect(valuesOf(rows)).toEqual(expectedRows(several));
    expect(rows.filter((r) => r.deadline_id === 'b')).toMatchObject([{ holder: '', role: null }]);
    expect(rows.filter((r) => r.deadline_id === 'a').length).toBeGreaterThan(0);
  });
});
