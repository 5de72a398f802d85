/**
 * Complaints against decisions (Law on Complaints 02/2011/QH13): the window, the decision complained of, who resolves
 * it and in how long, and what stays out of the log. Every transition is also fired by `transitions.unit.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { addCalendarDays, ruleSetAt, type DecisionContext, type DossierCommand } from '@ntm/domain';
import { given } from './spec.js';
import { ACTORS_2025, QUANG_BACH, YEN_THINH, at } from './fixtures.js';
import { complaintJourney, complaintTargetState, reach, revocationJourney, run } from './journeys.js';

const target = complaintTargetState();
const id = 'complaint-1';
const official = ACTORS_2025.communeOfficial;
const chairman = ACTORS_2025.provincialChairman;
const ctx = (date: string, actor: DecisionContext['actor'] = official): DecisionContext => ({
  now: at(date),
  actor,
  complaintTarget: target,
});
const filing = (extra: Record<string, unknown> = {}): DossierCommand => ({
  type: 'OpenDossier',
  dossierId: id,
  kind: 'COMPLAINT',
  unitCode: QUANG_BACH,
  year: 2025,
  complaint: {
    targetDossierId: target.id,
    complainant: { name: 'Nguyễn Văn Khiếu', address: 'Thôn Nà Hà' },
    grounds: 'Kết quả rà soát tiêu chí 17 không đúng',
    ...extra,
  },
});

describe('complaint window (Art. 9)', () => {
  const decidedOn = target.decision!.decidedOn;
  const lastDay = addCalendarDays(decidedOn, ruleSetAt(decidedOn).complaints.windowDays.value);

  it('is the rule set’s 90 days, confirmed by the Law’s text', () => {
    const rule = ruleSetAt('2025-10-01').complaints;
    expect(rule.windowDays).toMatchObject({ value: 90, confirmed: true });
    expect(rule.windowDays.legalBasis).toContain('Art. 9');
    expect(rule.resolutionDays).toMatchObject({
      value: { normal: 30, complex: 45, remote: 45, remoteComplex: 60 },
      confirmed: true,
    });
  });

  it('receives a complaint on its last day, recording the decision and its issuer', () => {
    given([])
      .when(filing(), ctx(lastDay))
      .then([
        {
          type: 'DossierOpened',
          toState: 'filed',
          data: {
            kind: 'COMPLAINT',
            scope: target.scope,
            complaint: {
              targetDossierId: target.id,
              targetKind: 'REVOCATION',
              decision: { outcome: 'revoke', decisionNo: '1500/QĐ-UBND', decidedOn },
              issuerRole: 'provincial_chairman',
              windowDays: 90,
              windowEndsOn: lastDay,
            },
          },
        },
      ]);
  });

  it('refuses it the day after, naming the window and its basis', () => {
    const error = given([])
      .when(filing(), ctx(addCalendarDays(lastDay, 1)))
      .thenFails('COMPLAINT_WINDOW_CLOSED');
    expect(error.kind).toBe('unprocessable');
    expect(error.params).toMatchObject({ endsOn: lastDay, days: 90 });
    expect(error.message).toContain('Art. 9');
    expect(error.messageVi).toContain('thời hiệu khiếu nại');
  });

  it('counts from the later day the decision was received or learned of', () => {
    const learnedOn = addCalendarDays(decidedOn, 10);
    given([])
      .when(filing({ learnedOn }), ctx(addCalendarDays(lastDay, 10)))
      .then([{ data: { complaint: { learnedOn, windowEndsOn: addCalendarDays(learnedOn, 90) } } }]);
    given([])
      .when(filing({ learnedOn: addCalendarDays(decidedOn, -1) }), ctx('2025-10-01'))
      .thenFails('VALIDATION_FAILED');
    given([])
      .when(filing({ learnedOn: '2025-10-02' }), ctx('2025-10-01'))
      .thenFails('VALIDATION_FAILED');
  });
});

describe('the decision complained of', () => {
  it('must exist, hold a decision and be about the unit named', () => {
    const { complaintTarget: _t, ...noTarget } = ctx('2025-10-01');
    expect(given([]).when(filing(), noTarget).thenFails('COMPLAINT_TARGET_INVALID').params).toMatchObject({
      reason: 'NOT_FOUND',
    });
    const undecided = reach(revocationJourney(2), 'submitted').state;
    expect(
      given([])
        .when(filing(), { ...ctx('2025-10-01'), complaintTarget: undecided })
        .thenFails('COMPLAINT_TARGET_INVALID').params,
    ).toMatchObject({ reason: 'NO_DECISION' });
    expect(
      given([])
        .when({ ...filing(), unitCode: YEN_THINH }, ctx('2025-10-01'))
        .thenFails('COMPLAINT_TARGET_INVALID').params,
    ).toMatchObject({ reason: 'UNIT_MISMATCH' });
  });

  it('keeps who complains and why out of the log: only their SHA-256', () => {
    const { events } = given([])
      .when(filing(), ctx('2025-10-01'))
      .then([{ type: 'DossierOpened' }]);
    const json = JSON.stringify(events);
    expect(json).not.toContain('Nguyễn Văn Khiếu');
    expect(json).not.toContain('Thôn Nà Hà');
    expect(json).not.toContain('tiêu chí 17');
    const complaint = (events[0]!.data as { complaint: Record<string, string> }).complaint;
    expect(complaint['complainantSha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(complaint['groundsSha256']).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('acceptance and resolution (Art. 7, 28)', () => {
  const filed = run(complaintJourney().steps.slice(0, 1)).events;
  const accept = (complex: boolean, remoteArea: boolean): DossierCommand => ({
    type: 'AcceptComplaint',
    dossierId: 'complaint-on-revocation-v2',
    acceptedOn: '2025-10-03',
    complex,
    remoteArea,
  });

  it('starts a resolution deadline of 30, 45, 45 or 60 working days', () => {
    const cases: [boolean, boolean, number][] = [
      [false, false, 30],
      [true, false, 45],
      [false, true, 45],
      [true, true, 60],
    ];
    for (const [complex, remote, days] of cases)
      given(filed)
        .when(accept(complex, remote), ctx('2025-10-03', chairman))
        .then([
          { type: 'ComplaintAccepted', data: { resolutionWorkingDays: days }, toState: 'accepted' },
          {
            type: 'DeadlineScheduled',
            data: { step: 'complaint', workingDays: days, startedOn: '2025-10-03' },
          },
        ]);
  });

  it('is for the issuer of the decision only', () => {
    const communeChairman = ACTORS_2025.communeChairman;
    given(filed)
      .when(accept(false, false), ctx('2025-10-03', communeChairman))
      .thenFails('COMPLAINT_NOT_ISSUER');
    given(filed)
      .when(accept(false, false), ctx('2025-10-03', ACTORS_2025.provincialAppraiser))
      .thenFails('ROLE_NOT_ALLOWED');
    given(filed).when(accept(false, false), ctx('2025-10-03', official)).thenFails('ROLE_NOT_ALLOWED');
  });

  it('records the resolution with a number drawn when none is given, and the decision it is about', () => {
    const accepted = reach(complaintJourney(), 'accepted').events;
    given(accepted)
      .when(
        { type: 'DecideComplaint', dossierId: 'x', outcome: 'annulled', decidedOn: '2025-10-20' },
        { ...ctx('2025-10-20', chairman), numbers: { decisionNo: '05/QĐ-UBND' } },
      )
      .then([
        {
          type: 'ComplaintDecided',
          toState: 'annulled',
          data: { decisionNo: '05/QĐ-UBND', targetDossierId: target.id, targetDecisionNo: '1500/QĐ-UBND' },
        },
      ]);
    given(accepted)
      .when(
        {
          type: 'DecideComplaint',
          dossierId: 'x',
          outcome: 'amended',
          decisionNo: '6/QĐ',
          decidedOn: '2025-10-20',
        },
        ctx('2025-10-20', chairman),
      )
      .thenFails('VALIDATION_FAILED');
  });
});
