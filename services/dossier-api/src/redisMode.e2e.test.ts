/**
 * `REDIS_URL` mode end to end: the API with no projections of its own, the projector's dispatcher and one worker
 * in-process (their factory functions; schemas, queue names and BullMQ key prefix unique to the test), commands
 * over HTTP, and the read models catching up through Redis. Waits are on conditions, bounded; never on time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { communeJourney } from '@ntm/testing';
import { startRedisMode, type RedisModeHarness } from '../test/support/redisHarness.js';
import type { JourneyCursor } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
const submitted = journey.steps.findIndex((s) => s.command.type === 'SubmitDossier');
const auditor = { id: 'kt-backan', role: 'auditor' as const, unit: '06' };

let h: RedisModeHarness;
beforeAll(async () => {
  h = await startRedisMode({ now: new Date(String(journey.steps[0]!.ctx.now)) });
  await h.startProjector();
});
afterAll(() => h.close());

/** A row of the dossier list (`GET /dossiers`). */
interface ListItem {
  dossierId: string;
  revision: number;
  step: string;
  status: string;
}

async function listed(dossierId: string): Promise<ListItem | undefined> {
  const response = await fetch(`${h.t.url}/dossiers`, {
    headers: { authorization: `Bearer ${await h.t.tokenFor(auditor)}` },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { items: ListItem[] };
  return body.items.find((item) => item.dossierId === dossierId);
}

/** Polls the list until `check` holds for the dossier's row, failing after a bound. */
async function waitForRow(dossierId: string, check: (row: ListItem) => boolean): Promise<ListItem> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const row = await listed(dossierId);
    if (row && check(row)) return row;
    if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('REDIS_URL mode, end to end', () => {
  it('projects commands sent over HTTP through the dispatcher and a worker into the list', async () => {
    const cursor: JourneyCursor = {};
    const drive = async (from: number, to: number) => {
      for (const step of journey.steps.slice(from, to)) {
        const answer = await h.t.sendStep(step, cursor);
        expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
      }
    };
    await drive(0, 1);
    const dossierId = cursor.dossierId!;
    const first = await waitForRow(dossierId, (row) => row.revision === 0);

    await drive(1, submitted + 1);
    const revision = Number(JSON.parse(cursor.etag!));
    const row = await waitForRow(dossierId, (r) => r.revision === revision);
    // The dossier itself (read from its stream) and its row in the read model agree on where it stands.
    const view = (await (
      await fetch(`${h.t.url}/dossiers/${dossierId}`, {
        headers: { authorization: `Bearer ${await h.t.tokenFor(auditor)}` },
      })
    ).json()) as { state: { status: string } };
    expect(view.state.status).toBe('submitted');
    expect(row.step).toBe('submitted');
    expect(first.step).toBe('preparing');
  });
});
