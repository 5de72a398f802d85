/**
 * The arithmetic of a legal clock in working days: how much of it is left when it stops, where it ends when it
 * restarts, and where an extension moves it. Pure, so it can be checked as properties (no remaining count below
 * zero, a stop and restart on the same day leaves the due date where it was, an extension never moves it back).
 */
import type { HolidayCalendar } from './holidayCalendar.js';
import { addWorkingDays, workingDaysBetween } from './workingDays.js';

/**
 * Working days left of a deadline due on `dueOn` when its clock stops on `on`: those after `on` up to `dueOn`
 * (the day it stops is used up); 0 when it is already due.
 */
export function remainingWorkingDays(dueOn: string, on: string, holidays: HolidayCalendar): number {
  return on >= dueOn ? 0 : workingDaysBetween(on, dueOn, holidays);
}

/** The due date of a clock restarted on `on` with `remaining` working days (the restart day is not counted). */
export function resumedDueOn(on: string, remaining: number, holidays: HolidayCalendar): string {
  return addWorkingDays(on, remaining, holidays);
}

/** The due date after an extension of `workingDays` working days, counted from the current due date. */
export function extendedDueOn(dueOn: string, workingDays: number, holidays: HolidayCalendar): string {
  return addWorkingDays(dueOn, workingDays, holidays);
}
