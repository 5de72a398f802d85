/**
 * Law provenance on every decision (issue 14): each event records the rule parameters and criteria it read
 * (`rulesRead`), and a decision lists every rule its dossier's events read, with the basis and whether it is
 * confirmed; a dossier opened from 15/02/2026 says its procedure is unconfirmed for the period.
 */
import { describe, expect, it } from 'vitest';
import type { DecidedEvent } from '@ntm/domain';
import { communeJourney, reach, revocationJourney, run } from './journeys.js';

const decisionOf = (events: DecidedEvent[], type: string) => events.find((e) => e.type === type)!;
const readBy = (events: DecidedEvent[]) =>
  [...new Set(events.flatMap((e) => (e.data['rulesRead'] as string[] | undefined) ?? []))].sort();
type Entry = { rule: string; basis: string; confirmed: boolean; value?: string };

describe('provenance of a recognition decision (commune NTM, two-tier procedure, 2025)', () => {
  const { events, state } = run(communeJourney('ntm', 2).steps);
  const decision = decisionOf(events, 'RecognitionDecided');
  const provenance = decision.data['provenance'] as Entry[];

  it("lists exactly the rules the dossier's events read, each with its basis", () => {
    expect(provenance.map((p) => p.rule)).toEqual(readBy(events.slice(0, events.indexOf(decision) + 1)));
    expect(provenance.every((p) => p.basis.length > 0)).toBe(true);
  });

  it('names the figures a chairman signs on, and which are defaults', () => {
    const byRule = Object.fromEntries(provenance.map((p) => [p.rule, p]));
    expect(byRule['two-tier-2025@3:poll.passShare.ntm']).toMatchObject({ value: '>= 90%', confirmed: false });
    expect(byRule['two-tier-2025@3:council.approvalShare']).toMatchObject({ confirmed: false });
    expect(byRule['two-tier-2025@3:notice.communeDays']).toMatchObject({ value: '15', confirmed: false });
    expect(byRule['two-tier-2025@3:decider.COMMUNE_NTM']).toMatchObject({
      value: 'provincial_chairman',
      confirmed: true,
    });
    expect(byRule['two-tier-2025@3:securityCondition']).toMatchObject({ confirmed: true });
    expect(byRule['criteria:commune-ntm-2021-2025']).toMatchObject({ confirmed: false });
    expect(byRule['programme:ntm-2021-2025.tiers']).toMatchObject({ confirmed: true });
  });

  it('records on each event what it read, and on a deadline the deadline parameter', () => {
    const opened = events[0]!;
    expect(opened.data['rulesRead']).toEqual(
      expect.arrayContaining(['criteria:commune-ntm-2021-2025', 'two-tier-2025@3:securityCondition']),
    );
    const deadline = events.find((e) => e.type === 'DeadlineScheduled')!;
    expect(deadline.data['rulesRead']).toEqual([
      `two-tier-2025@3:deadlines.${String(deadline.data['step'])}WorkingDays`,
    ]);
    expect(events.find((e) => e.type === 'CommentRecorded')?.data['rulesRead']).toBeUndefined();
  });

  it('folds into the dossier view: the rules read and the last decision provenance', () => {
    expect(state?.provenance).toEqual(provenance);
    expect(state?.rulesRead).toEqual(readBy(events));
    expect(state?.procedureUnconfirmed).toBeUndefined();
  });
});

describe('a dossier opened under the 2026-2030 programme', () => {
  const { events, state } = run(communeJourney('ntm', 2, 2026).steps);

  it('is judged on QĐ 51/2025 and says its procedure is unconfirmed, in its view and its decision', () => {
    expect(events[0]!.data).toMatchObject({
      criteriaSetId: 'commune-ntm-2026-2030',
      procedureUnconfirmed: { from: '2026-02-15' },
    });
    const decision = decisionOf(events, 'RecognitionDecided');
    expect(decision.data['procedureUnconfirmed']).toMatchObject({ from: '2026-02-15' });
    const byRule = Object.fromEntries((decision.data['provenance'] as Entry[]).map((p) => [p.rule, p]));
    expect(byRule['two-tier-2025@3:procedureUnconfirmedFrom']).toMatchObject({ confirmed: false });
    expect(byRule['criteria:commune-ntm-2026-2030']).toMatchObject({ confirmed: false });
    expect(byRule['programme:ntm-2026-2030.tiers']).toMatchObject({ confirmed: false });
    expect(state?.procedureUnconfirmed).toMatchObject({ from: '2026-02-15' });
  });
});

describe('provenance of a revocation decision', () => {
  it('includes the revocation grounds applied by the assessment', () => {
    const { events } = run(revocationJourney(2).steps);
    const decision = decisionOf(events, 'RecognitionRevoked');
    const rules = (decision.data['provenance'] as Entry[]).map((p) => p.rule);
    expect(rules).toContain('two-tier-2025@3:revocation');
    expect(rules).toContain('two-tier-2025@3:decider.REVOCATION');
  });

  it('is absent from events that decide nothing', () => {
    const { events } = reach(communeJourney('ntm', 1), 'noticeClosed');
    expect(events.some((e) => 'provenance' in e.data)).toBe(false);
  });
});
