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

/** The rows as they were built before the holders were asked lazily: holders first, for every view. */
function eagerRows(v: DossierView): ReadModelRow[] {
  if (!v.isDossier) return [];
  const holders = deadlineHolders(v);
  return v.deadlines.flatMap((d): ReadModelRow[] => {
    const row = {
      stream_id: v.streamId,
      deadline_id: d.deadlineId,
      step: d.step,
      due_at: d.dueAt,
      scheduled_at: d.scheduledAt,
      state: d.state,
    };
    if (d.state !== 'open' || holders.length === 0)
      return [
        {
          ...row,
          role: null,
          unit_code: null,
          province_code: v.provinceCode,
          holder: '',
          active_from: null,
          active_to: null,
        },
      ];
    return holders.map((h) => ({
      ...row,
      role: h.role,
      unit_code: h.unitCode,
      province_code: h.provinceCode,
      holder: `${h.role}@${h.unitCode}`,
      active_from: h.from,
      active_to: h.until,
    }));
  });
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
        expect(JSON.stringify(rows)).toBe(JSON.stringify(eagerRows(view)));
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
    expect(JSON.stringify(rows)).toBe(JSON.stringify(eagerRows(several)));
    expect(rows.filter((r) => r.deadline_id === 'b')).toMatchObject([{ holder: '', role: null }]);
    expect(rows.filter((r) => r.deadline_id === 'a').length).toBeGreaterThan(0);
  });
});
