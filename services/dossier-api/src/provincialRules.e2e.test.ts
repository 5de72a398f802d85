/**
 * A province's own rules over HTTP (issue 14, law-findings §4.4): Nghệ An (40) names its provincial chairman as the
 * one who recognises villages after the reform, in the rules file an operator gives `PROVINCIAL_RULES_FILE`. A
 * village of Xã Tri Lễ then waits in the provincial chairman's inbox, the commune chairman — the national default —
 * is refused, and the decision names the province's rule in its provenance.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { driveSteps, relocate, villageJourney } from '@ntm/testing';
import type { DomainActor } from '@ntm/domain';
import { dossierStreamId } from '@ntm/event-store';
import { parseProvincialRules } from '@ntm/runtime';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

const NGHE_AN = '40';
/** Xã Tri Lễ (16756), Nghệ An, after the reform. */
const TRI_LE = '16756';
const RULE = 'QĐ …/QĐ-UBND tỉnh Nghệ An (example for the test: no Nghệ An text was read)';
const rulesFile = {
  provinces: [
    {
      provinceCode: NGHE_AN,
      effectiveFrom: '2025-07-01',
      villageDecider: { value: 'provincial_chairman', legalBasis: RULE, confirmed: false },
    },
  ],
};
const chairman: DomainActor = { id: 'ct-nghean', role: 'provincial_chairman', unit: NGHE_AN };
const auditor: DomainActor = { id: 'kt-nghean', role: 'auditor', unit: NGHE_AN };

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer({
    now: new Date('2025-08-01T02:00:00Z'),
    schemaPrefix: 'api_provrules',
    domainContext: { provincialRules: parseProvincialRules(rulesFile, 'test rules') },
  });
});
afterEach(() => t.close());

async function get(path: string, actor: DomainActor) {
  const response = await fetch(`${t.url}${path}`, {
    headers: { authorization: `Bearer ${await t.tokenFor(actor)}` },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk loosely typed JSON
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('Nghệ An names its own village decider', () => {
  it('the provincial chairman decides; the commune chairman is refused and nothing is written', async () => {
    const steps = relocate(villageJourney(2).steps, { '02038': TRI_LE, '19': NGHE_AN });
    const decide = steps.findIndex((s) => s.command.type === 'DecideRecognition');
    const send = (
      step: Parameters<TestServer['sendStep']>[0],
      cursor: { dossierId?: string; etag?: string },
    ) => t.sendStep(step, cursor);
    const cursor = await driveSteps(send, steps.slice(0, decide));

    const inbox = await get('/read/inbox?role=provincial_chairman', chairman);
    expect(inbox.body['items']).toContainEqual(
      expect.objectContaining({ stream_id: dossierStreamId(cursor.dossierId!), unit_code: NGHE_AN }),
    );

    const before = await t.countEvents();
    const commune = await t.sendStep(steps[decide]!, { ...cursor });
    expect([commune.status, commune.body['code']]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    expect(await t.countEvents()).toBe(before);

    const decided = await t.sendStep(
      { ...steps[decide]!, ctx: { ...steps[decide]!.ctx, actor: chairman } },
      cursor,
    );
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const state = (await get(`/dossiers/${cursor.dossierId!}`, auditor)).body['state'] as Record<
      string,
      unknown
    >;
    expect(state).toMatchObject({
      status: 'recognised',
      villageDecider: { role: 'provincial_chairman', legalBasis: RULE, confirmed: false },
    });
    expect(state['provenance']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'procedure:villageDecider', basis: RULE, confirmed: false }),
      ]),
    );
  });
});
