/** A village dossier whose province named its own decider waits in that decider's inbox (findings §4.4). */
import { describe, expect, it } from 'vitest';
import type { DecidedEvent } from '@ntm/domain';
import type { RecordedEvent } from '@ntm/event-store';
import {
  openedUnder,
  reach,
  recordedEvents,
  THAI_NGUYEN,
  villageDeciderOf,
  villageJourney,
} from '@ntm/testing';
import { evolveView, nextActors, type DossierView } from './index.js';

const fold = (events: readonly DecidedEvent[]) =>
  recordedEvents(
    'dossier-village-v2',
    events,
    (i) => `2025-08-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`,
  ).reduce<DossierView | undefined>((v, e: RecordedEvent) => evolveView(v, e), undefined)!;

describe('the inbox of a village dossier at its decision', () => {
  it('is the provincial chairman’s where the province named them at opening', () => {
    const journey = openedUnder(villageJourney(2), villageDeciderOf(THAI_NGUYEN, 'provincial_chairman'));
    const view = fold(reach(journey, 'submitted').events);
    expect(view.villageDecider).toBe('provincial_chairman');
    const holders = nextActors(view).map((e) => [e.role, e.unitCode]);
    expect(holders).toContainEqual(['provincial_chairman', THAI_NGUYEN]);
    expect(holders.map(([role]) => role)).not.toContain('commune_chairman');
  });

  it('is the commune chairman’s under the national default', () => {
    const view = fold(reach(villageJourney(2), 'submitted').events);
    expect(nextActors(view).map((e) => e.role)).toContain('commune_chairman');
  });
});
