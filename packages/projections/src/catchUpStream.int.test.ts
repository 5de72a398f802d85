import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDossierEvents, uuidFor } from '@ntm/testing';
import type { NewEvent } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import {
  catchUpStream,
  compareReadModels,
  createInlineProjector,
  migrateReadModels,
  ProjectionError,
  queryDeadlines,
  queryDossiers,
  queryInbox,
  queryProgress,
  queryUnitRecognition,
  type ReadScope,
  rebuild,
} from './index.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `p${randomBytes(4).toString('hex')}`;
const events = `${tag}_events`;
const incremental = `${tag}_inc`;
const rebuilt = `${tag}_reb`;
let opened: OpenedPostgresStore;

const at = (base: number) => (i: number) =>
  new Date(Date.UTC(2023, 0, 1) + (base + i) * 3_600_000).toISOString();

async function appendHistory(
  id: string,
  communeCode: string,
  districtCode: string,
  extra: Partial<Parameters<typeof sampleDossierEvents>[0]> = {},
) {
  const list = sampleDossierEvents({ id, communeCode, districtCode, year: 2023, ...extra }, at(0));
  for (const e of list) await opened.store.append(`dossier-${id}`, [e], { expectedRevision: 'any' });
  return list.length;
}

/** The incremental read models caught up with the whole log, as the inline projector keeps them. */
async function projectIncrementally() {
  const inline = await createInlineProjector(opened.store, opened.sql, {
    schema: incremental,
    now: () => '2024-01-01T00:00:00.000Z',
  });
  await inline.catchUpAll();
}

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: events });
  await migrateReadModels(opened.sql, incremental);
});

afterAll(async () => {
  for (const s of [events, incremental, rebuilt])
    await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await opened.close();
});

describe('catchUpStream', () => {
  it('gives the same read models for repeated wake-ups as a rebuild', async () => {
    const n = await appendHistory('a1', '01864', '064');
    await appendHistory('a2', '01867', '064', { criteriaMet: 15, outcome: 'refused' });
    const { store, sql } = opened;
    // A wake-up names only the stream: the same one many times over must change nothing after the first.
    const first = await catchUpStream(store, sql, 'dossier-a1', { schema: incremental });
    expect(first).toEqual({ applied: n, checkpoint: BigInt(n - 1) });
    for (let i = 0; i < 5; i += 1) await catchUpStream(store, sql, 'dossier-a1', { schema: incremental });
    await catchUpStream(store, sql, 'dossier-a2', { schema: incremental });
    const again = await catchUpStream(store, sql, 'dossier-a2', { schema: incremental });
    expect(again).toEqual({ applied: 0, checkpoint: BigInt(n - 1) });

    await rebuild(store, sql, { schema: rebuilt });
    const diff = await compareReadModels({ sql, schema: incremental }, { sql, schema: rebuilt });
    expect(diff.differences).toEqual([]);
    expect(diff.rows).toBeGreaterThan(4);

    const dossiers = await queryDossiers(sql, { districtCode: '064', sort: 'unitCode' }, {}, incremental);
    expect(dossiers.items.map((d) => [d.unit_code, d.status, d.criteria_met])).toEqual([
      ['01864', 'recognised', 19],
      ['01867', 'refused', 15],
    ]);
    const recognition = await queryUnitRecognition(sql, '01864', {}, incremental);
    expect(recognition.current.ntm?.decision_no).toBe('a1/QĐ-UBND');
  });

  it('concurrent catch-ups of one stream apply each event once', async () => {
    const n = await appendHistory('c1', '01870', '064');
    const { store, sql } = opened;
    const results = await Promise.all(
      Array.from({ length: 6 }, () => catchUpStream(store, sql, 'dossier-c1', { schema: incremental })),
    );
    expect(results.reduce((sum, r) => sum + r.applied, 0)).toBe(n);
  });

  it('a catch-up that fails mid-write leaves nothing, and its retry applies every event once', async () => {
    const n = await appendHistory('f1', '01879', '064');
    const { store, sql } = opened;
    // The real database, with a crash injected after the catch-up's write statement ran and before it committed
    // (as a killed worker would): the statement runs inside a transaction that is then rolled back.
    let crash = true;
    const crashing = (inner: SqlClient): SqlClient => ({
      ...inner,
      query: (text, params) =>
        crash && text.trimStart().startsWith('WITH cp AS')
          ? inner.transaction(async (tx) => {
              await tx.query(text, params);
              crash = false;
              throw new Error('worker crashed');
            })
          : inner.query(text, params),
    });
    await expect(catchUpStream(store, crashing(sql), 'dossier-f1', { schema: incremental })).rejects.toThrow(
      'worker crashed',
    );
    const rows = await sql.query(`SELECT 1 FROM "${incremental}".dossiers WHERE stream_id = 'dossier-f1'`);
    expect(rows.rows).toEqual([]);
    const retried = await catchUpStream(store, crashing(sql), 'dossier-f1', {
      schema: incremental,
    });
    expect(retried).toEqual({ applied: n, checkpoint: BigInt(n - 1) });
  });

  it('a poison event fails deterministically and writes nothing; the inline projector parks only its stream', async () => {
    const { store, sql } = opened;
    const bad: NewEvent = {
      eventId: uuidFor('poison', 0),
      type: 'DossierOpened',
      schemaVersion: 1,
      data: { note: 'no kind, no scope' },
      metadata: {
        actor: { id: 'x', role: 'commune_official', unit: '01873' },
        correlationId: uuidFor('poison', 1),
        occurredAt: at(0)(0),
      },
    };
    await store.append('dossier-poison', [bad], { expectedRevision: 'no_stream' });
    const error = await catchUpStream(store, sql, 'dossier-poison', { schema: incremental }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProjectionError);
    expect((error as ProjectionError).code).toBe('POISON_EVENT');
    expect((error as ProjectionError).deterministic).toBe(true);

    const inline = await createInlineProjector(store, sql, {
      schema: incremental,
      now: () => '2024-01-01T00:00:00.000Z',
    });
    await appendHistory('d1', '01873', '064');
    await inline.catchUpAll();
    const parked = await sql.query<{ stream_id: string; error_code: string }>(
      `SELECT stream_id, error_code FROM "${incremental}".parked_streams`,
    );
    expect(parked.rows).toEqual([{ stream_id: 'dossier-poison', error_code: 'POISON_EVENT' }]);
    const d1 = await queryDossiers(sql, { unitCode: '01873' }, {}, incremental);
    expect(d1.items[0]?.status).toBe('recognised');
  });

  it('inbox, deadlines and progress follow the steps', async () => {
    const { store, sql } = opened;
    // A dossier stopped at district verification with its deadline running.
    const list = sampleDossierEvents(
      { id: 'w1', communeCode: '01876', districtCode: '063', year: 2024 },
      at(0),
    );
    const upTo = list.findIndex((e) => e.type === 'DeadlineScheduled');
    await store.append('dossier-w1', list.slice(0, upTo + 1), { expectedRevision: 'no_stream' });
    await catchUpStream(store, sql, 'dossier-w1', { schema: incremental });

    const inbox = await queryInbox(sql, { role: 'district_verifier', unitCode: '063' }, {}, incremental);
    expect(inbox.items.map((i) => i.stream_id)).toEqual(['dossier-w1']);
    // Read on a day after the districts were abolished, the same dossier waits for the province's appraiser.
    const on = (now: string, role: string) =>
      queryInbox(sql, { role }, {}, incremental, now).then((p) =>
        p.items.filter((i) => i.stream_id === 'dossier-w1').map((i) => [i.stream_id, i.unit_code]),
      );
    expect(await on('2025-06-30T10:00:00.000Z', 'district_verifier')).toEqual([['dossier-w1', '063']]);
    expect(await on('2025-07-01T10:00:00.000Z', 'district_verifier')).toEqual([]);
    expect(await on('2025-07-01T10:00:00.000Z', 'provincial_appraiser')).toEqual([['dossier-w1', '19']]);
    // Scoped as the API scopes its readers (readFilterFor): by the dossier, so a Thái Nguyên (19) reader finds it
    // through its successor reads, and another province does not.
    const scoped = (scope: ReadScope) =>
      queryInbox(sql, { role: 'provincial_appraiser' }, scope, incremental, '2025-07-01T10:00:00.000Z').then(
        (p) => p.items.filter((i) => i.stream_id === 'dossier-w1').map((i) => i.stream_id),
      );
    const successorReads = [{ communeCodes: ['01876'], openedFrom: '2022-08-01T17:00:00.000Z' }];
    expect(await scoped({ provinceCode: '19', successorReads })).toEqual(['dossier-w1']);
    expect(await scoped({ provinceCode: '19' })).toEqual([]);
    expect(await scoped({ provinceCode: '20' })).toEqual([]);
    expect(await on('2025-06-30T10:00:00.000Z', 'commune_official')).toEqual([['dossier-w1', '01876']]);
    const before = await queryDeadlines(
      sql,
      { overdue: 'true' },
      '2000-01-01T00:00:00.000Z',
      {},
      incremental,
    );
    expect(before.items).toEqual([]);
    // Overdue while the district still existed, it binds the district verifier; after the 2025 cut-over, the
    // successor (the provincial appraiser of the unit Bắc Kạn merged into).
    const late = await queryDeadlines(sql, { overdue: 'true' }, '2025-06-30T10:00:00.000Z', {}, incremental);
    expect(late.items.map((d) => [d.stream_id, d.role])).toEqual([['dossier-w1', 'district_verifier']]);
    const after = await queryDeadlines(sql, { overdue: 'true' }, '2999-01-01T00:00:00.000Z', {}, incremental);
    expect(after.items.map((d) => [d.stream_id, d.role, d.unit_code])).toEqual([
      ['dossier-w1', 'provincial_appraiser', '19'],
    ]);

    await store.append('dossier-w1', list.slice(upTo + 1), { expectedRevision: BigInt(upTo) });
    await catchUpStream(store, sql, 'dossier-w1', { schema: incremental });
    expect((await queryInbox(sql, { role: 'district_verifier' }, {}, incremental)).items).toEqual([]);
    expect((await queryDeadlines(sql, {}, '2999-01-01T00:00:00.000Z', {}, incremental)).items).toEqual([]);

    const progress = await queryProgress(sql, { from: '2023', to: '2024' }, undefined, incremental);
    const row = (year: number, district: string | null) =>
      progress.rows.find((r) => r.year === year && r.districtCode === district)!;
    // No constant baseline: only the log's decisions count (history before the engine is imported, ADR 0027).
    expect(row(2023, '064')).toMatchObject({ communesNtm: 4, baseline: { communesNtm: 0 } });
    expect(row(2024, '063')).toMatchObject({ communesNtm: 1, baseline: { communesNtm: 0 } });
    expect(row(2024, null)).toMatchObject({
      communesNtm: 5,
      baseline: { communesNtm: 0 },
      targets: { communesNtm: 67, villagesNtm: 207 },
    });
  });

  it('widens a scoped dossier list by successor reads: their communes, opened inside their window', async () => {
    const { sql } = opened;
    const schema = `${tag}_succ`;
    await migrateReadModels(sql, schema);
    const row = (id: string, communeCode: string, provinceCode: string, openedAt: string) =>
      sql.query(
        `INSERT INTO "${schema}".dossiers (stream_id, kind, unit_code, commune_code, province_code, status, step,
           step_since, revision, criteria_met, criteria_recorded, opened_at, updated_at)
         VALUES ($1, 'COMMUNE_NTM', $2, $2, $3, 'open', 'submitted', $4, 5, 19, 19, $4, $4)`,
        [`dossier-${id}`, communeCode, provinceCode, openedAt],
      );
    await row('own', '01849', '19', '2025-08-01T03:00:00.000Z');
    await row('inside', '01897', '06', '2025-06-30T16:59:59.999Z');
    await row('too-late', '01897', '06', '2025-06-30T17:00:00.000Z');
    await row('too-early', '01897', '06', '2022-08-01T16:59:59.999Z');
    await row('other-commune', '01900', '06', '2024-01-01T00:00:00.000Z');
    const ids = async (scope: Parameters<typeof queryDossiers>[2]) =>
      (await queryDossiers(sql, { sort: 'unitCode' }, scope, schema)).items.map((r) => r.stream_id).sort();
    const successorReads = [
      {
        communeCodes: ['01897'],
        openedFrom: '2022-08-01T17:00:00.000Z',
        openedBefore: '2025-06-30T17:00:00.000Z',
      },
    ];
    expect(await ids({ provinceCode: '19' })).toEqual(['dossier-own']);
    expect(await ids({ provinceCode: '19', successorReads })).toEqual(['dossier-inside', 'dossier-own']);
    // Other filters still apply to both parts.
    expect(
      (await queryDossiers(sql, { step: 'draft' }, { provinceCode: '19', successorReads }, schema)).total,
    ).toBe(0);
    const bad = await queryDossiers(
      sql,
      {},
      { provinceCode: '19', successorReads: [{ ...successorReads[0]!, communeCodes: ["x' or 1=1"] }] },
      schema,
    ).catch((e: unknown) => e);
    expect((bad as ProjectionError).code).toBe('INVALID_QUERY');
    await sql.query(`DROP SCHEMA "${schema}" CASCADE`);
  });

  it('refuses bad query parameters with INVALID_QUERY', async () => {
    const { sql } = opened;
    for (const query of [{ sort: 'drop table' }, { limit: '0' }, { nope: '1' }, { kind: "x' or 1=1" }]) {
      const error = await queryDossiers(sql, query, {}, incremental).catch((e: unknown) => e);
      expect((error as ProjectionError).code).toBe('INVALID_QUERY');
    }
  });

  it('a rebuild in small pages and batches (read ahead, folded in place, writes in flight) equals one in a single page and the incremental models', async () => {
    const { store, sql } = opened;
    await appendHistory('r1', '01882', '064');
    await appendHistory('r2', '01885', '064', { criteriaMet: 12, outcome: 'refused' });
    await projectIncrementally();
    const small = `${tag}_small`;
    const whole = `${tag}_whole`;
    const a = await rebuild(store, sql, { schema: small, pageSize: 3, batchSize: 1 });
    const b = await rebuild(store, sql, { schema: whole, pageSize: 100_000, batchSize: 100_000 });
    expect(a).toEqual(b);
    expect(a.parked).toEqual(['dossier-poison']);
    for (const other of [whole, incremental]) {
      const diff = await compareReadModels({ sql, schema: small }, { sql, schema: other });
      expect(diff.differences).toEqual([]);
    }
    for (const s of [small, whole]) await sql.query(`DROP SCHEMA "${s}" CASCADE`);
  });

  it('a rebuild that writes settled streams during the fold, and again those that get events after, equals the incremental models', async () => {
    const { store, sql } = opened;
    // Three histories appended in turns of four events: with pages of 2 and streams settled 5 events after their
    // last one, each is written into the shadow during the fold, then gets more events and is written again.
    const histories = ['i1', 'i2', 'i3'].map((id, n) => ({
      id,
      list: sampleDossierEvents({ id, communeCode: `0181${n}`, districtCode: '061', year: 2023 }, at(0)),
    }));
    for (let from = 0; histories.some(({ list }) => from < list.length); from += 4) {
      for (const { id, list } of histories) {
        if (from < list.length) {
          await store.append(`dossier-${id}`, list.slice(from, from + 4), { expectedRevision: 'any' });
        }
      }
    }
    await projectIncrementally();
    const early = `${tag}_early`;
    const late = `${tag}_late`;
    const a = await rebuild(store, sql, { schema: early, pageSize: 2, batchSize: 1, settledAfter: 5 });
    // Nothing settles before the end of the log: every stream is written once, after the fold.
    const b = await rebuild(store, sql, { schema: late, settledAfter: 1_000_000 });
    expect(a.rewritten).toBeGreaterThanOrEqual(3);
    expect(b.rewritten).toBe(0);
    expect({ ...a, rewritten: 0 }).toEqual(b);
    for (const other of [late, incremental]) {
      const diff = await compareReadModels({ sql, schema: early }, { sql, schema: other });
      expect(diff.differences).toEqual([]);
    }
    for (const s of [early, late]) await sql.query(`DROP SCHEMA "${s}" CASCADE`);
  });
});
