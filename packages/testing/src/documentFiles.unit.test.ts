/**
 * Document files in the domain: who may upload at which step, versions of one document, the kind a document keeps,
 * and files counting for the checklist.
 */
import { describe, expect, it } from 'vitest';
import type { DecisionContext, DossierCommand } from '@ntm/domain';
import { given } from './spec.js';
import { ACTORS, at } from './fixtures.js';
import { communeJourney, reach, run } from './journeys.js';

const ntm1 = communeJourney('ntm', 1);
const id = ntm1.dossierId;
const sha = (c: string) => c.repeat(64);
const file = (documentId: string, documentKind: string, hash: string): DossierCommand => ({
  type: 'AttachDocumentFile',
  dossierId: id,
  documentId,
  documentKind,
  sha256: hash,
  size: 2048,
  mediaType: 'application/pdf',
});
const as = (actor: DecisionContext['actor'], date: string): DecisionContext => ({ now: at(date), actor });

describe('document files', () => {
  it('numbers the files of one document 1, 2, … and keeps every version in the state', () => {
    const { events } = reach(ntm1, 'preparing');
    const first = given(events)
      .when(file('minutes', 'proposal_meeting_minutes', sha('a')), as(ACTORS.communeOfficial, '2024-04-01'))
      .then([{ type: 'DocumentFileAttached', data: { version: 1, sha256: sha('a'), dossierVersion: 1 } }]);
    const second = given(first.history)
      .when(file('minutes', 'proposal_meeting_minutes', sha('b')), as(ACTORS.communeOfficial, '2024-04-01'))
      .then([{ type: 'DocumentFileAttached', data: { version: 2, sha256: sha('b') } }]);
    expect(second.state.files?.map((f) => [f.documentId, f.version, f.sha256])).toEqual([
      ['minutes', 1, sha('a')],
      ['minutes', 2, sha('b')],
    ]);
  });

  it('refuses a file whose kind differs from the document it belongs to', () => {
    const { events } = reach(ntm1, 'preparing');
    const withFile = given(events)
      .when(file('minutes', 'proposal_meeting_minutes', sha('a')), as(ACTORS.communeOfficial, '2024-04-01'))
      .then([{ type: 'DocumentFileAttached' }]).history;
    const error = given(withFile)
      .when(file('minutes', 'poll_report', sha('c')), as(ACTORS.communeOfficial, '2024-04-01'))
      .thenFails('DOCUMENT_KIND_MISMATCH');
    expect(error.params).toEqual({ documentId: 'minutes', documentKind: 'proposal_meeting_minutes' });
  });

  it('refuses uploads by a role that may not attach documents, and after submission', () => {
    const { events } = reach(ntm1, 'preparing');
    given(events)
      .when(file('x', 'other', sha('d')), as(ACTORS.districtVerifier, '2024-04-01'))
      .thenFails('ROLE_NOT_ALLOWED');
    const submitted = reach(ntm1, 'submitted').events;
    given(submitted)
      .when(file('x', 'other', sha('d')), as(ACTORS.communeOfficial, '2024-05-02'))
      .thenFails('COMMAND_NOT_ALLOWED_IN_STATE');
  });

  it('counts an uploaded file of a required kind for the checklist', () => {
    const withoutSecurity = ntm1.steps.filter((s) => s.command.documentKind !== 'security_confirmation');
    const events = run(withoutSecurity, 'meetingHeld').events;
    const withFile = given(events)
      .when(file('police', 'security_confirmation', sha('e')), as(ACTORS.communeOfficial, '2024-04-26'))
      .then([{ type: 'DocumentFileAttached' }]).history;
    given(withFile)
      .when(
        { type: 'SubmitDossier', dossierId: id, letterNo: '45/TTr-UBND' },
        as(ACTORS.communeOfficial, '2024-04-26'),
      )
      .then([{ type: 'DossierSubmitted', toState: 'submitted' }, { type: 'DeadlineScheduled' }]);
  });
});
