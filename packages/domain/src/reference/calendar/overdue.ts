/**
 * Quá hạn — when a processing deadline is overdue. A deadline is due on a day (`dueOn`, a Vietnamese date): it is
 * still on time for the whole of that day in Vietnam, and overdue from the next. The domain's `ElapseDeadline`,
 * the deadline sweep and the read models' `overdue` filter all use this one rule.
 */

/** Vietnam keeps UTC+7 all year: the legal day of an instant is its date at +07:00. */
export function vietnamDate(instant: string | Date): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
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
