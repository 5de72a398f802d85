/**
 * Stored events are data from the past: the fold validates each one against its (upcast) contract before it reads
 * it, so a malformed event stops the dossier with a typed refusal instead of folding into NaN. The projections park
 * the same stream; the API answers a command on it with the refusal's code.
 */
import { describe, expect, it } from 'vitest';
import { DomainError, replay, type DecidedEvent } from '@ntm/domain';
import { given } from './spec.js';
import { communeJourney, run } from './journeys.js';

const ntm1 = communeJourney('ntm', 1);
const issue = ntm1.steps.find((s) => s.command.type === 'IssuePollReport')!;
const tallied = run(ntm1.steps.slice(0, ntm1.steps.indexOf(issue))).events;
const at = tallied.findIndex((e) => e.type === 'PollTallyRecorded');
const malformed: DecidedEvent[] = tallied.map((e, i) =>
  i === at ? { ...e, data: { ...e.data, households: 'a hundred and twenty' } } : e,
);

describe('a stored event that breaks its contract', () => {
  it('refuses a command on the dossier, naming the revision and the event type', () => {
    const error = given(malformed).when(issue.command, issue.ctx).thenFails('EVENT_DATA_INVALID');
    expect(error).toBeInstanceOf(DomainError);
    expect(error.kind).toBe('conflict');
    expect(error.params).toMatchObject({ revision: at, eventType: 'PollTallyRecorded' });
    expect(error.message).toContain(`PollTallyRecorded at revision ${at}`);
    expect(error.message).toContain('households');
    expect(error.messageVi).toContain(`PollTallyRecorded ở phiên bản ${at}`);
  });

  it('is not folded: no NaN reaches the state', () => {
    expect(() => replay(malformed)).toThrow(DomainError);
    expect(replay(tallied).poll.tallies).not.toEqual({});
    expect(Object.values(replay(tallied).poll.tallies).every((t) => Number.isFinite(t.households))).toBe(
      true,
    );
  });

  it('an event of an unknown type or schema version is refused the same way', () => {
    const unknown = [...tallied, { ...tallied[at]!, type: 'PollTallyErased' }];
    given(unknown).when(issue.command, issue.ctx).thenFails('EVENT_DATA_INVALID');
    const future = tallied.map((e, i) => (i === at ? { ...e, schemaVersion: 9 } : e));
    given(future).when(issue.command, issue.ctx).thenFails('EVENT_DATA_INVALID');
  });
});
