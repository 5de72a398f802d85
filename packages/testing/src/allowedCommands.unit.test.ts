import { describe, expect, it } from 'vitest';
import { addCalendarDays, allowedCommands } from '@ntm/domain';
import { ACTORS, at } from './fixtures.js';
import { communeJourney, reach } from './journeys.js';

describe('allowedCommands', () => {
  const journey = communeJourney('ntm', 1);
  it('tells each role what it may do next', () => {
    const { state } = reach(journey, 'noticeClosed');
    expect(allowedCommands(state, ACTORS.frontOfficer).sort()).toEqual([
      'AttachDocument',
      'AttachDocumentFile',
      'IssuePollReport',
      'RecordPollTally',
    ]);
    expect(allowedCommands(state, ACTORS.communeOfficial).sort()).toEqual([
      'AttachDocument',
      'AttachDocumentFile',
      'PublishResults',
      'WithdrawDossier',
    ]);
    expect(allowedCommands(state, ACTORS.auditor)).toEqual([]);
  });
  it('leaves out what segregation of duties forbids', () => {
    const { state } = reach(journey, 'submitted');
    // By role alone the verifier may also apologise for a late dossier; on a day it is not late, it may not.
    expect(allowedCommands(state, ACTORS.districtVerifier).sort()).toEqual([
      'IssueApology',
      'RecordVerification',
      'ReturnDossier',
    ]);
    const onTime = at(state.deadlines[0]!.dueOn);
    expect(allowedCommands(state, ACTORS.districtVerifier, onTime).sort()).toEqual([
      'RecordVerification',
      'ReturnDossier',
    ]);
    const late = at(addCalendarDays(state.deadlines[0]!.dueOn, 1));
    expect(allowedCommands(state, ACTORS.districtVerifier, late)).toContain('IssueApology');
    expect(allowedCommands(state, { ...ACTORS.districtVerifier, id: ACTORS.communeOfficial.id })).toEqual([]);
  });
});
