/**
 * Complaints end to end over HTTP (ADR 0026): a commune recognised through the API complains of its decision within
 * the Law on Complaints' 90 days (received), and after them (422 COMPLAINT_WINDOW_CLOSED); from the issuer's
 * acceptance the decision shows under complaint in the dossier list, the dossier, the unit's recognition history and
 * open data; once annulled it is dropped from the recognition status, progress and open data. The read models equal
 * a rebuild from the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, type DossierCommand } from '@ntm/domain';
import { communeJourney } from '@ntm/testing';
import { compareReadModels, rebuild } from '@ntm/projections';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
const decisionStep = journey.steps.find((s) => s.command.type === 'DecideRecognition')!;
const decision = decisionStep.command as unknown as { decisionNo: string; decidedOn: string };
const unitCode = (journey.steps[0]!.command as unknown as { unitCode: string }).unitCode;
const commune = journey.steps[0]!.ctx.actor;
const issuer = decisionStep.ctx.actor;
let t: TestServer;
let target: string;
const complaint: JourneyCursor = {};

beforeAll(async () => {
  t = await startTestServer({
    now: new Date(String(journey.steps[0]!.ctx.now)),
    schemaPrefix: 'api_complaint',
  });
  const cursor: JourneyCursor = {};
  for (const step of journey.steps) expect((await t.sendStep(step, cursor)).status).toBeLessThan(300);
  target = cursor.dossierId!;
});
afterAll(() => t.close());

const day = (days: number) => addCalendarDays(decision.decidedOn, days);
const step = (command: Record<string, unknown>, actor: typeof commune, date: string) => ({
  command: command as unknown as DossierCommand,
  ctx: { now: new Date(`${date}T03:00:00Z`), actor },
});
const filing = () => ({
  type: 'OpenDossier',
  kind: 'COMPLAINT',
  unitCode,
  year: Number(decision.decidedOn.slice(0, 4)),
  complaint: {
    targetDossierId: target,
    complainant: { name: 'UBND xã Tân Lập' },
    grounds: 'Tiêu chí 17 chưa được thẩm định đúng',
  },
});
async function get<T>(path: string, actor = commune): Promise<T> {
  const response = await fetch(`${t.url}${path}`, {
    headers: { authorization: `Bearer ${await t.tokenFor(actor)}` },
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}
interface ListItem {
  dossierId: string;
  underComplaint: boolean;
  complaint: { dossierId: string; state: string; decisionNo: string | null } | null;
}
const listed = async () =>
  (await get<{ items: ListItem[] }>(`/dossiers?kind=COMMUNE_NTM`)).items.find((i) => i.dossierId === target)!;
const history = () =>
  get<{
    history: { decision_no: string; complaint: string | null }[];
    current: Record<string, { decision_no: string } | null>;
  }>(`/read/units/${unitCode}/recognition`);
const openData = async () =>
  (
    (await (await fetch(`${t.url}/open-data/recognitions?province=06`)).json()) as {
      recognitions: { unitCode: string; decisionNo: string; underComplaint: boolean }[];
    }
  ).recognitions.filter((r) => r.unitCode === unitCode);
const recognisedCommunes = async () => {
  const progress = await get<{ rows: { year: number; districtCode: string | null; communesNtm: number }[] }>(
    '/read/progress',
  );
  return progress.rows.find(
    (r) => r.districtCode === null && r.year === Number(decision.decidedOn.slice(0, 4)),
  )!.communesNtm;
};

describe('a complaint against a recognition, over HTTP', () => {
  let before: number;

  it('is received within the window, and marks nothing until it is accepted', async () => {
    before = await recognisedCommunes();
    const answer = await t.sendStep(step(filing(), commune, day(30)), complaint);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(await listed()).toMatchObject({ underComplaint: false, complaint: null });
  });

  it('shows the decision under complaint from the issuer’s acceptance: list, dossier, history, open data', async () => {
    const accept = { type: 'AcceptComplaint', acceptedOn: day(32), complex: false, remoteArea: false };
    const answer = await t.sendStep(step(accept, issuer, day(32)), complaint);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);

    expect(await listed()).toMatchObject({
      underComplaint: true,
      complaint: { dossierId: complaint.dossierId, state: 'under_complaint', decisionNo: null },
    });
    const dossier = await get<{ underComplaint: boolean; complaint: { state: string } }>(
      `/dossiers/${target}`,
    );
    expect(dossier).toMatchObject({ underComplaint: true, complaint: { state: 'under_complaint' } });
    const units = await history();
    expect(units.history).toEqual([
      expect.objectContaining({ decision_no: decision.decisionNo, complaint: 'under_complaint' }),
    ]);
    // A complaint does not suspend the decision (Art. 12): it still holds and still counts meanwhile.
    expect(units.current['ntm']).toMatchObject({ decision_no: decision.decisionNo });
    expect(await openData()).toEqual([
      expect.objectContaining({ decisionNo: decision.decisionNo, underComplaint: true }),
    ]);
    expect(await recognisedCommunes()).toBe(before);
  });

  it('annulled: the recognition is dropped from the status, progress and open data', async () => {
    const decide = {
      type: 'DecideComplaint',
      outcome: 'annulled',
      decisionNo: '2001/QĐ-UBND',
      decidedOn: day(50),
    };
    const answer = await t.sendStep(step(decide, issuer, day(50)), complaint);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);

    expect(await listed()).toMatchObject({
      underComplaint: false,
      complaint: { state: 'annulled', decisionNo: '2001/QĐ-UBND' },
    });
    const units = await history();
    expect(units.history).toEqual([expect.objectContaining({ complaint: 'annulled' })]);
    expect(units.current['ntm']).toBeNull();
    expect(await openData()).toEqual([]);
    expect(await recognisedCommunes()).toBe(before - 1);
  });

  it('is refused after the 90 days with a problem naming the window, in Vietnamese and English', async () => {
    const late = step(filing(), commune, day(91));
    const answer = await t.sendStep(late, {});
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toMatch(/problem\+json/);
    expect(answer.body).toMatchObject({ code: 'COMPLAINT_WINDOW_CLOSED' });
    expect(await listed()).toMatchObject({ complaint: { state: 'annulled' } });
  });

  it('leaves read models equal to a rebuild from the log', async () => {
    const check = `${t.schema}_check`;
    try {
      await rebuild(t.store, t.sql, { schema: check });
      const diff = await compareReadModels(
        { sql: t.sql, schema: t.readModelSchema },
        { sql: t.sql, schema: check },
      );
      // The numbering counters' streams are projected by neither (ADR 0071): no exception for their checkpoints.
      expect(diff.differences.slice(0, 3)).toEqual([]);
      const complaints = await t.sql.query<{ state: string }>(`SELECT state FROM "${check}".complaints`);
      expect(complaints.rows).toEqual([{ state: 'annulled' }]);
    } finally {
      await t.sql.query(`DROP SCHEMA IF EXISTS "${t.schema}_check" CASCADE`);
    }
  });
});
