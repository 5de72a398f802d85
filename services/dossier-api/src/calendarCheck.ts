/**
 * The working-day calendar's horizon as an operator alarm. Each year's days off are data entered from the yearly
 * notice; a year not entered is counted with the statute alone (no Tết: deadlines a week early), so the operator is
 * told `CALENDAR_WARN_DAYS` before the data runs out: in `/ready` (which stays 200: commands still work), in
 * `/metrics` (`ntm_calendar_days_left`, `ntm_calendar_ok`) and as a warning in the log, once per check while it lasts.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  calendarHorizon,
  nationalCalendar,
  vietnamDate,
  type CalendarHorizon,
  type HolidayCalendar,
} from '@ntm/domain';
import type { Clock } from './clock.js';

/** Days before the end of the calendar data from which the operator is warned, when not configured. */
export const DEFAULT_CALENDAR_WARN_DAYS = 60;

export class CalendarCheck {
  constructor(
    private readonly clock: Clock,
    readonly warnWithinDays: number = DEFAULT_CALENDAR_WARN_DAYS,
    private readonly calendar: HolidayCalendar = nationalCalendar(),
  ) {}

  /** The horizon seen from the clock's Vietnamese day. */
  status(): CalendarHorizon {
    return calendarHorizon(this.calendar, vietnamDate(this.clock.now()), this.warnWithinDays);
  }

  /** Logs a warning when the data ends within the window; returns the status. */
  check(log: FastifyBaseLogger): CalendarHorizon {
    const s = this.status();
    if (!s.ok) {
      log.warn(
        { calendar: s },
        `CALENDAR_ENDING: the working-day calendar ends on ${s.coveredUntil} (${s.daysLeft} days); enter the days off of ${s.nextYear} from its official notice (packages/domain/src/data/vn-holidays.json) — until then ${s.nextYear} is counted with the statute alone, without Tết`,
      );
    }
    return s;
  }
}
