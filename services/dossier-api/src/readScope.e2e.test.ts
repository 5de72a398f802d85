/**
 * Every read route shows exactly what `can(actor, 'read', …)` allows: a property over route × role × unit × day
 * (fast-check, fixed seed). The read models hold the dossiers of every journey, cut after each of their steps
 * (villages, communes at every tier, revocations, post-merger acknowledgements; pinned before and after the 2025
 * cut-over), written by the projections' own code. For each sample the oracle asks the policy, dossier by
 * dossier, with the dossier's pinned rule set and the service's clock: the rows a route returns must be exactly
 * the rows of the dossiers the caller may read. Progress is an aggregate: as a caller sees it, it must equal the
 * progress of a read model that holds only the dossiers that caller may read (docs/adr/0014).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { can, readFilterFor } from '@ntm/auth';
import {
  addCalendarDays,
  decide,
  isOverdue,
  loadBacKan,
  replay,
  ROLES,
  vietnamDate,
  type DecidedEvent,
  type DomainActor,
  type Role,
} from '@ntm/domain';
import {
  evolveView,
  migrateReadModels,
  queryProgress,
  writeStreams,
  type DossierView,
} from '@ntm/projections';
import { allJourneys, recordedEvents, type Journey } from '@ntm/testing';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

const units = loadBacKan();

/** The journey's dossier cut after each command: one view per prefix, each its own stream. */
function viewsOf(journey: Journey): DossierView[] {
  const events: { event: DecidedEvent; at: string }[] = [];
  const views: DossierView[] = [];
  let state;
  for (const [i, { command, ctx }] of journey.steps.entries()) {
    const result = decide(state, command, ctx);
    if (!result.ok) throw new Error(`${journey.name}: ${result.error.code}`);
    const at = new Date(ctx.now).toISOString();
    events.push(...result.value.map((event) => ({ event, at })));
    state = replay(events.map((e) => e.event));
    const streamId = `dossier-${journey.dossierId}-${i}`;
    const recorded = recordedEvents(
      streamId,
      events.map((e) => e.event),
      (index) => events[index]!.at,
    );
    views.push(recorded.reduce<DossierView | undefined>(evolveView, undefined)!);
  }
  return views;
}

const VIEWS = allJourneys().flatMap(viewsOf);

/** May the actor read this dossier on this instant (the policy, with the pinned rule set)? */
function readable(actor: DomainActor, view: DossierView, now: Date): boolean {
  return can(
    actor,
    'read',
    {
      unitCode: view.unitCode,
      communeCode: view.communeCode,
      ...(view.districtCode === null ? {} : { districtCode: view.districtCode }),
      provinceCode: view.provinceCode,
    },
    { ruleSet: view.ruleSet!, now, units },
  );
}

// Units that exist, that were merged away, of another province, that do not exist, villages, and no unit at all.
const UNITS = [
  ...new Set([
    ...VIEWS.flatMap((v) => [v.unitCode, v.communeCode, v.districtCode ?? '06', v.provinceCode]),
    '19',
    '20',
    '061',
    '063',
    '064',
    '02032',
    '02038',
    '02026',
    '02044',
    '01969',
    '99999',
    '99999-ban-x',
    '00',
    'x',
  ]),
];
// Days around the cut-over, the journeys' own days, and any day of the period.
const NOW = fc.oneof(
  fc.constantFrom(
    '2024-04-01T02:00:00.000Z',
    '2024-06-05T02:00:00.000Z',
    '2025-06-30T16:59:59.999Z',
    '2025-06-30T17:00:00.000Z',
    '2025-07-01T02:00:00.000Z',
    '2025-08-20T02:00:00.000Z',
    '2026-01-01T00:00:00.000Z',
  ),
  fc
    .integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') })
    .map((ms) => new Date(ms).toISOString()),
);
const ACTOR = fc.record({ role: fc.constantFrom(...ROLES), unit: fc.constantFrom(...UNITS) });
const RUNS = { seed: 20261202, numRuns: 120 };

let t: TestServer;
let oracleSchema: string;
beforeAll(async () => {
  t = await startTestServer({ now: new Date('2025-01-01T00:00:00Z'), schemaPrefix: 'api_scope' });
  await writeStreams(t.sql, t.readModelSchema, VIEWS);
  oracleSchema = `${t.readModelSchema}_oracle`;
});
afterAll(async () => {
  await t.sql.query(`DROP SCHEMA IF EXISTS "${oracleSchema}" CASCADE`);
  await t.close();
});

/** GET as the actor on the instant; 403 is asserted (and mapped to no rows) only for who may read nothing. */
async function get(
  path: string,
  actor: { role: Role; unit: string },
  now: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  t.clock.set(new Date(now));
  const token = await t.tokenFor({ id: `p-${actor.role}-${actor.unit}`, ...actor });
  const response = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as Record<string, unknown>;
  const mayRead = readFilterFor({ id: 'p', ...actor }, { now: new Date(now), units }) !== undefined;
  expect(response.status, JSON.stringify(body)).toBe(mayRead ? 200 : 403);
  return { status: response.status, body };
}

/** Every page of a list route (500 rows a page), or undefined when the caller is refused. */
async function allItems<T>(
  path: string,
  actor: { role: Role; unit: string },
  now: string,
): Promise<T[] | undefined> {
  const items: T[] = [];
  for (;;) {
    const separator = path.includes('?') ? '&' : '?';
    const { status, body } = await get(`${path}${separator}limit=500&offset=${items.length}`, actor, now);
    if (status !== 200) return undefined;
    const page = body['items'] as T[];
    items.push(...page);
    if (page.length === 0 || items.length >= (body['total'] as number)) {
      expect(items.length).toBe(body['total']);
      return items;
    }
  }
}

const readableIds = (actor: { role: Role; unit: string }, now: string) =>
  new Set(VIEWS.filter((v) => readable({ id: 'p', ...actor }, v, new Date(now))).map((v) => v.streamId));

const rowsOf = async <T>(table: string) =>
  (await t.sql.query<T>(`SELECT * FROM "${t.readModelSchema}".${table}`)).rows;

describe('every read route shows exactly the dossiers the caller may read', () => {
  it('the dossier list', async () => {
    await fc.assert(
      fc.asyncProperty(ACTOR, NOW, async (actor, now) => {
        const items = await allItems<{ dossierId: string }>('/dossiers', actor, now);
        if (items === undefined) return;
        expect(new Set(items.map((i) => `dossier-${i.dossierId}`))).toEqual(readableIds(actor, now));
      }),
      RUNS,
    );
  });

  it('the inbox: the rows active that day of the dossiers the caller may read', async () => {
    const all = await rowsOf<{
      stream_id: string;
      role: string;
      unit_code: string;
      active_from: string | null;
      active_to: string | null;
    }>('inbox');
    await fc.assert(
      fc.asyncProperty(ACTOR, NOW, async (actor, now) => {
        const items = await allItems<(typeof all)[number]>('/read/inbox', actor, now);
        if (items === undefined) return;
        const ids = readableIds(actor, now);
        const day = vietnamDate(now);
        const expected = all
          .filter((r) => ids.has(r.stream_id))
          .filter((r) => (r.active_from ?? day) <= day && day <= (r.active_to ?? day))
          .map((r) => `${r.stream_id} ${r.role} ${r.unit_code}`);
        expect(items.map((r) => `${r.stream_id} ${r.role} ${r.unit_code}`).sort()).toEqual(expected.sort());
      }),
      RUNS,
    );
  });

  it('the deadlines (open by default, binding their unit that day; overdue from the day after the due day)', async () => {
    const all = await rowsOf<{
      stream_id: string;
      deadline_id: string;
      holder: string;
      due_at: string;
      state: string;
      active_from: string | null;
      active_to: string | null;
    }>('deadlines');
    await fc.assert(
      fc.asyncProperty(
        ACTOR,
        NOW,
        fc.constantFrom(undefined, 'true', 'false'),
        async (actor, now, overdue) => {
          const query = overdue === undefined ? '' : `?overdue=${overdue}`;
          const items = await allItems<(typeof all)[number]>(`/read/deadlines${query}`, actor, now);
          if (items === undefined) return;
          const ids = readableIds(actor, now);
          const day = vietnamDate(now);
          const key = (r: (typeof all)[number]) => `${r.stream_id} ${r.deadline_id} ${r.holder}`;
          const expected = all
            .filter((r) => ids.has(r.stream_id) && r.state === 'open')
            .filter((r) => (r.active_from ?? day) <= day && day <= (r.active_to ?? day))
            .filter((r) => overdue === undefined || isOverdue(r.due_at, now) === (overdue === 'true'))
            .map(key);
          expect(items.map(key).sort()).toEqual(expected.sort());
        },
      ),
      RUNS,
    );
  });

  it('a deadline is not overdue on its due day in Vietnam, and is from the next day', async () => {
    const { rows } = await t.sql.query<{ key: string; due_at: string; province_code: string }>(
      `SELECT l.stream_id || ' ' || l.deadline_id AS key, l.due_at, d.province_code
         FROM "${t.readModelSchema}".deadlines l JOIN "${t.readModelSchema}".dossiers d USING (stream_id)
        WHERE l.state = 'open' ORDER BY l.stream_id, l.deadline_id LIMIT 1`,
    );
    const { key, due_at: due, province_code: province } = rows[0]!;
    const auditor = { role: 'auditor' as const, unit: province };
    const overdueOn = async (local: string) =>
      (await allItems<{ stream_id: string; deadline_id: string }>(
        '/read/deadlines?overdue=true',
        auditor,
        new Date(local).toISOString(),
      ))!.map((r) => `${r.stream_id} ${r.deadline_id}`);
    expect(await overdueOn(`${due}T00:00:00+07:00`)).not.toContain(key);
    // 23:59 in Hà Nội is already the next day in UTC: still on time.
    expect(await overdueOn(`${due}T23:59:59.999+07:00`)).not.toContain(key);
    expect(await overdueOn(`${addCalendarDays(due, 1)}T00:00:00+07:00`)).toContain(key);
  });

  it("a unit's recognition history", async () => {
    const all = await rowsOf<{ stream_id: string; revision: string; unit_code: string }>('unit_recognition');
    const recognised = [...new Set(all.map((r) => r.unit_code))];
    await fc.assert(
      fc.asyncProperty(
        ACTOR,
        NOW,
        fc.constantFrom(...recognised, '02038', '99999'),
        async (actor, now, unit) => {
          const { status, body } = await get(`/read/units/${unit}/recognition`, actor, now);
          if (status !== 200) return;
          const ids = readableIds(actor, now);
          const expected = all
            .filter((r) => r.unit_code === unit && ids.has(r.stream_id))
            .map((r) => `${r.stream_id}@${r.revision}`);
          const history = body['history'] as typeof all;
          expect(history.map((r) => `${r.stream_id}@${r.revision}`).sort()).toEqual(expected.sort());
        },
      ),
      RUNS,
    );
  });

  it('progress: as the caller sees it, the progress of a read model holding only what they may read', async () => {
    const expectedFor = new Map<string, unknown>();
    await fc.assert(
      fc.asyncProperty(ACTOR, NOW, async (actor, now) => {
        const { status, body } = await get('/read/progress', actor, now);
        if (status !== 200) return;
        const ids = readableIds(actor, now);
        const key = [...ids].sort().join();
        if (!expectedFor.has(key)) {
          await t.sql.query(`DROP SCHEMA IF EXISTS "${oracleSchema}" CASCADE`);
          await migrateReadModels(t.sql, oracleSchema);
          await writeStreams(
            t.sql,
            oracleSchema,
            VIEWS.filter((v) => ids.has(v.streamId)),
          );
          expectedFor.set(key, await queryProgress(t.sql, {}, undefined, oracleSchema));
        }
        expect(body).toEqual(expectedFor.get(key));
      }),
      { ...RUNS, numRuns: 60 },
    );
  });
});
