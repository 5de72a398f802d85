/**
 * The status feed over HTTP (issue 15): two dossiers in two provinces driven to the end, interleaved; the feed of
 * each province's integration client lists exactly its dossier's one-stop status changes, in log order; pages of
 * any size concatenate to the whole feed with no gap and no duplicate; everyone else is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneStopStatusOf, type DomainActor } from '@ntm/domain';
import { dossierStreamId } from '@ntm/event-store';
import { communeJourney, specOf } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

let t: TestServer;
const dossiers: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestServer({ now: new Date('2024-04-01T02:00:00Z'), schemaPrefix: 'api_feed' });
  // Tân Lập (Bắc Kạn, 06) under the 2022 procedure and Quảng Bạch (Thái Nguyên, 19) under the two-tier one.
  const journeys = { '06': communeJourney('ntm', 1), '19': communeJourney('ntm', 2) };
  const cursors: Record<string, JourneyCursor> = { '06': {}, '19': {} };
  const longest = Math.max(...Object.values(journeys).map((j) => j.steps.length));
  for (let i = 0; i < longest; i++) {
    for (const [province, journey] of Object.entries(journeys)) {
      const step = journey.steps[i];
      if (!step) continue;
      const answer = await t.sendStep(step, cursors[province]!);
      expect(answer.status, `${step.command.type}: ${JSON.stringify(answer.body)}`).toBe(
        specOf(step.command.type).creates ? 201 : 200,
      );
    }
  }
  dossiers['06'] = cursors['06']!.dossierId!;
  dossiers['19'] = cursors['19']!.dossierId!;
}, 240_000);
afterAll(() => t.close());

const client = (unit: string): DomainActor => ({ id: `lgsp-${unit}`, role: 'integration_client', unit });

async function feed(actor: DomainActor | undefined, query = '') {
  const headers: Record<string, string> = actor ? { authorization: `Bearer ${await t.tokenFor(actor)}` } : {};
  const response = await fetch(`${t.url}/integration/status-feed${query}`, { headers });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk loosely typed JSON
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** The one-stop code changes of a dossier, computed from its stream as the log holds it. */
async function expectedChanges(dossierId: string) {
  const events = await t.store.readStream(dossierStreamId(dossierId));
  const changes: { position: string; step: string; code: number }[] = [];
  let previous: number | undefined;
  for (const e of events) {
    if (e.metadata.toState === undefined) continue;
    const code = oneStopStatusOf(e.metadata.toState)?.code;
    if (code !== undefined && code !== previous)
      changes.push({ position: String(e.position), step: e.metadata.toState, code });
    if (code !== undefined) previous = code;
  }
  return changes;
}

describe('GET /integration/status-feed', () => {
  it("lists exactly the province's status changes, in log order, with their codes", async () => {
    for (const province of ['06', '19']) {
      const { status, body } = await feed(client(province), '?limit=500');
      expect(status).toBe(200);
      expect(body['atEnd']).toBe(true);
      const items = body['items'] as {
        position: string;
        dossierId: string;
        step: string;
        status: { code: number };
      }[];
      expect(items.every((i) => i.dossierId === dossiers[province])).toBe(true);
      expect(items.map((i) => ({ position: i.position, step: i.step, code: i.status.code }))).toEqual(
        await expectedChanges(dossiers[province]!),
      );
      const positions = items.map((i) => BigInt(i.position));
      expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      // Registered, received, processing, decided, result handed over.
      expect(items.map((i) => i.status.code)).toEqual([1, 2, 4, 9, 10]);
      expect(items[1]).toMatchObject({
        previousStatus: { code: 1, confirmed: false },
        status: { code: 2, name: 'Được tiếp nhận', confirmed: false },
        kind: 'COMMUNE_NTM',
        provinceCode: province,
      });
      expect((items[1] as unknown as { dossierCode: string }).dossierCode).toMatch(/-\d{6}-\d{4,}$/);
    }
  });

  it('pages of any size concatenate to the whole feed, without gaps or duplicates', async () => {
    const whole = (await feed(client('19'), '?limit=500')).body['items'] as { position: string }[];
    for (const size of [1, 2, 3]) {
      const seen: string[] = [];
      let after = '0';
      for (let guard = 0; guard < 50; guard++) {
        const { status, body } = await feed(client('19'), `?limit=${size}&after=${after}`);
        expect(status).toBe(200);
        const items = body['items'] as { position: string }[];
        expect(items.length).toBeLessThanOrEqual(size);
        seen.push(...items.map((i) => i.position));
        expect(BigInt(body['next'] as string)).toBeGreaterThanOrEqual(BigInt(after));
        after = body['next'] as string;
        if (body['atEnd'] === true) break;
      }
      expect(seen).toEqual(whole.map((i) => i.position));
    }
    const last = whole.at(-1)!.position;
    const tail = await feed(client('19'), `?after=${last}`);
    expect(tail.body).toMatchObject({ items: [], atEnd: true });
  });

  it('answers 401 without a token, 403 to every other role or a client without a province', async () => {
    expect((await feed(undefined)).status).toBe(401);
    for (const actor of [
      { id: 'a', role: 'auditor', unit: '19' },
      { id: 'b', role: 'provincial_chairman', unit: '19' },
      { id: 'c', role: 'administrator', unit: '19' },
      { id: 'd', role: 'integration_client', unit: '02038' },
    ] as DomainActor[]) {
      const { status, body } = await feed(actor);
      expect(status, actor.role).toBe(403);
      expect(body['code']).toBe('STATUS_FEED_FORBIDDEN');
    }
  });

  it('refuses bad paging parameters with a problem, never a 500', async () => {
    for (const query of ['?limit=0', '?limit=501', '?limit=x', '?after=-1', '?after=1e3', '?other=1']) {
      const { status, body } = await feed(client('19'), query);
      expect(status, query).toBe(400);
      expect(body['code'], query).toEqual(expect.any(String));
    }
  });
});
