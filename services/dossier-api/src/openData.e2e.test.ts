/**
 * Open data over HTTP, without a token: a commune recognised through the API appears in
 * `/open-data/recognitions` (per tier and year, with its decision number and date) and in the CSV, filtered by
 * province and year, and exported as the same CSV by `pnpm open-data:export`; nothing personal is published; bad
 * filters are a 400 problem.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { communeJourney } from '@ntm/testing';
import { runCliProcess } from '../test/support/runCliProcess.js';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
const decision = journey.steps.find((s) => s.command.type === 'DecideRecognition')!.command as unknown as {
  decisionNo: string;
  decidedOn: string;
};
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ now: new Date(String(journey.steps[0]!.ctx.now)), schemaPrefix: 'api_open' });
  const cursor: JourneyCursor = {};
  for (const step of journey.steps) expect((await t.sendStep(step, cursor)).status).toBeLessThan(300);
});
afterAll(() => t.close());

const get = (path: string) => fetch(`${t.url}${path}`);

describe('GET /open-data/recognitions', () => {
  it('publishes the recognition with its decision, per tier and year, and the on-time rate, to anyone', async () => {
    const response = await get('/open-data/recognitions?province=06');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      recognitions: { unitCode: string; tier: string; outcome: string; decisionNo: string; year: number }[];
      perTierAndYear: { tier: string; year: number; recognised: number }[];
      onTime: { dossiers: number; onTime: number; rate: number | null };
    };
    const open = journey.steps[0]!.command as unknown as { unitCode: string };
    expect(body.recognitions).toEqual([
      expect.objectContaining({
        unitCode: open.unitCode,
        tier: 'ntm',
        outcome: 'recognised',
        decisionNo: decision.decisionNo,
        decidedOn: decision.decidedOn,
      }),
    ]);
    expect(body.perTierAndYear).toEqual([
      { tier: 'ntm', year: body.recognitions[0]!.year, recognised: 1, revoked: 0 },
    ]);
    expect(body.onTime).toEqual({ dossiers: 1, onTime: 1, rate: 1 });
    // No person: none of the actors who acted on the dossier, no dossier id.
    const text = JSON.stringify(body);
    for (const step of journey.steps) expect(text).not.toContain(step.ctx.actor.id);
    expect(text).not.toContain('dossier-');
  });

  it('filters by province and year, and gives the same rows as CSV', async () => {
    const other = (await (await get('/open-data/recognitions?province=01')).json()) as { recognitions: [] };
    expect(other.recognitions).toEqual([]);
    const csv = await get('/open-data/recognitions.csv?province=06');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'unit_code,commune_code,province_code,kind,tier,outcome,year,decision_no,decided_on,under_complaint',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(decision.decisionNo);
    const year = Number(lines[1]!.split(',')[6]);
    const none = (await (await get(`/open-data/recognitions?year=${year + 1}`)).json()) as {
      recognitions: [];
    };
    expect(none.recognitions).toEqual([]);
  });

  it('is exported by `pnpm open-data:export` as the same CSV', async () => {
    const served = await (await get('/open-data/recognitions.csv?province=06')).text();
    const dataDir = await mkdtemp(join(tmpdir(), 'ntm-open-data-'));
    try {
      const run = await runCliProcess(
        'openDataExport.ts',
        {
          DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
          DATABASE_SCHEMA: t.schema,
          READ_MODEL_SCHEMA: t.readModelSchema,
          DATA_DIR: dataDir,
        },
        ['--', '--province', '06'],
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(served);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('answers a bad filter with a 400 problem', async () => {
    const response = await get('/open-data/recognitions?province=abc');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
