/**
 * `importRecognitions` on PostgreSQL with the real read models (ADR 0027): an import equals the same decision made
 * through commands in the read models that matter (a unit's history and status, the status on a day the decider
 * reads, progress, open data); every kind of bad row is refused with its line and nothing of the file is written;
 * the same file twice writes nothing; an interrupted import is resumed or cleaned.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ImportRefusedError,
  ImportUnfinishedError,
  importRecognitions,
  toNewEvents,
  type RecognitionImportOptions,
} from '@ntm/application';
import { nationalUnits } from '@ntm/domain';
import { dossierStreamId, recognitionImportStreamId } from '@ntm/event-store';
import {
  catchUpStream,
  migrateReadModels,
  queryOpenRecognitions,
  queryProgress,
  queryRecognitionsOn,
  queryRecordedDecisionKeys,
  queryUnitRecognition,
} from '@ntm/projections';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { ACTORS, communeJourney, run, uuidFor } from '@ntm/testing';
import { createHash } from 'node:crypto';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `imp${randomBytes(4).toString('hex')}`;
const events = `${tag}_events`;
const viaCommands = `${tag}_cmd`;
const viaImport = `${tag}_imp`;
let opened: OpenedPostgresStore;

const HEADER = 'unit_code,tier,decision_no,decided_on,year_recognised,signer,source_document';
const csv = (...rows: string[]) => Buffer.from([HEADER, ...rows].join('\n') + '\n', 'utf8');
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function importInto(schema: string, options: Partial<RecognitionImportOptions> & { bytes: Uint8Array }) {
  return importRecognitions(
    {
      store: opened.store,
      units: nationalUnits(),
      recordedDecisions: (codes) => queryRecordedDecisionKeys(opened.sql, codes, schema),
    },
    { fileName: 'history.csv', now: () => new Date('2026-12-01T03:00:00.000Z'), ...options },
  );
}

/** Imports, then projects the stream into `schema` as the projector would. */
async function importAndProject(
  schema: string,
  options: Partial<RecognitionImportOptions> & { bytes: Uint8Array },
) {
  const result = await importInto(schema, options);
  await catchUpStream(opened.store, opened.sql, result.streamId, { schema });
  return result;
}

async function refusalsOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportRefusedError);
  return (error as ImportRefusedError).refusals.map((r) => [r.line, r.code]);
}

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: events });
  for (const s of [viaCommands, viaImport]) await migrateReadModels(opened.sql, s);
});

afterAll(async () => {
  for (const s of [events, viaCommands, viaImport])
    await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await opened.close();
});

describe('importing recognitions decided before the engine', () => {
  it('gives the read models that matter what the same decision made through commands gives', async () => {
    // Tân Lập (02032) recognised NTM through the commune journey's commands, decided by the real decider.
    const journey = communeJourney('ntm', 1);
    const decided = run(journey.steps).events;
    const streamId = dossierStreamId(`${tag}-tanlap`);
    const envelope = toNewEvents(decided, {
      actor: ACTORS.provincialChairman,
      correlationId: tag,
      causationId: tag,
      occurredAt: '2024-06-30T03:00:00.000Z',
      workflow: { id: 'commune-ntm', version: 1 },
      eventId: (i) => uuidFor(streamId, i),
    });
    await opened.store.append(streamId, envelope, { expectedRevision: 'no_stream' });
    await catchUpStream(opened.store, opened.sql, streamId, { schema: viaCommands });
    const decision = decided.find((e) => e.type === 'RecognitionDecided')!.data as {
      decisionNo: string;
      decidedOn: string;
      year: number;
    };

    const [y, m, d] = decision.decidedOn.split('-');
    await importAndProject(viaImport, {
      bytes: csv(
        `02032,ntm,${decision.decisionNo},${d}/${m}/${y},${decision.year},Nguyễn Văn A,Lưu trữ tỉnh hộp 12`,
      ),
    });

    const facts = async (schema: string) =>
      (await queryUnitRecognition(opened.sql, '02032', {}, schema)).history.map(
        ({ stream_id: _s, revision: _r, ...fact }) => fact,
      );
    expect(await facts(viaImport)).toEqual(await facts(viaCommands));
    expect((await facts(viaImport)).length).toBe(1);
    for (const day of ['2024-01-01', decision.decidedOn, '2026-01-01'])
      expect(await queryRecognitionsOn(opened.sql, ['02032'], day, viaImport)).toEqual(
        await queryRecognitionsOn(opened.sql, ['02032'], day, viaCommands),
      );
    const counts = async (schema: string) =>
      (await queryProgress(opened.sql, {}, undefined, schema)).rows.map(
        ({ baseline: _b, averageCriteriaMet: _a, ...row }) => row,
      );
    expect(await counts(viaImport)).toEqual(await counts(viaCommands));
    const open = async (schema: string) => (await queryOpenRecognitions(opened.sql, {}, schema)).recognitions;
    expect(await open(viaImport)).toEqual(await open(viaCommands));
    // Progress shows what comes from imported history apart.
    const progress = await queryProgress(opened.sql, {}, undefined, viaImport);
    const chodon2024 = progress.rows.find((r) => r.year === 2024 && r.districtCode === '064')!;
    expect(chodon2024).toMatchObject({ communesNtm: 1, baseline: { communesNtm: 1 } });

    // The decision made through commands is on record: importing it is refused.
    const again = csv(
      `02032,ntm,${decision.decisionNo.toLowerCase()},${decision.decidedOn},${decision.year},X,Y`,
    );
    expect(await refusalsOf(importInto(viaCommands, { bytes: again }))).toEqual([
      [2, 'IMPORT_DECISION_ALREADY_RECORDED'],
    ]);
  });

  it('refuses every bad row with its line, and writes nothing of the file', async () => {
    const bytes = csv(
      '02044,ntm,101/QĐ-UBND,15/11/2021,2021,Lý Thái Bảo,Lưu trữ hộp 3', // fine
      '99999,ntm,102/QĐ-UBND,15/11/2021,2021,Lý Thái Bảo,Lưu trữ hộp 3', // no such unit
      '01861,ntm,103/QĐ-UBND,01/08/2025,2025,Lý Thái Bảo,Lưu trữ hộp 3', // Nhạn Môn ended on 30/06/2025
      '02044,ntm,101/qđ-ubnd,15/11/2021,2021,Lý Thái Bảo,Lưu trữ hộp 3', // line 2 again
      '02038,ntm,104/QĐ-UBND,02/12/2026,2026,Lý Thái Bảo,Lưu trữ hộp 3', // after the injected today
      '02050,gold,105/QĐ-UBND,02/12/2021,2021,Lý Thái Bảo,Lưu trữ hộp 3', // no such tier
    );
    expect(await refusalsOf(importInto(viaImport, { bytes }))).toEqual([
      [3, 'IMPORT_UNIT_UNKNOWN'],
      [4, 'IMPORT_UNIT_NOT_VALID_ON_DATE'],
      [5, 'IMPORT_DECISION_DUPLICATE_IN_FILE'],
      [6, 'IMPORT_DATE_IN_FUTURE'],
      [7, 'IMPORT_ROW_INVALID'],
    ]);
    expect(await opened.store.streamRevision(recognitionImportStreamId(sha(bytes), 1))).toBeUndefined();
    expect((await queryUnitRecognition(opened.sql, '02044', {}, viaImport)).history).toEqual([]);

    // The date in the future is judged by the injected clock: a day later the same row is accepted.
    const tomorrow = csv('02038,ntm,104/QĐ-UBND,02/12/2026,2026,Lý Thái Bảo,Lưu trữ hộp 3');
    await expect(importInto(viaImport, { bytes: tomorrow })).rejects.toBeInstanceOf(ImportRefusedError);
    const accepted = await importInto(viaCommands, {
      bytes: tomorrow,
      now: () => new Date('2026-12-02T01:00:00.000Z'),
    });
    expect(accepted.status).toBe('imported');
  });

  it('writes nothing the second time the same file is imported, and refuses its decisions in another file', async () => {
    const bytes = csv(
      '02113,ntm,201/QĐ-UBND,2021-12-20,2021,Hà Văn B,Công báo tỉnh số 4',
      '02005,ntm,201/QĐ-UBND,2021-12-20,2021,Hà Văn B,Công báo tỉnh số 4',
    );
    const first = await importAndProject(viaImport, { bytes });
    expect(first).toMatchObject({ status: 'imported', rows: 2 });
    const revision = await opened.store.streamRevision(first.streamId);
    const second = await importAndProject(viaImport, { bytes });
    expect(second).toMatchObject({ status: 'already-imported', streamId: first.streamId, rows: 2 });
    expect(await opened.store.streamRevision(first.streamId)).toBe(revision);
    const rows = await opened.sql.query(
      `SELECT unit_code FROM "${viaImport}".unit_recognition WHERE decision_no = '201/QĐ-UBND' ORDER BY unit_code`,
    );
    expect(rows.rows).toEqual([{ unit_code: '02005' }, { unit_code: '02113' }]);

    // The same decisions in a file that differs (another row order): already recorded.
    const reordered = csv(
      '02005,ntm,201/QĐ-UBND,2021-12-20,2021,Hà Văn B,Công báo tỉnh số 4',
      '02113,ntm,201/QĐ-UBND,2021-12-20,2021,Hà Văn B,Công báo tỉnh số 4',
    );
    expect(await refusalsOf(importInto(viaImport, { bytes: reordered }))).toEqual([
      [2, 'IMPORT_DECISION_ALREADY_RECORDED'],
      [3, 'IMPORT_DECISION_ALREADY_RECORDED'],
    ]);
  });

  it('stops between chunks when interrupted, counts nothing until completed, then resumes or cleans', async () => {
    for (const [mode, series] of [
      ['resume', '3'],
      ['clean', '4'],
    ] as const) {
      const bytes = csv(
        ...['01912', '02017', '02122', '02152', '02158'].map(
          (code, i) => `${code},ntm,${series}${i}/QĐ-UBND,2022-03-0${i + 1},2022,Hà Văn B,Hộp ${i}`,
        ),
      );
      const units = async () =>
        (
          await opened.sql.query(
            `SELECT count(*)::int AS n FROM "${viaImport}".unit_recognition WHERE decision_no LIKE '${series}_/QĐ-UBND'`,
          )
        ).rows[0];
      const stop = new AbortController();
      const seen: number[] = [];
      const interrupted = await importAndProject(viaImport, {
        bytes,
        chunkSize: 2,
        signal: stop.signal,
        onProgress: ({ written }) => {
          seen.push(written);
          if (written === 2) stop.abort();
        },
      });
      expect(interrupted).toMatchObject({ status: 'interrupted', written: 2, rows: 5 });
      expect(seen).toEqual([0, 2]);
      expect(await units()).toEqual({ n: 0 });
      const unfinished = await importInto(viaImport, { bytes }).catch((e: unknown) => e);
      expect(unfinished).toBeInstanceOf(ImportUnfinishedError);
      expect(unfinished).toMatchObject({ written: 2, rows: 5 });

      const done = await importAndProject(viaImport, { bytes, chunkSize: 2, unfinished: mode });
      expect(done).toMatchObject({ status: 'imported', written: 5, rows: 5 });
      expect(done.streamId).toBe(recognitionImportStreamId(sha(bytes), mode === 'resume' ? 1 : 2));
      if (mode === 'clean') {
        // The abandoned attempt keeps its two rows in the log and none in the read models.
        await catchUpStream(opened.store, opened.sql, interrupted.streamId, { schema: viaImport });
        const abandoned = await opened.store.readStream(interrupted.streamId);
        expect(abandoned.map((e) => e.type)).toEqual([
          'RecognitionImportStarted',
          'RecognitionImported',
          'RecognitionImported',
          'RecognitionImportAbandoned',
        ]);
      }
      expect(await units()).toEqual({ n: 5 });
      // A completed file is not imported twice, whichever way it was finished.
      expect((await importInto(viaImport, { bytes })).status).toBe('already-imported');
    }
  });
});
