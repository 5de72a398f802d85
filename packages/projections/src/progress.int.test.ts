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
  it('shows the targets and no constant baseline on an empty log, and moves by one after a recognition', async () => {
    // What was recognised before the engine is imported into the log (recognitionImport.int.test.ts): an empty
    // log counts nothing.
    const empty = await progress();
    const none = { communesNtm: 0, communesAdvanced: 0, communesModel: 0, villagesNtm: 0 };
    expect(empty(2021, null)).toMatchObject({
      ...none,
      baseline: none,
      targets: {
        communesNtm: 67,
        communesTotal: 96,
        communesAdvanced: 17,
        communesModel: 6,
        villagesNtm: 207,
        districtUnits: 3,
      },
    });
    expect(empty(2025, null)).toMatchObject(none);
    expect(empty(2021, '064')).toMatchObject({
      ...none,
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
    expect(after(2023, '064').communesNtm).toBe(0);
    expect(after(2024, '064')).toMatchObject({ communesNtm: 1, baseline: { communesNtm: 0 } });
    expect(after(2024, '063').communesNtm).toBe(0);
    expect(after(2024, null)).toMatchObject({ communesNtm: 1, baseline: { communesNtm: 0 } });
    expect(after(2025, null).communesNtm).toBe(1);
  });

  it('does not count a commune twice when a second dossier recognises it again', async () => {
    const before = await progress();
    for (const [suffix, year] of [
      ['yenthinh-1', 2022],
      ['yenthinh-2', 2024],
    ] as const) {
      const id = `${tag}-${suffix}`;
      const list = sampleDossierEvents({ id, communeCode: '02044', districtCode: '064', year }, (i) =>
        new Date(Date.UTC(year, 2, 1) + i * 3_600_000).toISOString(),
      );
      await opened.store.append(`dossier-${id}`, list, { expectedRevision: 'no_stream' });
      await catchUpStream(opened.store, opened.sql, `dossier-${id}`, { schema: readModels });
    }
    const after = await progress();
    expect(after(2022, '064').communesNtm).toBe(before(2022, '064').communesNtm + 1);
    expect(after(2024, '064').communesNtm).toBe(before(2024, '064').communesNtm + 1);
    expect(after(2024, null).communesNtm).toBe(before(2024, null).communesNtm + 1);
  });
});
