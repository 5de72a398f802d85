/**
 * Given/when/then specifications for the decider: `given(events).when(command, ctx).then(expected)` or
 * `.thenFails(code)`. Expected events are matched partially (type, data fields, steps), so a spec names what the
 * rule is about and nothing else.
 */
import { expect } from 'vitest';
import {
  decide,
  DomainError,
  replay,
  type Command,
  type DecidedEvent,
  type DecisionContext,
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

/** The state the events fold to, or the refusal of a history the fold cannot read (`EVENT_DATA_INVALID`). */
function fold(
  events: readonly FoldableEvent[],
): { state: DossierState | undefined } | { refused: DomainError } {
  try {
    return { state: events.length === 0 ? undefined : replay(events) };
  } catch (error) {
    if (error instanceof DomainError) return { refused: error };
    throw error;
  }
}

export function given(events: readonly FoldableEvent[]) {
  const folded = fold(events);
  return {
    /** Decides `command`; a history the fold refuses refuses every command, as the API answers it. */
    when(command: Command | DossierCommand, ctx: DecisionContext): Then {
      const result =
        'refused' in folded
          ? { ok: false as const, error: folded.refused }
          : decide(folded.state, command, ctx);
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
