/**
 * Deadlines across the 2025 cut-over (ADR 0007, 0009): a Bắc Kạn commune dossier submitted in 2024 under the 2022
 * procedure waits for the district verifier (Chợ Đồn, 064) within its verification deadline. Districts were
 * abolished on 01/07/2025 and Bắc Kạn merged into Thái Nguyên (19): from that day `/read/deadlines` shows the
 * deadline to the successor, Thái Nguyên's provincial appraiser, and no longer to the district; before it, the
 * district's row. The rows are the projection's own (`writeStreams`), read over HTTP on the service clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainActor } from '@ntm/domain';
import { evolveView, writeStreams, type DossierView } from '@ntm/projections';
import { communeJourney, journeyRecords } from '@ntm/testing';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
// The journey up to the step that schedules the verification deadline.
const upTo = journey.steps.findIndex((s) => s.command.type === 'SubmitDossier');
const streamId = `dossier-${journey.dossierId}`;
let view: DossierView | undefined;
for (const event of journeyRecords(streamId, journey.steps.slice(0, upTo + 1)))
  view = evolveView(view, event);

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ now: new Date('2024-05-01T02:00:00Z'), schemaPrefix: 'api_dl_cut' });
  await writeStreams(t.sql, t.readModelSchema, [view!]);
});
afterAll(() => t.close());

interface Row {
  stream_id: string;
  role: string;
  unit_code: string;
  province_code: string;
  active_from: string | null;
  active_to: string | null;
}

async function deadlinesAs(actor: DomainActor, on: string, query = ''): Promise<Row[] | number> {
  t.clock.set(new Date(on));
  const response = await fetch(`${t.url}/read/deadlines${query}`, {
    headers: { authorization: `Bearer ${await t.tokenFor(actor)}` },
  });
  if (response.status !== 200) return response.status;
  return ((await response.json()) as { items: Row[] }).items;
}

describe('/read/deadlines across the 2025 cut-over', () => {
  it('the dossier waits within an open deadline of the district verifier', () => {
    expect(view!.deadlines).toEqual([expect.objectContaining({ state: 'open' })]);
  });

  it('before the cut-over: the district verifier’s row', async () => {
    const verifier = { id: 'xm-cho-don', role: 'district_verifier', unit: '064' } as DomainActor;
    expect(await deadlinesAs(verifier, '2025-06-30T10:00:00Z', '?unitCode=064')).toEqual([
      expect.objectContaining({
        stream_id: streamId,
        role: 'district_verifier',
        unit_code: '064',
        active_to: '2025-06-30',
      }),
    ]);
  });

  it('from the cut-over: Thái Nguyên’s provincial appraiser sees the deadline of the dossier it took over', async () => {
    const appraiser = { id: 'td-thai-nguyen', role: 'provincial_appraiser', unit: '19' } as DomainActor;
    const rows = await deadlinesAs(
      appraiser,
      '2025-07-01T02:00:00Z',
      '?role=provincial_appraiser&unitCode=19',
    );
    expect(rows).toEqual([
      expect.objectContaining({
        stream_id: streamId,
        role: 'provincial_appraiser',
        unit_code: '19',
        province_code: '19',
        active_from: '2025-07-01',
        active_to: null,
      }),
    ]);
    // Filtered by their own province, too; and the district's row no longer binds anyone.
    expect(await deadlinesAs(appraiser, '2025-07-01T02:00:00Z', '?provinceCode=19')).toHaveLength(1);
    expect(await deadlinesAs(appraiser, '2025-07-01T02:00:00Z', '?unitCode=064')).toEqual([]);
    // Before the cut-over it was not theirs.
    expect(await deadlinesAs(appraiser, '2025-06-30T10:00:00Z', '?unitCode=19')).toEqual([]);
  });
});
