/**
 * A dossier whose stored history holds an event that breaks its contract cannot be folded: a command on it is
 * answered with the domain's EVENT_DATA_INVALID problem (409, both languages), never a 500, and writes nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { dossierStreamId } from '@ntm/event-store';
import { communeJourney } from '@ntm/testing';
import { toNewEvents } from '@ntm/application';
import { sendCommand } from '@ntm/testing';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
const journey = communeJourney('ntm', 1);
const [open, assess] = journey.steps as [(typeof journey.steps)[0], (typeof journey.steps)[0]];

beforeAll(async () => {
  t = await startTestServer({ now: new Date(String(open.ctx.now)), schemaPrefix: 'api_stored' });
});
afterAll(() => t.close());

it('answers a command on a dossier with a malformed stored event with EVENT_DATA_INVALID', async () => {
  const token = await t.tokenFor(open.ctx.actor);
  const opened = await sendCommand({ baseUrl: t.url, token, command: open.command });
  const dossierId = opened.body['dossierId'] as string;
  const { type: _type, dossierId: _id, ...body } = assess.command;
  const malformed = {
    type: 'SelfAssessmentRecorded',
    schemaVersion: 1,
    fromState: 'preparing',
    toState: 'preparing',
  };
  await t.store.append(
    dossierStreamId(dossierId),
    toNewEvents(
      [{ ...malformed, data: { ...body, met: 'yes', by: { id: 'x', role: 'commune_official' } } }],
      {
        actor: open.ctx.actor,
        correlationId: randomUUID(),
        causationId: randomUUID(),
        occurredAt: new Date(String(open.ctx.now)).toISOString(),
        workflow: { id: 'commune-ntm', version: 1 },
        eventId: () => randomUUID(),
      },
    ),
    { expectedRevision: 0n },
  );
  const before = await t.countEvents();

  for (const [lang, words] of [
    ['en', 'SelfAssessmentRecorded at revision 1'],
    ['vi', 'SelfAssessmentRecorded ở phiên bản 1'],
  ] as const) {
    const answer = await sendCommand({
      baseUrl: t.url,
      token,
      command: assess.command,
      dossierId,
      etag: '"1"',
      headers: { 'accept-language': lang },
    });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 'EVENT_DATA_INVALID', params: { revision: 1 } });
    expect(String(answer.body['detail'])).toContain(words);
  }
  expect(await t.countEvents()).toBe(before);
});
