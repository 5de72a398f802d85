/**
 * The blue-green rebuild (ADR 0033) on the real PostgreSQL: the live read models keep answering, complete and never
 * stepping back, while the rebuild folds the log into a shadow schema and events keep being appended and projected
 * into the live one; the switch replaces the schema (a new one under the same name) and carries over what is not
 * derived from the log (the dispatcher lease, its positions); the result equals a rebuild from scratch. An aborted
 * rebuild leaves nothing behind and the live schema as it was. `pnpm projections:rebuild` runs it as a command.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareReadModels,
  createInlineProjector,
  rebuild,
  RebuildAborted,
  type InlineProjector,
} from '@ntm/projections';
import { openLease } from '@ntm/sql';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { exited, sampleDossierEvents, spawnTypeScript } from '@ntm/testing';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `bg${randomBytes(4).toString('hex')}`;
const eventsSchema = `${tag}_events`;
const live = `${tag}_rm`;
const check = `${tag}_check`;

let opened: OpenedPostgresStore;
let inline: InlineProjector;
/** Dossiers appended so far, and the next event of each. */
const dossiers: { id: string; events: ReturnType<typeof sampleDossierEvents>; next: number }[] = [];

function newDossier(): void {
  const i = dossiers.length;
  const id = `${tag}-${i}`;
  const events = sampleDossierEvents(
    { id, communeCode: String(1800 + i).padStart(5, '0'), districtCode: '061', year: 2023 },
    (k) => new Date(Date.UTC(2023, 0, 1) + k * 3_600_000).toISOString(),
  );
  dossiers.push({ id, events, next: 0 });
}

/** Appends the next event of dossier `i` and projects it into the live schema, as a worker would. */
async function step(i: number): Promise<void> {
  const d = dossiers[i]!;
  if (d.next >= d.events.length) return;
  await opened.store.append(`dossier-${d.id}`, [d.events[d.next++]!], { expectedRevision: 'any' });
  await inline.onAppended(`dossier-${d.id}`);
}

const schemaOid = async (name: string) =>
  (
    await opened.sql.query<{ oid: string }>('SELECT oid::text AS oid FROM pg_namespace WHERE nspname = $1', [
      name,
    ])
  ).rows[0]?.oid;

async function checkpoints(): Promise<Map<string, number>> {
  const { rows } = await opened.sql.query<{ stream_id: string; revision: number }>(
    `SELECT stream_id, revision::int AS revision FROM "${live}".checkpoints`,
  );
  return new Map(rows.map((r) => [r.stream_id, r.revision]));
}

beforeAll(async () => {
  opened = await openPostgresStore({
    connectionString: DATABASE_URL,
    schema: eventsSchema,
    maxConnections: 12,
  });
  inline = await createInlineProjector(opened.store, opened.sql, { schema: live });
  for (let i = 0; i < 12; i++) newDossier();
  // Twelve dossiers, ten events each, projected into the live schema.
  for (let k = 0; k < 10; k++) for (let i = 0; i < dossiers.length; i++) await step(i);
  // A dispatcher holds its lease in the live schema (ADR 0030) and has positions there.
  const lease = await openLease(opened.sql, live, 'dispatcher');
  expect(await lease.acquire('dispatcher-a', 600_000)).toBe(1n);
  await opened.sql.query(
    `INSERT INTO "${live}".dispatcher_state (name, handed_on, confirmed) VALUES ('default', 42, 42) ON CONFLICT DO NOTHING`,
  );
});

afterAll(async () => {
  for (const schema of [eventsSchema, live, check, `${live}__rebuild`, `${live}__old`, `${check}__rebuild`]) {
    await opened?.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
  await opened?.close();
});

describe('the blue-green rebuild', () => {
  it('serves the old read models, complete and never older, until the switch; then the new ones, equal to a rebuild', async () => {
    const before = await schemaOid(live);
    const { rows: stateBefore } = await opened.sql.query(`SELECT * FROM "${live}".dispatcher_state`);
    // Readers: each read sees every dossier it saw before, each at least as far as before.
    let seen = await checkpoints();
    const reads: { during: boolean }[] = [];
    const problems: string[] = [];
    let rebuilding = true;
    const reader = (async () => {
      while (rebuilding) {
        try {
          const now = await checkpoints();
          for (const [streamId, revision] of seen) {
            const at = now.get(streamId);
            if (at === undefined || at < revision) problems.push(`${streamId}: ${revision} then ${at}`);
          }
          const { rows } = await opened.sql.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM "${live}".dossiers`,
          );
          if (rows[0]!.n < seen.size) problems.push(`${rows[0]!.n} dossiers listed, ${seen.size} seen`);
          seen = now;
          reads.push({ during: rebuilding });
        } catch (error) {
          problems.push(String(error));
        }
      }
    })();
    // Writers: each page the rebuild folds, one more event appended and projected into the live schema, and a
    // new dossier now and then; they go on through the catch-up and the switch.
    const writes: Promise<void>[] = [];
    let pages = 0;
    const phases = new Set<string>();
    const result = await rebuild(opened.store, opened.sql, {
      schema: live,
      pageSize: 10,
      batchSize: 3,
      onProgress: (p) => {
        phases.add(p.phase);
        if (p.phase !== 'fold' && p.phase !== 'catch-up' && p.phase !== 'switch') return;
        pages += 1;
        if (pages % 4 === 0) newDossier();
        writes.push(step(pages % dossiers.length));
      },
    });
    await Promise.all(writes);
    rebuilding = false;
    await reader;

    expect(problems).toEqual([]);
    expect(reads.filter((r) => r.during).length).toBeGreaterThan(3);
    expect([...phases]).toEqual(['fold', 'write', 'catch-up', 'switch', 'tail']);
    expect(result.events).toBeGreaterThanOrEqual(120);
    // The switch: another schema under the same name, nothing left of the shadow or the old one.
    expect(await schemaOid(live)).not.toBe(before);
    expect(await schemaOid(`${live}__rebuild`)).toBeUndefined();
    expect(await schemaOid(`${live}__old`)).toBeUndefined();
    // What the log does not give was carried over: the lease (holder and token) and the dispatcher's positions.
    const lease = await openLease(opened.sql, live, 'dispatcher');
    expect(await lease.current()).toEqual({ holder: 'dispatcher-a', token: 1n, expired: false });
    expect(await lease.acquire('dispatcher-a', 600_000)).toBe(1n);
    expect((await opened.sql.query(`SELECT * FROM "${live}".dispatcher_state`)).rows).toEqual(stateBefore);

    // Every event is in the new read models, which equal a rebuild from scratch row by row.
    const total = dossiers.reduce((n, d) => n + d.next, 0);
    const done = await checkpoints();
    expect([...done.values()].reduce((n, r) => n + r + 1, 0)).toBe(total);
    await rebuild(opened.store, opened.sql, { schema: check });
    const diff = await compareReadModels(
      { sql: opened.sql, schema: live },
      { sql: opened.sql, schema: check },
    );
    expect(diff.differences.slice(0, 3)).toEqual([]);
    expect(diff.rows).toBeGreaterThan(dossiers.length);
  });

  it('stopped before the switch, drops its shadow and leaves the live schema as it was', async () => {
    const before = await schemaOid(live);
    const rowsBefore = await checkpoints();
    const stop = new AbortController();
    const aborted = rebuild(opened.store, opened.sql, {
      schema: live,
      pageSize: 10,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.phase === 'fold' && p.events >= 50) stop.abort();
      },
    });
    await expect(aborted).rejects.toBeInstanceOf(RebuildAborted);
    expect(await schemaOid(`${live}__rebuild`)).toBeUndefined();
    expect(await schemaOid(live)).toBe(before);
    expect(await checkpoints()).toEqual(rowsBefore);
  });

  it('runs as `pnpm projections:rebuild`: progress on stderr, one JSON line', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ntm-rebuild-cli-'));
    const { REDIS_URL: _redis, ...withoutRedis } = process.env;
    try {
      const child = spawnTypeScript(fileURLToPath(new URL('./rebuildCli.ts', import.meta.url)), {
        env: {
          ...withoutRedis,
          DATABASE_URL,
          DATABASE_SCHEMA: eventsSchema,
          READ_MODEL_SCHEMA: live,
          DATA_DIR: dataDir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
      child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
      expect(await exited(child), stderr).toBe(0);
      expect(stderr).toMatch(/^fold: \d+ events/m);
      expect(stderr).toMatch(/^switch: /m);
      const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as { rebuilt: string; events: number };
      expect(last).toMatchObject({
        rebuilt: live,
        events: dossiers.reduce((n, d) => n + d.next, 0),
      });
      const diff = await compareReadModels(
        { sql: opened.sql, schema: live },
        { sql: opened.sql, schema: check },
      );
      expect(diff.differences.slice(0, 3)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
