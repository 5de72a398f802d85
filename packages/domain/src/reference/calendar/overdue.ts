/**
 * Quá hạn — when a processing deadline is overdue. A deadline is due on a day (`dueOn`, a Vietnamese date): it is
 * still on time for the whole of that day in Vietnam, and overdue from the next. The domain's `ElapseDeadline`,
 * the deadline sweep and the read models' `overdue` filter all use this one rule.
 */

const VIETNAM_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
/**
 * The last day written, by its number: a process asks for the same day over and over (each command several times,
 * each read, each check of a deadline), and a Date and its ISO text per call were a measurable part of a command.
 */
let lastDay = Number.NaN;
let lastDate = '';

/** Vietnam keeps UTC+7 all year: the legal day of an instant is its date at +07:00. */
export function vietnamDate(instant: string | Date): string {
  const ms = (typeof instant === 'string' ? Date.parse(instant) : instant.getTime()) + VIETNAM_OFFSET_MS;
  const day = Math.floor(ms / DAY_MS);
  // NaN never equals the last day: an invalid instant throws below, as it always did.
  if (day !== lastDay) {
    lastDate = new Date(ms).toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastDate;
}

/** Is a deadline due on `dueOn` overdue at `now` (the injected clock)? From the day after `dueOn`, in Vietnam. */
export function isOverdue(dueOn: string, now: string | Date): boolean {
  return dueOn < overdueIfDueBefore(now);
}

/**
 * The same rule as a bound, for queries over many deadlines: at `now`, exactly the deadlines due before this
 * Vietnamese day are overdue (`due_at < overdueIfDueBefore(now)`; ISO dates compare as text).
 */
export function overdueIfDueBefore(now: string | Date): string {
  return vietnamDate(now);
}

/**
 * The first instant at which a deadline due on `dueOn` is overdue: the start of the next Vietnamese day (00:00 at
 * +07:00), as an ISO instant in UTC. A timer set for it fires exactly when `isOverdue` turns true.
 */
export function overdueFrom(dueOn: string): string {
  return new Date(Date.parse(`${dueOn}T00:00:00.000+07:00`) + 86_400_000).toISOString();
}
