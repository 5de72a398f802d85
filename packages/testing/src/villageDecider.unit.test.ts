/**
 * Who recognises villages after the 2025 reform is a provincial matter that no text found settles (law-findings
 * §4.4). A province names its own village decider in its rules; the dossier pins it at opening, the machine keeps
 * naming the national role, and the decision lists the province's rule in its provenance. Without a provincial
 * rule the national default (the commune chairman, unconfirmed) decides.
 */
import { describe, expect, it } from 'vitest';
import {
  allowedCommands,
  decide,
  evolve,
  type DecidedEvent,
  type DecisionContext,
  type DossierCommand,
  type DossierState,
} from '@ntm/domain';
import { given } from './spec.js';
import { ACTORS_2025, THAI_NGUYEN, at } from './fixtures.js';
import { openedUnder, reach, villageDeciderOf, villageJourney } from './journeys.js';

const OWN_RULE = `test rules of province ${THAI_NGUYEN}: the provincial_chairman recognises villages`;
const provincialChairmanDecides = (effectiveFrom?: string) =>
  villageDeciderOf(THAI_NGUYEN, 'provincial_chairman', effectiveFrom);

const as = (actor: DecisionContext['actor'], date: string): DecisionContext => ({ now: at(date), actor });
const recognise = (id: string): DossierCommand => ({
  type: 'DecideRecognition',
  dossierId: id,
  outcome: 'recognise',
  decisionNo: '77/QĐ-UBND',
  decidedOn: '2025-08-22',
});
const stateOf = (events: DecidedEvent[]): DossierState =>
  events.reduce<DossierState | undefined>((s, e) => evolve(s, e), undefined)!;

describe('a province names its own village decider', () => {
  const journey = openedUnder(villageJourney(2), provincialChairmanDecides());
  const id = journey.dossierId;
  const submitted = reach(journey, 'submitted').events;

  it('pins the decider, its basis and whether it is confirmed in DossierOpened', () => {
    expect(submitted[0]!.data['villageDecider']).toEqual({
      role: 'provincial_chairman',
      legalBasis: OWN_RULE,
      confirmed: true,
    });
    expect(submitted[0]!.data['rulesRead']).toContain('procedure:villageDecider');
  });

  it('lets the provincial chairman decide, and lists the province’s rule in the decision’s provenance', () => {
    const {
      events: [decided],
    } = given(submitted)
      .when(recognise(id), as(ACTORS_2025.provincialChairman, '2025-08-22'))
      .then([{ type: 'RecognitionDecided', fromState: 'submitted', toState: 'recognised' }]);
    const provenance = decided!.data['provenance'] as { rule: string; basis: string; confirmed: boolean }[];
    expect(provenance.find((p) => p.rule === 'procedure:villageDecider')).toMatchObject({
      basis: OWN_RULE,
      confirmed: true,
    });
  });

  it('refuses the commune chairman, whom the national default would have let decide', () => {
    const error = given(submitted)
      .when(recognise(id), as(ACTORS_2025.communeChairman, '2025-08-22'))
      .thenFails('ROLE_NOT_ALLOWED');
    expect(error.params).toMatchObject({ roles: ['provincial_chairman'] });
  });

  it('keeps the pinned decider when the province’s rules are no longer supplied after opening', () => {
    // The decision's context carries no provincial rules at all: the pin, not the configuration, decides.
    const result = decide(stateOf(submitted), recognise(id), as(ACTORS_2025.communeChairman, '2025-08-22'));
    expect(result.ok).toBe(false);
  });

  it('offers the decision to the provincial chairman only', () => {
    const state = stateOf(submitted);
    const now = at('2025-08-22');
    expect(allowedCommands(state, ACTORS_2025.provincialChairman, now)).toContain('DecideRecognition');
    expect(allowedCommands(state, ACTORS_2025.communeChairman, now)).not.toContain('DecideRecognition');
  });
});

describe('without a provincial rule', () => {
  const journey = villageJourney(2);
  const submitted = reach(journey, 'submitted').events;

  it('the national default decides: the commune chairman, read as an unconfirmed rule parameter', () => {
    expect(submitted[0]!.data['villageDecider']).toBeUndefined();
    const {
      events: [decided],
    } = given(submitted)
      .when(recognise(journey.dossierId), as(ACTORS_2025.communeChairman, '2025-08-22'))
      .then([{ type: 'RecognitionDecided' }]);
    const provenance = decided!.data['provenance'] as { rule: string; confirmed: boolean }[];
    expect(provenance.find((p) => p.rule === 'two-tier-2025@3:decider.VILLAGE_NTM')).toMatchObject({
      confirmed: false,
    });
  });

  it('a provincial rule not yet in force on the opening day is not applied', () => {
    const later = openedUnder(villageJourney(2), provincialChairmanDecides('2026-01-01'));
    const events = reach(later, 'submitted').events;
    expect(events[0]!.data['villageDecider']).toBeUndefined();
    given(events)
      .when(recognise(later.dossierId), as(ACTORS_2025.communeChairman, '2025-08-22'))
      .then([{ type: 'RecognitionDecided' }]);
  });
});
