import { describe, expect, it } from 'vitest';
import { lagOverGoal, type LaggedEvent } from './lagWindows.js';

const at = (s: string) => Date.parse(`2026-12-05T09:14:${s}Z`);
const event = (revision: number, recorded: string, lagMs: number): LaggedEvent => ({
  revision,
  recordedAtMs: at(recorded),
  seenAtMs: at(recorded) + lagMs,
});
const journey = ['OpenDossier', 'RecordSelfAssessment', 'RecordSelfAssessment', 'SubmitDossier'];

describe('lagOverGoal', () => {
  it('names the windows whose events reached the goal, worst first, with the commands that appended them', () => {
    const events = [
      event(1, '46.010', 20),
      event(1, '46.050', 30),
      event(3, '46.420', 190),
      event(3, '46.450', 210),
      event(3, '46.480', 99),
      event(0, '47.130', 100),
      event(1, '47.160', 40),
    ];
    const result = lagOverGoal(events, 100, journey);
    expect(result.events).toBe(3);
    // Over the whole step, not only in the windows named: the rounds that failed, most first.
    expect(Object.entries(result.byCommand)).toEqual([
      ['SubmitDossier', 2],
      ['OpenDossier', 1],
    ]);
    expect(result.windows).toEqual([
      { at: '09:14:46.4', events: 3, overGoal: 2, maxLagMs: 210, commands: { SubmitDossier: 3 } },
      {
        at: '09:14:47.1',
        events: 2,
        overGoal: 1,
        maxLagMs: 100,
        commands: { OpenDossier: 1, RecordSelfAssessment: 1 },
      },
    ]);
  });

  it('keeps the worst windows only, and names a revision past the journey by its number', () => {
    const events = [
      event(9, '40.000', 150),
      event(2, '41.000', 150),
      event(2, '41.010', 150),
      event(2, '42.000', 150),
    ];
    const result = lagOverGoal(events, 100, journey, 100, 2);
    expect(result.events).toBe(4);
    expect(result.byCommand).toEqual({ RecordSelfAssessment: 3, 'revision 9': 1 });
    expect(result.windows.map((w) => [w.at, w.overGoal])).toEqual([
      ['09:14:41.0', 2],
      ['09:14:40.0', 1],
    ]);
    expect(lagOverGoal([event(9, '40.000', 150)], 100, journey).windows[0]!.commands).toEqual({
      'revision 9': 1,
    });
  });

  it("gives the store's part of the events over the goal when the log follower saw them", () => {
    const logged = (e: LaggedEvent, inLogMs: number) => ({ ...e, loggedAtMs: e.recordedAtMs + inLogMs });
    const events = [
      logged(event(3, '46.410', 150), 120),
      logged(event(3, '46.420', 190), 30),
      logged(event(3, '46.430', 20), 15),
    ];
    expect(lagOverGoal(events, 100, journey).windows).toEqual([
      {
        at: '09:14:46.4',
        events: 3,
        overGoal: 2,
        maxLagMs: 190,
        maxInLogMs: 120,
        commands: { SubmitDossier: 3 },
      },
    ]);
  });

  it('has nothing to say of a step within the goal', () => {
    expect(lagOverGoal([event(1, '46.010', 20), event(2, '46.020', 99.9)], 100, journey)).toEqual({
      events: 0,
      byCommand: {},
      windows: [],
    });
  });
});
