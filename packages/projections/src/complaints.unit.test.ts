/**
 * The complaints read model from a complaint journey's events (ADR 0026): one row per complaint, naming the decision
 * it is about, whose state is the complaint's step: filed, accepted (the decision is under complaint from here),
 * then the outcome with the complaint decision's number.
 */
import { describe, expect, it } from 'vitest';
import { complaintJourney, complaintTargetState, journeyRecords } from '@ntm/testing';
import { projectToComplaints } from './complaints.js';
import { evolveView, type DossierView } from './dossierView.js';

const journey = complaintJourney();
const target = complaintTargetState();
const streamId = `dossier-${journey.dossierId}`;

function rowsAfter(steps: typeof journey.steps) {
  let view: DossierView | undefined;
  for (const event of journeyRecords(streamId, steps)) view = evolveView(view, event);
  return projectToComplaints.rows(view!);
}

describe('the complaints read model', () => {
  const [filing, acceptance, annulment] = journey.steps;

  it('names the decision complained of from the filing on, marking nothing before acceptance', () => {
    expect(rowsAfter([filing!])).toEqual([
      expect.objectContaining({
        stream_id: streamId,
        target_stream_id: `dossier-${target.id}`,
        target_kind: 'REVOCATION',
        target_decision_no: target.decision!.decisionNo,
        state: 'filed',
        accepted_on: null,
        decision_no: null,
      }),
    ]);
  });

  it('is accepted, then resolved with the outcome and the complaint decision', () => {
    expect(rowsAfter([filing!, acceptance!])).toEqual([
      expect.objectContaining({ state: 'accepted', accepted_on: '2025-10-03' }),
    ]);
    expect(rowsAfter([filing!, acceptance!, annulment!])).toEqual([
      expect.objectContaining({ state: 'annulled', decision_no: '1700/QĐ-UBND', decided_on: '2025-10-20' }),
    ]);
    for (const outcome of ['upheld', 'amended'] as const)
      expect(rowsAfter([filing!, acceptance!, journey.detours[outcome]!.step])).toEqual([
        expect.objectContaining({ state: outcome }),
      ]);
    expect(rowsAfter([filing!, journey.detours['withdrawn']!.step])).toEqual([
      expect.objectContaining({ state: 'withdrawn' }),
    ]);
  });

  it('has no row for a dossier that is not a complaint', () => {
    const view = evolveView(undefined, journeyRecords(streamId, [filing!])[0]!);
    expect(projectToComplaints.rows({ ...view, complaint: undefined })).toEqual([]);
  });
});
