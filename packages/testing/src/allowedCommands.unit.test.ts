import { describe, expect, it } from 'vitest';
import { allowedCommands } from '@ntm/domain';
import { ACTORS } from './fixtures.js';
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
    expect(allowedCommands(state, ACTORS.districtVerifier).sort()).toEqual([
      'RecordVerification',
      'ReturnDossier',
    ]);
    expect(allowedCommands(state, { ...ACTORS.districtVerifier, id: ACTORS.communeOfficial.id })).toEqual([]);
  });
});
