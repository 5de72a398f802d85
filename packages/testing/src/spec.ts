/**
 * Given/when/then specifications for the decider: `given(events).when(command, ctx).then(expected)` or
 * `.thenFails(code)`. Expected events are matched partially (type, data fields, steps), so a spec names what the
 * rule is about and nothing else.
 */
import { expect } from 'vitest';
import {
  decide,
  replay,
  type DecidedEvent,
  type DecisionContext,
  type DomainError,
  type DomainErrorCode,
  type DossierCommand,
  type DossierState,
  type FoldableEvent,
} from '@ntm/domain';

/** An expected event: any of its type, data and steps. */
export interface ExpectedEvent {
  type?: string;
  data?: Record<string, unknown>;
  fromState?: string;
  toState?: string;
}

export interface Then {
  /** asserts the decided events; returns them, the whole history after them, and the state they lead to */
  then(expected: ExpectedEvent[]): { events: DecidedEvent[]; history: FoldableEvent[]; state: DossierState };
  /** asserts a refusal with this code, and returns the error for further checks */
  thenFails(code: DomainErrorCode): DomainError;
}

export function given(events: readonly FoldableEvent[]) {
  const state = events.length === 0 ? undefined : replay(events);
  return {
    when(command: DossierCommand, ctx: DecisionContext): Then {
      const result = decide(state, command, ctx);
      return {
        then(expected) {
          if (!result.ok)
            throw new Error(`expected events, got ${result.error.code}: ${result.error.message}`);
          expect(result.value).toMatchObject(expected);
          expect(result.value).toHaveLength(expected.length);
          const history = [...events, ...result.value];
          return { events: result.value, history, state: replay(history) };
        },
        thenFails(code) {
          if (result.ok)
            throw new Error(`expected ${code}, got events ${result.value.map((e) => e.type).join(', ')}`);
          expect(result.error.code).toBe(code);
          return result.error;
        },
      };
    },
  };
}
