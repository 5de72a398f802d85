/**
 * A province other than Bắc Kạn/Thái Nguyên over HTTP (issue 14): Nghệ An (40), units from the national reference
 * data matched by code. A commune of Quế Phong district is recognised under the 2022 procedure; after the 2025
 * merger, the commune it merged into opens its post-merger dossier, and the statuses it declares for its
 * predecessors are checked against the recognition read model (MERGER_STATUS_MISMATCH when they differ). A commune
 * and a village of the new Nghệ An carry dossiers of the two-tier procedure, the village on the unconfirmed fallback
 * criteria, since no Nghệ An village criteria are loaded.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  communeJourney,
  driveSteps,
  relocate,
  sendCommand,
  villageJourney,
  type DriveCursor,
} from '@ntm/testing';
import type { DomainActor } from '@ntm/domain';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

/** Xã Tiền Phong (16750, Nghệ An) was formed on 01/07/2025 from Xã Hạnh Dịch (16747) and Xã Tiền Phong (16750). */
const HANH_DICH = '16747';
const TIEN_PHONG = '16750';
const QUE_PHONG = '415';
const NGHE_AN = '40';
/** Xã Tri Lễ (16756), Nghệ An, after the reform. */
const TRI_LE = '16756';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer({ now: new Date('2024-04-01T02:00:00Z'), schemaPrefix: 'api_nation' });
});
afterEach(() => t.close());

const send = (step: Parameters<TestServer['sendStep']>[0], cursor: DriveCursor) => t.sendStep(step, cursor);

async function get(path: string, actor: DomainActor) {
  const response = await fetch(`${t.url}${path}`, {
    headers: { authorization: `Bearer ${await t.tokenFor(actor)}` },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk loosely typed JSON
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}
const auditor: DomainActor = { id: 'kt-nghean', role: 'auditor', unit: NGHE_AN };

async function openMerger(predecessors: unknown[]) {
  t.clock.set(new Date('2025-08-04T02:00:00Z'));
  const official: DomainActor = { id: 'cb-tienphong-1', role: 'commune_official', unit: TIEN_PHONG };
  return sendCommand({
    baseUrl: t.url,
    token: await t.tokenFor(official),
    command: {
      type: 'OpenDossier',
      dossierId: '',
      kind: 'POST_MERGER_ACKNOWLEDGEMENT',
      unitCode: TIEN_PHONG,
      year: 2025,
      predecessors,
    },
  });
}

describe('Nghệ An: a merged commune is judged on the recognition record of its predecessors', () => {
  it('refuses a declaration the record contradicts, and records what the record says', async () => {
    // Hạnh Dịch, Quế Phong district, recognised NTM under the 2022 procedure (decision 1021/QĐ-UBND of 30/05/2024).
    const recognised = relocate(communeJourney('ntm', 1).steps, {
      '02032': HANH_DICH,
      '064': QUE_PHONG,
      '06': NGHE_AN,
    });
    await driveSteps(send, recognised);
    const record = await get(`/read/units/${HANH_DICH}/recognition`, auditor);
    expect(record.body['current']).toMatchObject({ ntm: { decision_no: '1021/QĐ-UBND' } });

    // Declared unrecognised, but on record NTM: refused, nothing written.
    const before = await t.countEvents();
    const wrong = await openMerger([
      { code: HANH_DICH, tier: null },
      { code: TIEN_PHONG, tier: 'ntm', decisionNo: '77/QĐ-UBND' },
    ]);
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({
      code: 'MERGER_STATUS_MISMATCH',
      params: {
        statusOn: '2025-06-30',
        mismatches: [
          {
            code: HANH_DICH,
            declared: { tier: null },
            recorded: { tier: 'ntm', decisionNo: '1021/QĐ-UBND' },
          },
        ],
      },
    });
    expect(await t.countEvents()).toBe(before);

    // Declared as on record: opened; Tiền Phong, of which the engine has no decision, on its declaration.
    const right = await openMerger([
      { code: HANH_DICH, tier: 'ntm' },
      { code: TIEN_PHONG, tier: 'ntm', decisionNo: '77/QĐ-UBND' },
    ]);
    expect(right.status, JSON.stringify(right.body)).toBe(201);
    const view = await get(`/dossiers/${right.body['dossierId'] as string}`, auditor);
    expect(view.body['state']).toMatchObject({
      scope: { unitCode: TIEN_PHONG, provinceCode: NGHE_AN },
      merger: { effectiveDate: '2025-07-01', statusOn: '2025-06-30', statusesFrom: 'mixed' },
      predecessors: [
        { code: HANH_DICH, tier: 'ntm', decisionNo: '1021/QĐ-UBND' },
        { code: TIEN_PHONG, tier: 'ntm', decisionNo: '77/QĐ-UBND' },
      ],
    });
  });
});

describe('Nghệ An after the reform: its own units, the national rules and the fallback village criteria', () => {
  it('carries a commune NTM dossier to its announcement; Thái Nguyên cannot see it', async () => {
    const steps = relocate(communeJourney('ntm', 2).steps, { '02038': TRI_LE, '19': NGHE_AN });
    const decided = steps.findIndex((s) => s.command.type === 'DecideRecognition');
    const cursor = await driveSteps(send, steps.slice(0, decided));

    // The Thái Nguyên chairman of the journey, as it was written, has no jurisdiction here: it does not even learn
    // that the dossier exists.
    const stranger = await t.sendStep(communeJourney('ntm', 2).steps[decided]!, { ...cursor });
    expect(stranger.status).toBe(404);
    await driveSteps(send, steps.slice(decided), cursor);

    const view = await get(`/dossiers/${cursor.dossierId!}`, auditor);
    expect(view.body['state']).toMatchObject({
      status: 'announced',
      scope: { unitCode: TRI_LE, communeCode: TRI_LE, provinceCode: NGHE_AN },
      criteriaSetId: 'commune-ntm-2021-2025',
    });
    const record = await get(`/read/units/${TRI_LE}/recognition`, auditor);
    expect(record.body['current']).toMatchObject({ ntm: { decision_no: '1021/QĐ-UBND', year: 2025 } });
  });

  it('judges a village on the unconfirmed fallback criteria and says so in the provenance', async () => {
    const steps = relocate(villageJourney(2).steps, { '02038': TRI_LE, '19': NGHE_AN });
    const cursor = await driveSteps(send, steps);
    const state = (await get(`/dossiers/${cursor.dossierId!}`, auditor)).body['state'] as Record<
      string,
      unknown
    >;
    expect(state).toMatchObject({
      status: 'announced',
      criteriaSetId: 'village-ntm-fallback',
      scope: { communeCode: TRI_LE, provinceCode: NGHE_AN },
    });
    expect(state['provenance']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'criteria:village-ntm-fallback', confirmed: false }),
      ]),
    );
  });
});

describe('Nghệ An across the cut-over: a 2022-procedure dossier in flight on 01/07/2025', () => {
  it('is verified by the province, not the abolished district, for the commune Hạnh Dịch merged into', async () => {
    const steps = relocate(communeJourney('ntm', 1, 2025).steps, {
      '02032': HANH_DICH,
      '064': QUE_PHONG,
      '06': NGHE_AN,
    });
    const verify = steps.findIndex((s) => s.command.type === 'RecordVerification');
    const cursor = await driveSteps(send, steps.slice(0, verify));
    const step = steps[verify]!;
    const after = { ...step, ctx: { ...step.ctx, now: '2025-07-10T02:00:00.000Z' } };

    // Quế Phong district's verifier no longer exists as a role on 10/07/2025.
    const district = await t.sendStep(after, { ...cursor });
    expect(district.status).toBe(403);
    expect(district.body).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });

    const appraiser: DomainActor = { id: 'snnmt-nghean-1', role: 'provincial_appraiser', unit: NGHE_AN };
    const province = await t.sendStep({ ...after, ctx: { ...after.ctx, actor: appraiser } }, cursor);
    expect(province.status, JSON.stringify(province.body)).toBe(200);
    const history = await get(`/dossiers/${cursor.dossierId!}/history`, auditor);
    const verified = (history.body['events'] as { type: string; data: Record<string, unknown> }[]).at(-1);
    expect(verified?.data['succession']).toMatchObject({
      replaces: 'district_verifier',
      role: 'provincial_appraiser',
      unitCode: NGHE_AN,
    });
    expect((await get(`/dossiers/${cursor.dossierId!}`, auditor)).body['state']).toMatchObject({
      status: 'verified',
      scope: { unitCode: HANH_DICH, districtCode: QUE_PHONG },
    });
  });
});
