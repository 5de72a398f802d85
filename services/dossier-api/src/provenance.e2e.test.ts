/**
 * Law provenance over HTTP (issue 14): a dossier of the 2026-2030 programme, carried to its decision, shows in
 * `GET /dossiers/{id}` the rules its decision stood on (basis, confirmed) and that its procedure is unconfirmed for
 * the period; the decision event in the history carries the same.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { communeJourney, specOf, type JourneyStep } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer({ now: new Date('2026-08-01T02:00:00Z'), schemaPrefix: 'api_prov' });
});
afterEach(() => t.close());

async function get(path: string) {
  const auditor = { id: 'kt-thainguyen', role: 'auditor' as const, unit: '19' };
  const response = await fetch(`${t.url}${path}`, {
    headers: { authorization: `Bearer ${await t.tokenFor(auditor)}` },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk loosely typed JSON
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function drive(steps: readonly JourneyStep[]): Promise<string> {
  const cursor: JourneyCursor = {};
  for (const step of steps) {
    const answer = await t.sendStep(step, cursor);
    expect(answer.status, `${step.command.type}: ${JSON.stringify(answer.body)}`).toBe(
      specOf(step.command.type).creates ? 201 : 200,
    );
  }
  return cursor.dossierId!;
}

type Entry = { rule: string; basis: string; confirmed: boolean };

describe('GET /dossiers/{id} shows the law a decision stood on', () => {
  it('lists each rule read, its basis and whether it is confirmed, and the unconfirmed procedure', async () => {
    const journey = communeJourney('ntm', 2, 2026);
    const decided = journey.steps.findIndex((s) => s.command.type === 'DecideRecognition');
    const dossierId = await drive(journey.steps.slice(0, decided + 1));

    const view = await get(`/dossiers/${dossierId}`);
    expect(view.status).toBe(200);
    const state = view.body['state'] as Record<string, unknown>;
    expect(state).toMatchObject({
      criteriaSetId: 'commune-ntm-2026-2030',
      procedureUnconfirmed: { from: '2026-02-15' },
    });
    const provenance = state['provenance'] as Entry[];
    expect(provenance).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'two-tier-2025@3:poll.passShare.ntm', confirmed: false }),
        expect.objectContaining({ rule: 'two-tier-2025@3:procedureUnconfirmedFrom', confirmed: false }),
        expect.objectContaining({ rule: 'two-tier-2025@3:decider.COMMUNE_NTM', confirmed: true }),
      ]),
    );
    expect(provenance.map((p) => p.rule)).toEqual(state['rulesRead']);

    const history = await get(`/dossiers/${dossierId}/history`);
    const decision = (history.body['events'] as { type: string; data: Record<string, unknown> }[]).find(
      (e) => e.type === 'RecognitionDecided',
    );
    expect(decision?.data['provenance']).toEqual(provenance);
    expect(decision?.data['procedureUnconfirmed']).toMatchObject({ from: '2026-02-15' });
  });
});
