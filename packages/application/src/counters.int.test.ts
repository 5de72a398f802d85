/**
 * Dossier codes and decision numbers drawn from counter streams (ADR 0016), on the real PostgreSQL store, with two
 * store instances standing for two API processes: concurrent first submissions get consecutive codes, a refused
 * command draws nothing, and decision numbers run per issuer per year from 01.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { can } from '@ntm/auth';
import { loadBacKan } from '@ntm/domain';
import { counterStreamId, dossierStreamId } from '@ntm/event-store';
import { openPostgresStore } from '@ntm/store-postgres';
import { communeJourney, type JourneyStep } from '@ntm/testing';
import { countersOf, DossierCache, handleCommand, type CommandPorts } from './index.js';

const units = loadBacKan();
const journey = communeJourney('ntm', 1);
const indexOf = (type: string) => journey.steps.findIndex((s) => s.command.type === type);
const SUBMIT = indexOf('SubmitDossier');
const DECIDE = indexOf('DecideRecognition');
const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

let schema: string;
let stores: Awaited<ReturnType<typeof openPostgresStore>>[];

const portsOf = (opened: (typeof stores)[number]): CommandPorts => ({
  store: opened.store,
  dossiers: new DossierCache(),
  clock: { now: () => new Date() },
  domainContext: { units },
  unitRecognition: () => Promise.resolve(null),
  authorize: (actor, action, scope, ruleSet) =>
    can(actor, action, scope, ruleSet && { ruleSet, now: new Date(), units }),
  notifyAppended: () => Promise.resolve(),
  log: { error: () => undefined },
});

beforeEach(async () => {
  schema = `app_counters_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  // Two stores on one schema: two API instances, each with its own cache of stream heads.
  stores = [
    await openPostgresStore({ connectionString, schema }),
    await openPostgresStore({ connectionString, schema }),
  ];
});
afterEach(async () => {
  await stores[0]!.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  for (const s of stores) await s.close();
});

/** Sends one journey step at its own date (or `at`) through `ports`; the body may be changed. */
function send(ports: CommandPorts, step: JourneyStep, dossierId: string | undefined, at?: string) {
  const { type, dossierId: _journeyId, ...body } = step.command;
  const now = new Date(at ?? String(step.ctx.now));
  return handleCommand(
    { ...ports, clock: { now: () => now } },
    { actor: step.ctx.actor, onBehalfOf: step.ctx.onBehalfOf },
    { type, dossierId, body, correlationId: 'c', causationId: 'c' },
  );
}

/** Opens a dossier and drives it through the journey's steps before `until`. */
async function driveTo(ports: CommandPorts, until: number, at?: string): Promise<string> {
  const { dossierId } = await send(ports, journey.steps[0]!, undefined);
  for (const step of journey.steps.slice(1, until)) await send(ports, step, dossierId, at);
  return dossierId;
}

async function submittedCode(ports: CommandPorts, dossierId: string): Promise<unknown> {
  const events = await ports.store.readStream(dossierStreamId(dossierId));
  return events.find((e) => e.type === 'DossierSubmitted')?.data['dossierCode'];
}

describe('numbers from counter streams', () => {
  it('gives concurrent first submissions on two instances consecutive codes, and a refused one draws none', async () => {
    const ports = stores.map(portsOf);
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => driveTo(ports[i % 2]!, SUBMIT)));
    await Promise.all(ids.map((id, i) => send(ports[i % 2]!, journey.steps[SUBMIT]!, id)));
    const codes = await Promise.all(ids.map((id) => submittedCode(ports[0]!, id)));
    // Bắc Kạn (06) received them on 26/04/2024 (the journey's submission day).
    expect([...codes].sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `06-240426-000${n}`));

    // Submitting again is refused by the workflow before any number is drawn.
    await expect(send(ports[0]!, journey.steps[SUBMIT]!, ids[0])).rejects.toMatchObject({
      code: 'COMMAND_REFUSED',
    });
    expect(await countersOf(stores[0]!.store).last('dossier-code-06-240426')).toBe(6);
    const drawn = await stores[0]!.store.readStream(counterStreamId('dossier-code-06-240426'));
    expect(drawn.map((e) => e.data['number'])).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('numbers decisions per issuer from 01 each year, and keeps a number the decision names', async () => {
    const ports = portsOf(stores[0]!);
    const ids = await Promise.all([0, 1, 2, 3].map(() => driveTo(ports, DECIDE)));
    const decide = journey.steps[DECIDE]!;
    const { decisionNo: named, ...unnamed } = decide.command;
    const decideWithout = { ...decide, command: unnamed };
    await send(ports, decideWithout, ids[0]);
    await send(ports, decideWithout, ids[1]);
    await send(ports, decide, ids[2]);
    // The next calendar year starts again at 01 (the decision is dated by the injected clock).
    await send(ports, decideWithout, ids[3], '2025-01-15T02:00:00.000Z');
    const numbers = await Promise.all(
      ids.map(async (id) => {
        const events = await ports.store.readStream(dossierStreamId(id));
        return events.find((e) => e.type === 'RecognitionDecided')?.data['decisionNo'];
      }),
    );
    expect(numbers).toEqual(['01/QĐ-UBND', '02/QĐ-UBND', named, '01/QĐ-UBND']);
    expect(await countersOf(ports.store).last('decision-06-2024')).toBe(2);
    expect(await countersOf(ports.store).last('decision-06-2025')).toBe(1);
  });

  describe('draws waiting on one counter', () => {
    const counter = 'dossier-code-06-240426';
    const drawFor = (dossierId: string) =>
      countersOf(stores[0]!.store).draw(
        { counter, purpose: 'dossierCode' },
        {
          dossierId,
          metadata: {
            actor: { id: 'u', role: 'commune_official', unit: '06' },
            correlationId: 'c',
            occurredAt: new Date().toISOString(),
          },
        },
      );
    /** the counter's events: number, dossier and the transaction that appended it (a position's high bits) */
    const drawn = async () =>
      (await stores[0]!.store.readStream(counterStreamId(counter))).map((e) => ({
        number: e.data['number'],
        dossierId: e.data['dossierId'],
        transaction: e.position >> 20n,
      }));

    it('go out together in the append after the one in flight, numbered in the order they were asked', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `d${i}`);
      // The first draw goes out at once; the other nineteen are asked while it is in flight.
      expect(await Promise.all(ids.map(drawFor))).toEqual(ids.map((_, i) => i + 1));
      const events = await drawn();
      expect(events.map((e) => [e.number, e.dossierId])).toEqual(ids.map((id, i) => [i + 1, id]));
      // One transaction for the first, one for the nineteen (one append each, one at a time, before).
      expect(new Set(events.map((e) => e.transaction)).size).toBe(2);
    });

    it('give a draw asked twice one number, and a retried draw among new ones the number it had', async () => {
      expect(await drawFor('a')).toBe(1);
      const [x, b, again, c, cAgain] = await Promise.all(['x', 'b', 'a', 'c', 'c'].map(drawFor));
      // 'x' went out alone; 'b', 'a' (drawn before) and 'c' (asked twice) waited together: the store refuses a batch
      // holding an id it has, so each was drawn alone, 'a' getting its number again.
      expect([x, b, again, c, cAgain]).toEqual([2, 3, 1, 4, 4]);
      expect((await drawn()).map((e) => [e.number, e.dossierId])).toEqual([
        [1, 'a'],
        [2, 'x'],
        [3, 'b'],
        [4, 'c'],
      ]);
    });
  });
});
