/**
 * How a deadline reads on a screen: the working days left (Vietnamese working days, holidays included) and its
 * colour. "Due soon" is a presentation choice of this app, not law: three working days or fewer.
 */
import { isOverdue, nationalCalendar, vietnamDate, workingDaysBetween } from '@ntm/domain';

export const DUE_SOON_WORKING_DAYS = 3;

export type DeadlineStatus =
  | { kind: 'overdue'; dueOn: string }
  | { kind: 'dueSoon' | 'onTime'; dueOn: string; workingDaysLeft?: number | undefined };

/** The status of a deadline due on `dueOn` (ISO date) at `now`. */
export function deadlineStatus(dueOn: string, now: Date): DeadlineStatus {
  if (isOverdue(dueOn, now)) return { kind: 'overdue', dueOn };
  let left: number | undefined;
  try {
    // A year not entered yet is counted with the statute alone, as the deadline itself was.
    left = workingDaysBetween(vietnamDate(now), dueOn, nationalCalendar());
  } catch {
    // A due date that is not a date: shown as it is.
    left = undefined;
  }
  return {
    kind: left !== undefined && left <= DUE_SOON_WORKING_DAYS ? 'dueSoon' : 'onTime',
    dueOn,
    workingDaysLeft: left,
  };
}
