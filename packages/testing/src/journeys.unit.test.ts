import { describe, expect, it } from 'vitest';
import { allJourneys, reach, run } from './journeys.js';

describe('journeys reach every step of every workflow', () => {
  for (const journey of allJourneys()) {
    it(`${journey.name}: main path ends in a final step`, () => {
      const { state } = run(journey.steps);
      expect(['announced', 'published', 'acknowledged', 'annulled']).toContain(state?.step);
    });
    for (const detour of Object.keys(journey.detours)) {
      it(`${journey.name}: reaches ${detour}`, () => {
        expect(reach(journey, detour).state.step).toBe(detour);
      });
    }
  }
});
