/**
 * Signed checkpoints against store-level tampering on PostgreSQL: a deleted stream, a cut tail, an event edited in
 * place, a history rewritten with fresh hashes (which every per-stream check accepts), checkpoints deleted with
 * the events they cover, a checkpoint signed by another key. Each is named by `verifyLog`; the continuous
 * verifier's status and metric turn.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dossierStreamId, verifyChain, type EventStore } from '@ntm/event-store';
import { openPostgresStore } from '@ntm/store-postgres';
import type { SqlClient } from '@ntm/sql';
import { sampleDossierEvents, sqlTamper, storeWith, uuidFor } from '@ntm/testing';
import {
  AuditLogWatcher,
  CheckpointStore,
  ephemeralSigner,
  makeCheckpoint,
  verifyLog,
  type AuditSigner,
  type SignedCheckpoint,
} from './index.js';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const at = (i: number) => new Date(Date.UTC(2024, 2, 1 + i)).toISOString();
const NOW = new Date('2024-06-01T00:00:00Z');

let schema: string;
let store: EventStore;
let sql: SqlClient;
let close: () => Promise<void>;
let checkpoints: CheckpointStore;
let signer: AuditSigner;

async function appendDossier(id: string) {
  const events = sampleDossierEvents({ id, communeCode: '01849', districtCode: '061', year: 2024 }, at).map(
    (e, i) => ({ ...e, eventId: uuidFor(id, i) }),
  );
  await store.append(dossierStreamId(id), events, { expectedRevision: 'no_stream' });
}

const checkpoint = () => makeCheckpoint({ store, checkpoints, signer, now: NOW });
const verify = async (extra: { expected?: SignedCheckpoint; keys?: AuditSigner } = {}) =>
  verifyLog({
    store,
    checkpoints: await checkpoints.list(),
    keys: (extra.keys ?? signer).published.keys,
    expected: extra.expected,
  });
const checks = (report: Awaited<ReturnType<typeof verifyLog>>) => [
  ...new Set(report.failures.map((f) => f.check)),
];

beforeEach(async () => {
  schema = `t_audit_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const opened = await openPostgresStore({ connectionString, schema });
  ({ store, sql } = opened);
  close = opened.close;
  checkpoints = new CheckpointStore(sql, schema);
  await checkpoints.migrate();
  signer = await ephemeralSigner(new Date('2024-01-01T00:00:00Z'));
  for (const id of ['a', 'b', 'c']) await appendDossier(id);
});
afterEach(async () => {
  await sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await close();
});

describe('log checkpoints', () => {
  it('chain, cover every event once, and verify; nothing new gives no checkpoint', async () => {
    const first = await checkpoint();
    expect(first?.body).toMatchObject({ seq: 1, count: 90 });
    expect(await checkpoint()).toBeUndefined();
    await appendDossier('d');
    const second = await checkpoint();
    expect(second?.body).toMatchObject({ seq: 2, count: 120 });
    const report = await verify();
    expect(report).toMatchObject({
      ok: true,
      events: 120,
      checkpoints: 2,
      verifiedUpTo: { seq: 2, count: 120 },
    });
  });

  it('a second process racing for the same checkpoint stores it once', async () => {
    const both = await Promise.all([checkpoint(), checkpoint()]);
    expect(both.filter(Boolean)).toHaveLength(1);
    expect(await checkpoints.list()).toHaveLength(1);
  });

  it('catches a deleted stream (count)', async () => {
    await checkpoint();
    await sqlTamper(sql, schema).deleteStream(dossierStreamId('b'));
    const report = await verify();
    expect(checks(report)).toEqual(['count']);
    expect(report.failures[0]).toMatchObject({ checkpoint: 1, expected: '90', found: '60' });
  });

  it('catches a cut tail that the stream alone cannot show', async () => {
    await checkpoint();
    await sqlTamper(sql, schema).truncate(dossierStreamId('a'), 27n);
    expect(verifyChain(await store.readStream(dossierStreamId('a'))).ok).toBe(true);
    const report = await verify();
    expect(checks(report)).toEqual(['count']);
    expect(report.failures[0]?.message).toContain('3 event(s) covered by checkpoint 1 are missing');
  });

  it('catches an event edited in place (its hash) ', async () => {
    await checkpoint();
    const [event] = await store.readStream(dossierStreamId('c'), { fromRevision: 4n, maxCount: 1 });
    await sqlTamper(sql, schema).editData(dossierStreamId('c'), 4n, { ...event!.data, met: false });
    const report = await verify();
    expect(checks(report)).toEqual(['event-hash']);
    expect(report.failures[0]).toMatchObject({ streamId: dossierStreamId('c'), revision: 4 });
  });

  it('catches a history rewritten and re-hashed after the checkpoint (the root), which every stream check accepts', async () => {
    await checkpoint();
    const [event] = await store.readStream(dossierStreamId('c'), { fromRevision: 4n, maxCount: 1 });
    await sqlTamper(sql, schema).rewrite(dossierStreamId('c'), 4n, { ...event!.data, met: false });
    expect(verifyChain(await store.readStream(dossierStreamId('c'))).ok).toBe(true);
    const report = await verify();
    expect(checks(report)).toEqual(['root']);
    expect(report.failures[0]).toMatchObject({ checkpoint: 1 });
  });

  it('catches checkpoints deleted together with the events they covered, against the one last seen', async () => {
    const first = await checkpoint();
    await appendDossier('d');
    const seen = await checkpoint();
    await sqlTamper(sql, schema).deleteStream(dossierStreamId('d'));
    await sql.query(`DELETE FROM "${schema}".audit_checkpoints WHERE seq = 2`);
    expect((await verify()).ok).toBe(true); // the table alone now looks consistent
    const report = await verify({ expected: seen! });
    expect(checks(report)).toEqual(['checkpoint-missing']);
    expect(first).toBeDefined();
  });

  it('refuses a checkpoint signed by a key that is not trusted', async () => {
    await checkpoint();
    const stranger = await ephemeralSigner(new Date('2024-01-01T00:00:00Z'));
    const report = await verify({ keys: stranger });
    expect(checks(report)).toEqual(['checkpoint-signature']);
  });

  it('the continuous verifier turns its status when the log stops matching', async () => {
    const mismatches: number[] = [];
    const watcher = new AuditLogWatcher({
      store,
      checkpoints,
      keys: () => signer.published.keys,
      now: () => NOW,
      onMismatch: (report) => mismatches.push(report.failures.length),
    });
    // Before its first run the verifier reports nothing wrong (`ntm_audit_log_ok` 1 in the API's /metrics).
    expect(watcher.status.ok).toBeUndefined();
    await checkpoint();
    expect((await watcher.verifyNow()).ok).toBe(true);
    expect(watcher.status.ok).toBe(true);
    await sqlTamper(sql, schema).truncate(dossierStreamId('a'), 29n);
    expect((await watcher.verifyNow()).ok).toBe(false);
    expect(watcher.status.ok).toBe(false);
    expect(mismatches).toEqual([1]);
  });

  it('the continuous verifier reads the log in pages a service can serve requests between', async () => {
    const limits: number[] = [];
    const watched = storeWith(store, {
      readAll: (options) => {
        limits.push(options?.limit ?? Infinity);
        return store.readAll(options);
      },
    });
    await checkpoint();
    const watcher = new AuditLogWatcher({
      store: watched,
      checkpoints,
      keys: () => signer.published.keys,
      now: () => NOW,
    });
    expect((await watcher.verifyNow()).ok).toBe(true);
    expect(limits.length).toBeGreaterThan(0);
    expect(Math.max(...limits)).toBeLessThanOrEqual(500);
  });
});
