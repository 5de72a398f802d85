/**
 * Legal clocks in the decider: deadlines counted in working days from the dated calendar, a year not entered yet
 * counted with the statute alone and flagged on the deadline rather than refused on 1 January.
 */
import { describe, expect, it } from 'vitest';
import { given } from './spec.js';
import { ACTORS_2025, at } from './fixtures.js';
import { communeJourney, reach } from './journeys.js';

const journey = communeJourney('ntm', 2);
const submit = { type: 'SubmitDossier', dossierId: journey.dossierId, letterNo: '45/TTr-UBND' };
const official = (date: string) => ({ now: at(date), actor: ACTORS_2025.communeOfficial });

describe('deadlines from the dated calendar', () => {
  it('a deadline over confirmed years carries no flag', () => {
    const { events } = reach(journey, 'meetingHeld');
    const { events: decided } = given(events)
      .when(submit, official('2025-10-06'))
      .then([{ type: 'DossierSubmitted' }, { type: 'DeadlineScheduled', data: { dueOn: '2025-10-27' } }]);
    expect(decided[1]!.data).not.toHaveProperty('calendarUnconfirmedYears');
  });

  it('a deadline into an estimated year says so', () => {
    const { events } = reach(journey, 'meetingHeld');
    given(events)
      .when(submit, official('2026-12-21'))
      .then([
        { type: 'DossierSubmitted' },
        { type: 'DeadlineScheduled', data: { calendarUnconfirmedYears: [2026, 2027] } },
      ]);
  });

  it('a submission on the last working day of the data gets a due date in the next year, flagged, not a refusal', () => {
    const { events } = reach(journey, 'meetingHeld');
    // 15 working days from Fri 31/12/2027: 2028 counted with the statute alone (New Year Sat 1/1 taken on Mon 3/1).
    given(events)
      .when(submit, official('2027-12-31'))
      .then([
        { type: 'DossierSubmitted' },
        {
          type: 'DeadlineScheduled',
          data: { startedOn: '2027-12-31', dueOn: '2028-01-24', calendarUnconfirmedYears: [2027, 2028] },
        },
      ]);
  });
});
