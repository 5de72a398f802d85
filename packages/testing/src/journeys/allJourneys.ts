/** Every workflow's journey, for the tests that walk all of them. */
import { communeJourney } from './communeJourney.js';
import { complaintJourney } from './complaintJourney.js';
import type { Journey } from './journey.js';
import { postMergerJourney } from './postMergerJourney.js';
import { revocationJourney } from './revocationJourney.js';
import { villageJourney } from './villageJourney.js';

/** Every journey: one per workflow id and version. */
export function allJourneys(): Journey[] {
  return [
    villageJourney(1),
    villageJourney(2),
    ...(['ntm', 'advanced', 'model'] as const).flatMap((t) => [communeJourney(t, 1), communeJourney(t, 2)]),
    revocationJourney(1),
    revocationJourney(2),
    postMergerJourney(),
    complaintJourney(),
  ];
}
