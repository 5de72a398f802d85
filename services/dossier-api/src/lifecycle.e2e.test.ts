/**
 * Whole dossiers over HTTP, each step by a token of the role the law expects, on the PostgreSQL store in an
 * isolated schema, with a fixed clock moved to each step's date (notice periods run by moving it forward).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { communeJourney, revocationJourney, TAN_LAP, type JourneyStep } from '@ntm/testing';
import { sendCommand, specOf } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer({ now: new Date('2024-04-01T02:00:00Z'), schemaPrefix: 'api_life' });
});
afterEach(() => t.close());

/** Sends each step with the right actor's token at the step's date; every one must be accepted. */
async function drive(
  steps: readonly JourneyStep[],
  from: JourneyCursor = {},
): Promise<Required<JourneyCursor>> {
  const cursor = { ...from };
  for (const step of steps) {
    const answer = await t.sendStep(step, cursor);
    expect(answer.status, `${step.command.type}: ${JSON.stringify(answer.body)}`).toBe(
      specOf(step.command.type).creates ? 201 : 200,
    );
  }
  return { dossierId: cursor.dossierId!, etag: cursor.etag! };
}

async function get(path: string, actor: Parameters<TestServer['tokenFor']>[0]) {
  const response = await fetch(`${t.url}${path}`, {
    headers: { authorization: `Bearer ${await t.tokenFor(actor)}` },
  });
  return {
    status: response.status,
    etag: response.headers.get('etag'),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk loosely typed JSON
    body: (await response.json()) as Record<string, any>,
  };
}

const indexOf = (steps: readonly JourneyStep[], type: string) =>
  steps.findIndex((s) => s.command.type === type);
const auditor = { id: 'kt-backan', role: 'auditor' as const, unit: '06' };

describe('commune NTM over HTTP', () => {
  it('goes from opening to recognition and announcement under the 2022 procedure', async () => {
    const journey = communeJourney('ntm', 1);
    const { dossierId, etag } = await drive(journey.steps);

    const view = await get(`/dossiers/${dossierId}`, auditor);
    expect(view.status).toBe(200);
    expect(view.etag).toBe(etag);
    expect(view.body['state']).toMatchObject({
      status: 'announced',
      workflow: { id: 'commune-ntm', version: 1 },
    });
    expect(view.body['allowedCommands']).toEqual([]);

    const history = await get(`/dossiers/${dossierId}/history`, auditor);
    const events = history.body['events'] as { type: string; actor: { role: string }; toState: string }[];
    expect(events.length).toBe(view.body['revision'] + 1);
    expect(events.find((e) => e.type === 'DossierVerified' || e.toState === 'verified')?.actor.role).toBe(
      'district_verifier',
    );
    // Công bố under the 2022 procedure is the district's (law-findings §1.10).
    expect(events.at(-1)).toMatchObject({ toState: 'announced', actor: { role: 'district_chairman' } });

    expect((await get(`/dossiers/${dossierId}/verify`, auditor)).body).toMatchObject({ ok: true });
    const submittedAt = events.findIndex((e) => e.toState === 'submitted');
    const past = await get(`/dossiers/${dossierId}/state?revision=${submittedAt}`, auditor);
    expect(past.body['state']).toMatchObject({ status: 'submitted' });

    const list = await get('/dossiers', { id: 'ct-backan', role: 'provincial_chairman', unit: '06' });
    expect(list.body['items']).toEqual([
      expect.objectContaining({ dossierId, unitCode: TAN_LAP, revision: view.body['revision'] as number }),
    ]);
  });

  it('goes through the two-tier procedure of 2025, with no district step', async () => {
    const { dossierId } = await drive(communeJourney('ntm', 2).steps);
    const history = await get(`/dossiers/${dossierId}/history`, { id: 'kt-tn', role: 'auditor', unit: '19' });
    const events = history.body['events'] as { actor: { role: string }; toState: string }[];
    expect(events.at(-1)?.toState).toBe('announced');
    expect(events.some((e) => e.actor.role.startsWith('district_'))).toBe(false);
    expect(events.find((e) => e.toState === 'verified')?.actor.role).toBe('provincial_appraiser');
  });

  it('is returned for rework, resubmitted as a new version, and recognised', async () => {
    const journey = communeJourney('ntm', 1);
    const submit = indexOf(journey.steps, 'SubmitDossier');
    let cursor = await drive(journey.steps.slice(0, submit + 1));
    const officer = journey.steps[0]!.ctx.actor;
    const returnedOn = journey.detours['returned']!.step.ctx.now;
    cursor = await drive(
      [
        journey.detours['returned']!.step,
        {
          command: {
            type: 'ResubmitDossier',
            letterNo: '47/TTr-UBND',
            changes: 'Bổ sung số liệu tiêu chí 2',
          },
          ctx: { now: returnedOn, actor: officer },
        },
      ],
      cursor,
    );
    const view = await get(`/dossiers/${cursor.dossierId}`, auditor);
    expect(view.body['state']).toMatchObject({ status: 'submitted', dossierVersion: 2 });
    expect((view.body['state'] as { returns: unknown[] }).returns).toHaveLength(1);
    await drive(journey.steps.slice(submit + 1), cursor);
    expect((await get(`/dossiers/${cursor.dossierId}`, auditor)).body['state']).toMatchObject({
      status: 'announced',
    });
  });

  it('revokes a recognition granted through the API, and refuses to revoke one never granted', async () => {
    const recognition = communeJourney('ntm', 1);
    const decision = recognition.steps.find((s) => s.command.type === 'DecideRecognition')!.command;
    // The revocation journey targets Yên Thịnh; point it at Tân Lập, which the API recognises below.
    const steps = revocationJourney(1).steps.map((s, i) =>
      i === 0
        ? {
            ...s,
            command: {
              ...s.command,
              unitCode: TAN_LAP,
              targetRecognition: {
                tier: 'ntm',
                decisionNo: decision['decisionNo'],
                decidedOn: decision['decidedOn'],
              },
            },
          }
        : s,
    );
    const open = steps[0]!;
    t.clock.set(new Date(open.ctx.now));
    const premature = await sendCommand({
      baseUrl: t.url,
      token: await t.tokenFor(open.ctx.actor),
      command: open.command,
    });
    expect(premature.status).toBe(422);

    await drive(recognition.steps);
    const { dossierId } = await drive(steps);
    const view = await get(`/dossiers/${dossierId}`, auditor);
    expect(view.body['state']).toMatchObject({ status: 'published', kind: 'REVOCATION' });
    const events = (await get(`/dossiers/${dossierId}/history`, auditor)).body['events'] as {
      toState: string;
      actor: { role: string };
    }[];
    expect(events.find((e) => e.toState === 'revoked')?.actor.role).toBe('provincial_chairman');
  });
});
