/**
 * Signing the decision in the domain (ADR 0028): SignDecision records DecisionSigned beside the decision, with no
 * step of its own, for whoever may decide the dossier, once per decision number; the fold keeps it and refuses
 * a DecisionSigned that claims to move the dossier.
 */
import { describe, expect, it } from 'vitest';
import { evolve, replay, type DecisionContext, type DossierCommand } from '@ntm/domain';
import { given } from './spec.js';
import { ACTORS, at } from './fixtures.js';
import { communeJourney, reach } from './journeys.js';

const ntm1 = communeJourney('ntm', 1);
const id = ntm1.dossierId;
const as = (actor: DecisionContext['actor']): DecisionContext => ({ now: at('2024-06-03'), actor });
const signature = (decisionNo: string): DossierCommand => ({
  type: 'SignDecision',
  dossierId: id,
  decisionNo,
  sha256: 'a'.repeat(64),
  size: 120_000,
  signer: { subject: 'Development signer, NTM', issuer: 'Development CA, NTM' },
  signedAt: '2024-06-03T02:00:00.000Z',
  verdict: 'valid',
});

describe('SignDecision', () => {
  const decided = reach(ntm1, 'recognised');
  const decisionNo = decided.state.decision!.decisionNo;

  it('records DecisionSigned where the dossier is, and the state keeps the signed file', () => {
    const { state, history } = given(decided.events)
      .when(signature(decisionNo), as(ACTORS.provincialChairman))
      .then([
        {
          type: 'DecisionSigned',
          fromState: 'recognised',
          toState: 'recognised',
          data: { decisionNo, sha256: 'a'.repeat(64), size: 120_000, verdict: 'valid' },
        },
      ]);
    expect(state.step).toBe('recognised');
    expect(state.decisionSignature).toMatchObject({ decisionNo, sha256: 'a'.repeat(64), by: 'ct-backan' });
    // Signed once per decision.
    given(history)
      .when(signature(decisionNo), as(ACTORS.provincialChairman))
      .thenFails('DECISION_ALREADY_SIGNED');
  });

  it('is for whoever may decide the dossier, of its decision, once it is taken', () => {
    given(decided.events)
      .when(signature(decisionNo), as(ACTORS.communeOfficial))
      .thenFails('ROLE_NOT_ALLOWED');
    given(decided.events)
      .when(signature('999/QĐ-UBND'), as(ACTORS.provincialChairman))
      .thenFails('DECISION_NOT_TAKEN');
    given(reach(ntm1, 'councilApproved').events)
      .when(signature(decisionNo), as(ACTORS.provincialChairman))
      .thenFails('DECISION_NOT_TAKEN');
  });

  it('replays with no edge of its own, but never as a move to another step', () => {
    const { history } = given(decided.events)
      .when(signature(decisionNo), as(ACTORS.provincialChairman))
      .then([{ type: 'DecisionSigned' }]);
    expect(replay(history).decisionSignature?.decisionNo).toBe(decisionNo);
    const signed = history.at(-1)!;
    expect(() => evolve(replay(history.slice(0, -1)), { ...signed, toState: 'announced' })).toThrow(
      /records no step/,
    );
  });
});
