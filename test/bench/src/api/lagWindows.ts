/**
 * Where a step's lag went over the goal: its measured events grouped into short windows of their `recordedAt`, and
 * for each window that holds an event over the goal, how many, the worst lag, and which commands of the journey
 * appended them. A step's p99 is set by its worst 1 %: at 1,000 events/s over 10 s that is 100 events, so one
 * window of a tenth of a second in which everything waits fails the step. The paced steps advance every dossier
 * one command a round, so a window's events are mostly one command type: the round that stalled.
 */

/** One measured event: its stream revision, when its INSERT was sent (`recordedAt`) and when it was seen projected. */
export interface LaggedEvent {
  revision: number;
  recordedAtMs: number;
  seenAtMs: number;
  /** when the bench's own reader of the global log saw it (BENCH_LOG_FOLLOWER=1): the store's part of the lag ends */
  loggedAtMs?: number | undefined;
}

export interface LagWindow {
  /** the window's start, UTC `hh:mm:ss.s` */
  at: string;
  events: number;
  overGoal: number;
  maxLagMs: number;
  /**
   * with the log follower on: the worst `recordedAt` → seen in the global log of the window's events over the goal,
   * so the store's part (commit and visibility) of their lag stands apart from the projector's
   */
  maxInLogMs?: number;
  /** command type → events of the window it appended (from the revision, the journey being the same everywhere) */
  commands: Record<string, number>;
}

export interface LagOverGoal {
  /** measured events whose lag reached the goal */
  events: number;
  /** those events by the journey's command that appended them, most first: the rounds that failed, over the step */
  byCommand: Record<string, number>;
  /** windows holding them, worst first (most events over the goal), at most `limit` */
  windows: LagWindow[];
}

/**
 * `commandAt[revision]` names the journey's command that appended the event at that revision; `windowMs` is the
 * windows' width.
 */
export function lagOverGoal(
  events: readonly LaggedEvent[],
  goalMs: number,
  commandAt: readonly string[],
  windowMs = 100,
  limit = 5,
): LagOverGoal {
  const windows = new Map<number, LagWindow>();
  let over = 0;
  const byCommand = new Map<string, number>();
  for (const e of events) {
    const lag = e.seenAtMs - e.recordedAtMs;
    const start = Math.floor(e.recordedAtMs / windowMs) * windowMs;
    let window = windows.get(start);
    if (!window) {
      window = {
        at: new Date(start).toISOString().slice(11, 21),
        events: 0,
        overGoal: 0,
        maxLagMs: 0,
        commands: {},
      };
      windows.set(start, window);
    }
    window.events += 1;
    window.maxLagMs = Math.max(window.maxLagMs, Math.round(lag));
    const command = commandAt[e.revision] ?? `revision ${e.revision}`;
    window.commands[command] = (window.commands[command] ?? 0) + 1;
    if (lag >= goalMs) {
      window.overGoal += 1;
      over += 1;
      byCommand.set(command, (byCommand.get(command) ?? 0) + 1);
      if (e.loggedAtMs !== undefined) {
        window.maxInLogMs = Math.max(window.maxInLogMs ?? 0, Math.round(e.loggedAtMs - e.recordedAtMs));
      }
    }
  }
  const worst = [...windows.values()]
    .filter((w) => w.overGoal > 0)
    .sort((a, b) => b.overGoal - a.overGoal || a.at.localeCompare(b.at))
    .slice(0, limit);
  const commands = Object.fromEntries([...byCommand].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  return { events: over, byCommand: commands, windows: worst };
}
