/**
 * The working-day calendar's operator alarm over HTTP: `/ready` reports how far the holiday data reaches and
 * stays 200 when it is about to end (commands still work: a missing year is counted with the statute alone), while
 * `/metrics` turns `ntm_calendar_ok` to 0 within CALENDAR_WARN_DAYS of the end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer | undefined;
afterEach(() => t?.close());

const administrator = { id: 'qt-backan', role: 'administrator' as const, unit: '06' };

async function metrics(server: TestServer): Promise<string> {
  const response = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${await server.tokenFor(administrator)}` },
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe('calendar horizon', () => {
  it('is ok while the data reaches past the window', async () => {
    t = await startTestServer({ now: new Date('2026-12-03T02:00:00Z'), schemaPrefix: 'api_calendar' });
    const ready = await fetch(`${t.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      calendar: {
        ok: true,
        coveredUntil: '2027-12-31',
        daysLeft: 393,
        warnWithinDays: 60,
        nextYear: 2028,
        unconfirmedYears: [2026, 2027],
      },
    });
    expect(await metrics(t)).toMatch(/^ntm_calendar_ok 1$/m);
  });

  it('warns within CALENDAR_WARN_DAYS of the end, without taking the service out of rotation', async () => {
    t = await startTestServer({
      now: new Date('2027-10-01T02:00:00Z'),
      schemaPrefix: 'api_calendar',
      calendarWarnDays: 120,
    });
    const ready = await fetch(`${t.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      calendar: { ok: false, daysLeft: 91, warnWithinDays: 120, nextYear: 2028 },
    });
    const text = await metrics(t);
    expect(text).toMatch(/^ntm_calendar_ok 0$/m);
    expect(text).toMatch(/^ntm_calendar_days_left 91$/m);

    // Once the year is past, the count goes negative and the alarm stays.
    t.clock.set(new Date('2028-01-02T02:00:00Z'));
    expect(await (await fetch(`${t.url}/ready`)).json()).toMatchObject({
      calendar: { ok: false, daysLeft: -2 },
    });
  });
});
