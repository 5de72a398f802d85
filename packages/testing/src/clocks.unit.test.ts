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

describe('suspension, extension and apology (given/when/then)', () => {
  const appraiser = (date: string) => ({ now: at(date), actor: ACTORS_2025.provincialAppraiser });
  const chairman = (date: string) => ({ now: at(date), actor: ACTORS_2025.provincialChairman });
  const cmd = (type: string, body: Record<string, unknown>) => ({
    type,
    dossierId: journey.dossierId,
    ...body,
  });
  const submitted = () => given(reach(journey, 'meetingHeld').events).when(submit, official('2025-10-06'));
  // Submitted Mon 6/10/2025: verification due in 15 working days, Mon 27/10.
  const verification = 'verification-2025-10-06';

  it('a return for documents only stops the clock; the resubmission restarts it with what was left', () => {
    const { history } = submitted().then([{}, { data: { dueOn: '2025-10-27' } }]);
    const back = cmd('ReturnDossier', { reasons: [{ code: 'DOCUMENT_MISSING', detail: 'Thiếu biên bản' }] });
    // Returned Fri 10/10: 4 working days used (7-10/10), 11 left.
    const { history: returned, state } = given(history)
      .when(back, appraiser('2025-10-10'))
      .then([
        { type: 'DossierReturned', toState: 'returned' },
        {
          type: 'DeadlineSuspended',
          data: { deadlineId: verification, remainingWorkingDays: 11, suspendedOn: '2025-10-10' },
        },
      ]);
    expect(state.deadlines).toEqual([]);
    expect(state.rulesRead).toContain('procedure:supplementRequest');
    // Resubmitted Mon 20/10: 11 working days on is Tue 4/11.
    const { state: resumed } = given(returned)
      .when(cmd('ResubmitDossier', { letterNo: '46/TTr-UBND', changes: 'Bổ sung' }), official('2025-10-20'))
      .then([
        { type: 'DossierResubmitted' },
        {
          type: 'DeadlineResumed',
          data: {
            deadlineId: verification,
            resumedOn: '2025-10-20',
            remainingWorkingDays: 11,
            dueOn: '2025-11-04',
          },
        },
      ]);
    expect(resumed.deadlines).toMatchObject([{ deadlineId: verification, dueOn: '2025-11-04' }]);
    expect(resumed.suspendedDeadlines).toBeUndefined();
  });

  it('a return for rework restarts the clock in full on resubmission', () => {
    const { history } = submitted().then([{}, {}]);
    const back = cmd('ReturnDossier', {
      reasons: [{ code: 'CRITERION_NOT_MET', criterionCode: '2', detail: 'Chưa đạt' }],
    });
    const { history: returned } = given(history)
      .when(back, appraiser('2025-10-10'))
      .then([{ type: 'DossierReturned' }]);
    given(returned)
      .when(cmd('ResubmitDossier', { letterNo: '46/TTr-UBND', changes: 'Làm lại' }), official('2025-10-20'))
      .then([{ type: 'DossierResubmitted' }, { type: 'DeadlineScheduled', data: { dueOn: '2025-11-10' } }]);
  });

  it('the decider extends a running deadline, with a reason and who granted it; the appraiser may not', () => {
    const { history } = submitted().then([{}, {}]);
    const extend = cmd('ExtendDeadline', {
      deadlineId: verification,
      workingDays: 5,
      reason: 'Cần kiểm tra thực địa',
    });
    given(history).when(extend, appraiser('2025-10-20')).thenFails('ROLE_NOT_ALLOWED');
    const { state } = given(history)
      .when(extend, chairman('2025-10-20'))
      .then([
        {
          type: 'DeadlineExtended',
          data: {
            previousDueOn: '2025-10-27',
            dueOn: '2025-11-03',
            reason: 'Cần kiểm tra thực địa',
            grantedBy: { id: ACTORS_2025.provincialChairman.id, role: 'provincial_chairman' },
          },
        },
      ]);
    expect(state.deadlines[0]).toMatchObject({ dueOn: '2025-11-03', extensions: [{ workingDays: 5 }] });
    // After the due day, no extension: the apology is due.
    given(history).when(extend, chairman('2025-10-28')).thenFails('DEADLINE_OVERDUE');
  });

  it('a late dossier gets an apology with a new return date (form 04), which opens a new deadline', () => {
    const { history } = submitted().then([{}, {}]);
    const apology = (newReturnOn: string) =>
      cmd('IssueApology', { deadlineId: verification, newReturnOn, reason: 'Chờ ý kiến các sở' });
    given(history).when(apology('2025-11-05'), appraiser('2025-10-27')).thenFails('DEADLINE_NOT_OVERDUE');
    given(history).when(apology('2025-10-28'), appraiser('2025-10-28')).thenFails('RETURN_DATE_INVALID');
    given(history).when(apology('2025-11-08'), appraiser('2025-10-28')).thenFails('RETURN_DATE_INVALID'); // a Saturday
    const { state } = given(history)
      .when(apology('2025-11-05'), appraiser('2025-10-28'))
      .then([
        {
          type: 'ApologyIssued',
          data: {
            missedDueOn: '2025-10-27',
            newReturnOn: '2025-11-05',
            newDeadlineId: 'verification-2025-10-28-apology',
          },
        },
      ]);
    expect(state.deadlines).toEqual([
      expect.objectContaining({
        deadlineId: 'verification-2025-10-28-apology',
        dueOn: '2025-11-05',
        apologyFor: verification,
      }),
    ]);
  });
});
