/**
 * `pnpm import:recognitions` as an operator runs it, on PostgreSQL: the Bắc Kạn sample (docs/samples) is imported and
 * the progress read model counts it from the log; the same file again writes nothing; a file with a bad row is
 * refused with the row's line, and nothing of it is imported.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryProgress } from '@ntm/projections';
import { openPostgresStore } from '@ntm/store-postgres';
import { runCliProcess } from '../../test/support/runCliProcess.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const id = randomUUID().replaceAll('-', '').slice(0, 12);
const schema = `t_importcli_${id}`;
const readModels = `t_importcli_rm_${id}`;
const SAMPLE = fileURLToPath(
  new URL('../../../../docs/samples/recognitions-bac-kan-2021.csv', import.meta.url),
);
let dataDir: string;
let opened: Awaited<ReturnType<typeof openPostgresStore>>;

const run = (args: string[]) =>
  runCliProcess(
    'importRecognitions.ts',
    { DATABASE_URL, DATABASE_SCHEMA: schema, READ_MODEL_SCHEMA: readModels, DATA_DIR: dataDir },
    ['--', ...args],
  );

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ntm-import-cli-'));
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema });
});
afterAll(async () => {
  for (const s of [schema, readModels]) await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await opened.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('pnpm import:recognitions', () => {
  it('imports the Bắc Kạn sample once, and progress counts it from the log', async () => {
    const first = await run([SAMPLE]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^IMPORTED 6 recognition\(s\)/);
    expect(first.stderr).toContain('6/6 rows written');
    const again = await run([SAMPLE]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^ALREADY IMPORTED/);

    const progress = await queryProgress(opened.sql, {}, undefined, readModels);
    const row = (year: number, district: string | null) =>
      progress.rows.find((r) => r.year === year && r.districtCode === district)!;
    // Yên Thịnh and Phương Viên in Chợ Đồn; six communes in the province, all from imported history.
    expect(row(2021, '064')).toMatchObject({ communesNtm: 2, baseline: { communesNtm: 2 } });
    expect(row(2021, null)).toMatchObject({ communesNtm: 6, baseline: { communesNtm: 6 } });
    expect(row(2025, null)).toMatchObject({ communesNtm: 6 });
  });

  it('refuses a file with a bad row, naming its line, and imports nothing of it', async () => {
    const file = join(dataDir, 'bad.csv');
    await writeFile(
      file,
      'unit_code,tier,decision_no,decided_on,year_recognised,signer,source_document\n' +
        '02032,ntm,77/QĐ-UBND,2022-12-30,2022,Nguyễn Văn A,hộp 1\n' +
        '99999,ntm,78/QĐ-UBND,2022-12-30,2022,Nguyễn Văn A,hộp 1\n',
    );
    const refused = await run([file]);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stdout).toContain('REFUSED');
    expect(refused.stdout).toContain('line 3: IMPORT_UNIT_UNKNOWN');
    const rows = await opened.sql.query(
      `SELECT count(*)::int AS n FROM "${readModels}".unit_recognition WHERE unit_code = '02032'`,
    );
    expect(rows.rows[0]).toEqual({ n: 0 });
  });
});
