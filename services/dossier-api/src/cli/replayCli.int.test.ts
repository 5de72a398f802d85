/**
 * `replay:check` and `replay:what-if` as an operator runs them, on PostgreSQL: a clean store replays, an edited
 * event is named, an interrupted run resumes from its state file; a proposed poll pass mark names the dossiers whose
 * outcome would have differed, in the table and the CSV, and writes nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCheck, type ReplayProgress } from '@ntm/audit';
import { dossierStreamId } from '@ntm/event-store';
import { openPostgresStore } from '@ntm/store-postgres';
import { communeJourney, journeyRecords, sampleDossierEvents, sqlTamper, uuidFor } from '@ntm/testing';
import { runCliProcess } from '../../test/support/runCliProcess.js';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `t_replaycli_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const at = (i: number) => new Date(Date.UTC(2024, 2, 1 + i)).toISOString();
let dataDir: string;
let opened: Awaited<ReturnType<typeof openPostgresStore>>;

const run = (entry: string, args: string[] = []) =>
  runCliProcess(entry.replace('./', ''), { DATABASE_URL, DATABASE_SCHEMA: schema, DATA_DIR: dataDir }, args);

/** Commune NTM dossiers (2022 procedure) whose second village had `satisfied` of 70 respondents. */
const POLLS = [60, 66, 70];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ntm-replay-cli-'));
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema });
  for (const id of ['a', 'b']) {
    const events = sampleDossierEvents({ id, communeCode: '01849', districtCode: '061', year: 2024 }, at).map(
      (e, i) => ({ ...e, eventId: uuidFor(id, i) }),
    );
    await opened.store.append(dossierStreamId(id), events, { expectedRevision: 'no_stream' });
  }
  for (const satisfied of POLLS) {
    const journey = communeJourney('ntm', 1);
    const id = `poll-${satisfied}`;
    const steps = journey.steps.map((s) =>
      s.command.type === 'RecordPollTally' && s.command['respondents'] === 70
        ? { ...s, command: { ...s.command, satisfied } }
        : s,
    );
    const records = journeyRecords(dossierStreamId(id), steps, { dossierCode: 'H06-240315-0001' });
    await opened.store.append(
      dossierStreamId(id),
      records.map((r, i) => ({
        eventId: uuidFor(id, i),
        type: r.type,
        schemaVersion: r.schemaVersion,
        data: r.data,
        metadata: r.metadata,
      })),
      { expectedRevision: 'no_stream' },
    );
  }
});
afterAll(async () => {
  await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await opened.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('replay:check', () => {
  it('an interrupted run resumes where it stopped and ends with the same totals', async () => {
    const full = await replayCheck({ store: opened.store, pageSize: 20 });
    const stop = new AbortController();
    let saved: ReplayProgress | undefined;
    const first = await replayCheck({
      store: opened.store,
      pageSize: 20,
      signal: stop.signal,
      onPage: (p) => {
        saved = structuredClone(p);
        if (p.streams >= 2) stop.abort();
      },
    });
    expect(first.complete).toBe(false);
    const rest = await replayCheck({ store: opened.store, pageSize: 20, resume: saved });
    expect(rest).toEqual(full);
    expect(full).toMatchObject({ complete: true, streams: 5, failures: [] });
  });

  it('resumes from a state file, replays the store, and names an edited event', async () => {
    const state = join(dataDir, 'state.json');
    // What a run interrupted after its first streams saved.
    const stop = new AbortController();
    const saved = await replayCheck({
      store: opened.store,
      pageSize: 30,
      signal: stop.signal,
      onPage: (p) => (p.streams >= 2 ? stop.abort() : undefined),
    });
    const half = saved.after;
    await writeFile(state, JSON.stringify(saved));
    const resumed = await run('./replayCheck.ts', ['--', '--state', state]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/5 streams, \d+ events replayed\nREPLAY OK/);
    expect(resumed.stderr).toContain(`resuming after position ${half}`);
    await expect(readFile(state)).rejects.toThrow();

    const [, five] = (await opened.store.readStream(dossierStreamId('b'))).slice(4);
    await sqlTamper(opened.sql, schema).editData(dossierStreamId('b'), 5n, { ...five!.data, met: false });
    const bad = await run('./replayCheck.ts', ['--', '--json']);
    expect(bad.code, bad.stderr).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; failures: unknown[] };
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      expect.objectContaining({ check: 'hashes', streamId: dossierStreamId('b'), revision: 5 }),
    ]);
  });
});

describe('replay:what-if', () => {
  it('names the dossiers a 95% poll pass mark would have stopped, as a table and CSV, writing nothing', async () => {
    const rules = join(dataDir, 'rules.json');
    await writeFile(
      rules,
      JSON.stringify({
        id: 'draft-95',
        version: 1,
        poll: { passShare: { ntm: { value: { share: 0.95 } } } },
      }),
    );
    const csv = join(dataDir, 'what-if.csv');
    const head = await opened.store.headPosition();
    const ids = POLLS.map((s) => `poll-${s}`);
    const result = await run('./replayWhatIf.ts', [
      '--',
      '--rules',
      rules,
      '--csv',
      csv,
      ...ids.flatMap((id) => ['--dossier', id]),
    ]);
    expect(result.code, result.stderr).toBe(0);
    // (the journeys' dossiers all carry the journey's id in their data; their streams differ)
    expect(result.stdout).toMatch(/\| COMMUNE_NTM \| announced \| differs \| #\d+ IssuePollReport \| /);
    expect(result.stdout).toContain('→ refused POLL_BELOW_PASS_MARK');
    expect(result.stdout).toContain('3 dossiers: 2 same, 1 would differ, 0 not reproducible');
    const rows = (await readFile(csv, 'utf8')).trim().split('\r\n');
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.includes(',differs,'))).toHaveLength(1);
    expect(await opened.store.headPosition()).toBe(head);
  });
});
