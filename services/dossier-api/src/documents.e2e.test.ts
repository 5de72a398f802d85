/**
 * Dossier codes, decision numbers and generated documents over HTTP, with two API instances on one PostgreSQL
 * schema: 50 concurrent first submissions get 50 distinct consecutive codes, decisions are numbered per issuer and
 * year from 01 (the year from the injected clock), and the PDFs say what the log says, to readers only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dossierStreamId } from '@ntm/event-store';
import { communeJourney, pdfText, sendCommand, type JourneyStep } from '@ntm/testing';
import { startTestServer, type JourneyCursor, type TestServer } from '../test/support/startTestServer.js';

const journey = communeJourney('ntm', 1);
const indexOf = (type: string) => journey.steps.findIndex((s) => s.command.type === type);
const SUBMIT = indexOf('SubmitDossier');
const DECIDE = indexOf('DecideRecognition');
/** The decision without a number: the issuer's counter gives it. */
const steps: JourneyStep[] = journey.steps.map((s) => {
  if (s.command.type !== 'DecideRecognition') return s;
  const { decisionNo: _named, ...command } = s.command;
  return { ...s, command };
});

let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  a = await startTestServer({ now: new Date('2024-04-01T02:00:00Z'), schemaPrefix: 'api_docs' });
  b = await startTestServer({ now: new Date('2024-04-01T02:00:00Z'), shareSchemaOf: a });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

/** Sends steps [from, to) to every dossier in lockstep (one date at a time), dossier i through instance i % 2. */
async function lockstep(cursors: JourneyCursor[], from: number, to: number, at?: string): Promise<void> {
  for (const step of steps.slice(from, to)) {
    const dated = at ? { ...step, ctx: { ...step.ctx, now: at } } : step;
    const answers = await Promise.all(cursors.map((c, i) => [a, b][i % 2]!.sendStep(dated, c)));
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  }
}

async function get(server: TestServer, path: string, actor = steps[0]!.ctx.actor) {
  return fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${await server.tokenFor(actor)}` },
  });
}

const codeOf = async (dossierId: string): Promise<string> => {
  const events = await a.store.readStream(dossierStreamId(dossierId));
  return events.find((e) => e.type === 'DossierSubmitted')?.data['dossierCode'] as string;
};

describe('dossier codes and documents', () => {
  const cursors: JourneyCursor[] = Array.from({ length: 50 }, () => ({}));

  it('gives 50 concurrent first submissions on two instances 50 distinct consecutive codes', async () => {
    await lockstep(cursors, 0, SUBMIT);
    await lockstep(cursors, SUBMIT, SUBMIT + 1);
    const codes = await Promise.all(cursors.map((c) => codeOf(c.dossierId!)));
    const expected = Array.from({ length: 50 }, (_, i) => `06-240426-${String(i + 1).padStart(4, '0')}`);
    expect([...codes].sort()).toEqual(expected);

    // The dossier list shows the code, and finds a dossier by it.
    const list = await get(a, `/dossiers?dossierCode=${codes[7]}`);
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: { dossierId: string; dossierCode: string }[] };
    expect(items).toEqual([
      expect.objectContaining({ dossierId: cursors[7]!.dossierId, dossierCode: codes[7] }),
    ]);
  });

  it('serves the receipt to readers only, and no decision before there is one', async () => {
    const id = cursors[0]!.dossierId!;
    const receipt = await get(b, `/dossiers/${id}/receipt.pdf`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get('content-type')).toBe('application/pdf');
    const text = (await pdfText(new Uint8Array(await receipt.arrayBuffer()))).text.replace(/\s+/g, ' ');
    expect(text).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(text).toContain(`Mã hồ sơ: ${await codeOf(id)}`);

    const early = await get(a, `/dossiers/${id}/decision.pdf`);
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ code: 'DOCUMENT_NOT_AVAILABLE', document: 'decision' });
    // The apology letter (form 04) is served once a missed deadline was apologised for; not before.
    const apology = await get(a, `/dossiers/${id}/apology-letter.pdf`);
    expect(apology.status).toBe(409);
    expect(await apology.json()).toMatchObject({
      code: 'DOCUMENT_NOT_AVAILABLE',
      document: 'apology-letter',
    });

    const outsider = { id: 'ngoai', role: 'commune_official' as const, unit: '02035' };
    expect((await get(a, `/dossiers/${id}/receipt.pdf`, outsider)).status).toBe(404);
  });

  it('numbers decisions per issuer from 01 each year, and prints the number in the same decision PDF on both instances', async () => {
    const decided = cursors.slice(0, 3);
    await lockstep(decided, SUBMIT + 1, DECIDE);
    await lockstep(decided.slice(0, 2), DECIDE, DECIDE + 1);
    // The next calendar year's first decision is 01 again (the clock says when it is numbered).
    await lockstep(decided.slice(2), DECIDE, DECIDE + 1, '2025-01-15T02:00:00.000Z');
    const numbers = await Promise.all(
      decided.map(
        async (c) =>
          (await a.store.readStream(dossierStreamId(c.dossierId!))).find(
            (e) => e.type === 'RecognitionDecided',
          )?.data['decisionNo'] as string,
      ),
    );
    expect([...numbers.slice(0, 2)].sort()).toEqual(['01/QĐ-UBND', '02/QĐ-UBND']);
    expect(numbers[2]).toBe('01/QĐ-UBND');

    const id = decided[0]!.dossierId!;
    const [fromA, fromB] = await Promise.all([a, b].map((s) => get(s, `/dossiers/${id}/decision.pdf`)));
    expect(fromA!.status).toBe(200);
    expect(fromA!.headers.get('etag')).toBe(fromB!.headers.get('etag'));
    const text = (await pdfText(new Uint8Array(await fromA!.arrayBuffer()))).text.replace(/\s+/g, ' ');
    expect(text).toContain(`Số: ${numbers[0]}`);
    expect(text).toContain('Về việc công nhận xã Tân Lập');
    expect(text).toContain('TỈNH BẮC KẠN');
    const again = await fetch(`${a.url}/dossiers/${id}/decision.pdf`, {
      headers: {
        authorization: `Bearer ${await a.tokenFor(steps[0]!.ctx.actor)}`,
        'if-none-match': fromA!.headers.get('etag')!,
      },
    });
    expect(again.status).toBe(304);
    // A refused command draws nothing: deciding again is refused and the year's counter stays at 02.
    a.clock.set(new Date(String(steps[DECIDE]!.ctx.now)));
    const refused = await sendCommand({
      baseUrl: a.url,
      token: await a.tokenFor(steps[DECIDE]!.ctx.actor),
      command: steps[DECIDE]!.command,
      dossierId: cursors[5]!.dossierId,
      etag: cursors[5]!.etag,
    });
    expect(refused.status).toBe(409);
    expect(await a.store.streamRevision('counter-decision-06-2024')).toBe(1n);
  });
});
