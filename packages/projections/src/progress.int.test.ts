import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDossierEvents } from '@ntm/testing';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { catchUpStream, migrateReadModels, queryProgress, type ProgressRow } from './index.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `pg${randomBytes(4).toString('hex')}`;
const events = `${tag}_events`;
const readModels = `${tag}_rm`;
let opened: OpenedPostgresStore;

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: events });
  await migrateReadModels(opened.sql, readModels);
});

afterAll(async () => {
  for (const s of [events, readModels]) await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await opened.close();
});

async function progress(): Promise<(year: number, district: string | null) => ProgressRow> {
  const result = await queryProgress(opened.sql, {}, undefined, readModels);
  return (year, district) => result.rows.find((r) => r.year === year && r.districtCode === district)!;
}

describe('progress against the 2021-2025 plan', () => {
  it('shows the baseline and the targets on an empty log, and moves by one after a recognition', async () => {
    const empty = await progress();
    expect(empty(2021, null)).toMatchObject({
      communesNtm: 21,
      communesAdvanced: 2,
      communesModel: 0,
      villagesNtm: 53,
      baseline: { communesNtm: 21, communesAdvanced: 2, communesModel: 0, villagesNtm: 53 },
      targets: {
        communesNtm: 67,
        communesTotal: 96,
        communesAdvanced: 17,
        communesModel: 6,
        villagesNtm: 207,
        districtUnits: 3,
      },
    });
    expect(empty(2025, null)).toMatchObject({ communesNtm: 21, communesAdvanced: 2, villagesNtm: 53 });
    // Baseline communes the seed names are in their district: Chợ Đồn has Yên Thịnh and Phương Viên.
    expect(empty(2021, '064')).toMatchObject({
      communesNtm: 2,
      baseline: { communesNtm: 2 },
      targets: { communesNtm: 16, communesAdvanced: 3, communesModel: 1 },
    });
    expect(empty(2021, '060')).toMatchObject({
      communesNtm: 0,
      targets: { communesNtm: 3, villagesNtm: 49 },
    });

    // Tân Lập (02032, Chợ Đồn) recognised NTM in 2024.
    const list = sampleDossierEvents(
      { id: `${tag}-tanlap`, communeCode: '02032', districtCode: '064', year: 2024 },
      (i) => new Date(Date.UTC(2024, 2, 1) + i * 3_600_000).toISOString(),
    );
    await opened.store.append(`dossier-${tag}-tanlap`, list, { expectedRevision: 'no_stream' });
    await catchUpStream(opened.store, opened.sql, `dossier-${tag}-tanlap`, { schema: readModels });

    const after = await progress();
    expect(after(2023, '064').communesNtm).toBe(2);
    expect(after(2024, '064')).toMatchObject({ communesNtm: 3, baseline: { communesNtm: 2 } });
    expect(after(2024, '063').communesNtm).toBe(empty(2024, '063').communesNtm);
    expect(after(2023, null).communesNtm).toBe(21);
    expect(after(2024, null)).toMatchObject({ communesNtm: 22, baseline: { communesNtm: 21 } });
    expect(after(2025, null).communesNtm).toBe(22);
  });

  it('does not count a baseline commune twice when a dossier recognises it again', async () => {
    // Yên Thịnh (02044) is in the seed's baseline; a dossier recognising it leaves the counts as they were.
    const id = `${tag}-yenthinh`;
    const before = await progress();
    const list = sampleDossierEvents({ id, communeCode: '02044', districtCode: '064', year: 2024 }, (i) =>
      new Date(Date.UTC(2024, 2, 1) + i * 3_600_000).toISOString(),
    );
    await opened.store.append(`dossier-${id}`, list, { expectedRevision: 'no_stream' });
    await catchUpStream(opened.store, opened.sql, `dossier-${id}`, { schema: readModels });
    const after = await progress();
    expect(after(2024, '064').communesNtm).toBe(before(2024, '064').communesNtm);
    expect(after(2024, null).communesNtm).toBe(before(2024, null).communesNtm);
  });
});
