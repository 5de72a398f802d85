/** Running a journey through the decider: to any step, or to its end; and the actor of a role in a journey. */
import {
  decide,
  replay,
  type DecidedEvent,
  type DomainActor,
  type DossierState,
  type Role,
} from '@ntm/domain';
import { ACTORS, ACTORS_2025 } from '../fixtures.js';
import type { Journey, JourneyStep } from './journey.js';

/** A journey step that the decider refused: the fixture is out of step with the rules. */
export class JourneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JourneyError';
  }
}

/** Runs steps through the decider, stopping after the dossier first reaches `until` (if given). */
export function run(
  steps: readonly JourneyStep[],
  until?: string,
  start: DecidedEvent[] = [],
): { events: DecidedEvent[]; state: DossierState | undefined; now: string | Date | undefined } {
  const events = [...start];
  let state = events.length > 0 ? replay(events) : undefined;
  let now: string | Date | undefined;
  if (until !== undefined && state?.step === until) return { events, state, now };
  for (const { command, ctx } of steps) {
    const result = decide(state, command, ctx);
    if (!result.ok)
      throw new JourneyError(`${command.type} refused: ${result.error.code} ${result.error.message}`);
    events.push(...result.value);
    state = replay(events);
    now = ctx.now;
    if (until !== undefined && state.step === until) return { events, state, now };
  }
  if (until !== undefined) throw new JourneyError(`the journey never reaches ${until}`);
  return { events, state, now };
}

/**
 * The events that bring the journey's dossier to `step` (a main-path step or a detour), the state there, and the
 * instant of the last command (a later command should not be dated before it).
 */
export function reach(
  journey: Journey,
  step: string,
): { events: DecidedEvent[]; state: DossierState; now: string | Date } {
  const detour = journey.detours[step];
  const { events, state, now } = detour
    ? run([detour.step], step, reach(journey, detour.after).events)
    : run(journey.steps, step);
  return { events, state: state as DossierState, now: (detour ? detour.step.ctx.now : now) ?? '' };
}

/** An actor of `role` for this journey: the one that acts in it, else the fixture of the journey's period. */
export function actorFor(journey: Journey, role: Role): DomainActor {
  const inJourney = journey.steps.map((s) => s.ctx.actor).find((a) => a.role === role);
  const fixtures =
    journey.dossierId.endsWith('v2') || journey.dossierId.startsWith('post-merger')
      ? [...Object.values(ACTORS_2025), ...Object.values(ACTORS)]
      : Object.values(ACTORS);
  const actor = inJourney ?? fixtures.find((a) => a.role === role);
  if (!actor) throw new JourneyError(`no fixture actor has role ${role}`);
  return actor;
}
