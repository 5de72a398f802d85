import { describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { CalendarCheck } from './calendarCheck.js';
import { FixedClock } from './clock.js';

/** A logger that keeps its warnings. */
function recordingLog(): { log: FastifyBaseLogger; warnings: string[] } {
  const warnings: string[] = [];
  const log = {
    warn: (_obj: unknown, message: string) => warnings.push(message),
  } as unknown as FastifyBaseLogger;
  return { log, warnings };
}

describe('CalendarCheck', () => {
  it('logs nothing while the data reaches past the window, a CALENDAR_ENDING warning within it', () => {
    const clock = new FixedClock(new Date('2027-09-01T02:00:00Z'));
    const check = new CalendarCheck(clock, 90);
    const { log, warnings } = recordingLog();
    expect(check.check(log).ok).toBe(true);
    expect(warnings).toEqual([]);
    clock.advanceDays(31); // 2 October: 90 days left
    expect(check.check(log)).toMatchObject({ ok: false, daysLeft: 90 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^CALENDAR_ENDING: .* ends on 2027-12-31 .* days off of 2028/);
  });
});
