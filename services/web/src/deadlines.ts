/**
 * How a deadline reads on a screen: the working days left (Vietnamese working days, holidays included) and its
 * colour. "Due soon" is a presentation choice of this app, not law: three working days or fewer.
 */
import {
  holidayCalendar,
  isOverdue,
  vietnamDate,
  VIETNAM_HOLIDAYS,
  workingDaysBetween,
  type HolidayCalendar,
} from '@ntm/domain';

export const DUE_SOON_WORKING_DAYS = 3;

export type DeadlineStatus =
  | { kind: 'overdue'; dueOn: string }
  | { kind: 'dueSoon' | 'onTime'; dueOn: string; workingDaysLeft?: number | undefined };

let holidays: HolidayCalendar | undefined;

/** The status of a deadline due on `dueOn` (ISO date) at `now`. */
export function deadlineStatus(dueOn: string, now: Date): DeadlineStatus {
  if (isOverdue(dueOn, now)) return { kind: 'overdue', dueOn };
  holidays ??= holidayCalendar(VIETNAM_HOLIDAYS);
  let left: number | undefined;
  try {
    left = workingDaysBetween(vietnamDate(now), dueOn, holidays);
  } catch {
    // A year with no holiday data: the date alone is shown rather than a guessed count.
    left = undefined;
  }
  return {
    kind: left !== undefined && left <= DUE_SOON_WORKING_DAYS ? 'dueSoon' : 'onTime',
    dueOn,
    workingDaysLeft: left,
  };
}
