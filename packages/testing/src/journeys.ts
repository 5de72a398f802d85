/**
 * Scripted journeys through every workflow, with the actors and dates the law expects, and `reach(journey, step)`
 * to build the event sequence that brings a dossier to any step. The API and projection tests use these to start
 * from a realistic dossier instead of hand-written events.
 */
export type { BallotAct, Journey, JourneyStep } from './journeys/journey.js';
export { councilBallotSteps, councilMember, membersActing } from './journeys/journey.js';
export { communeJourney } from './journeys/communeJourney.js';
export {
  openedUnder,
  villageCouncilOn,
  villageDeciderOf,
  villageJourney,
} from './journeys/villageJourney.js';
export { revocationJourney } from './journeys/revocationJourney.js';
export { postMergerJourney } from './journeys/postMergerJourney.js';
export { complaintJourney, complaintTargetState } from './journeys/complaintJourney.js';
export { allJourneys } from './journeys/allJourneys.js';
export { JourneyError, run, reach, actorFor } from './journeys/reach.js';
