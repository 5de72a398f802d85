/**
 * `pnpm sim:national` at a tiny size, on a database of its own: every kind of plan, both procedure versions, the
 * cut-over, returns, revocations and post-merger acknowledgements occur; every stored stream is what the decider
 * produced for its plan and folds (the domain's replay) to the same step; the result has every figure. No timing
 * is asserted.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { replay } from '@ntm/domain';
import { openPostgresStore } from '@ntm/store-postgres';
import { nationalCommunes, PLAN_CYCLE, simDossier } from './nationalHistories.js';
import { databaseUrlOf, dropDatabase, runSimulation } from './simNational.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const database = `ntm_sim_test_${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  await dropDatabase(DATABASE_URL, database);
});

describe('pnpm sim:national at 3,000 events', () => {
  it('stores valid histories of every kind and reports every figure', { timeout: 600_000 }, async () => {
    const result = await runSimulation({
      events: 3000,
      databaseUrl: DATABASE_URL,
      database,
      redisUrl: REDIS_URL,
      queries: 10,
      commandSeconds: 2,
      clients: 4,
      decideWorkers: 0,
      drop: false,
      log: () => undefined,
    });
    expect(result).toBeDefined();
    const r = result!;
    expect(Object.keys(r).sort()).toEqual(
      [
        'sim',
        'database',
        'events',
        'dossiers',
        'appendedThisRun',
        'resumed',
        'machine',
        'units',
        'byPlan',
        'unitsPassedOver',
        'workflows',
        'finalSteps',
        'successionEvents',
        'returnedDossiers',
        'generateAppend',
        'store',
        'readModels',
        'globalLogRead',
        'rebuild',
        'auditCheckpointSeconds',
        'queries',
        'commands',
        'apiProcesses',
        'goals',
      ].sort(),
    );
    expect(r.events).toBeGreaterThanOrEqual(3000);
    for (const kind of PLAN_CYCLE) expect(r.byPlan[kind]).toBeGreaterThan(0);
    for (const wf of [
      'village-ntm@1',
      'village-ntm@2',
      'commune-ntm@1',
      'commune-ntm@2',
      'commune-advanced@1',
      'commune-advanced@2',
      'commune-model@2',
      'revocation@1',
      'revocation@2',
      'post-merger-acknowledgement@1',
    ]) {
      expect(r.workflows[wf], wf).toBeGreaterThan(0);
    }
    expect(r.unitsPassedOver).toBe(0);
    expect(r.successionEvents).toBeGreaterThan(0);
    expect(r.returnedDossiers).toBeGreaterThan(0);
    for (const step of ['announced', 'published', 'acknowledged'])
      expect(r.finalSteps[step]).toBeGreaterThan(0);
    // Some dossiers are still under way: they stopped before their last step.
    const done = ['announced', 'published', 'acknowledged'];
    expect(Object.keys(r.finalSteps).some((s) => !done.includes(s))).toBe(true);
    expect(r.rebuild).toMatchObject({ events: r.events, streams: r.dossiers, parked: 0 });
    expect(r.store.bytesPerEvent).toBeGreaterThan(0);
    expect(r.readModels.bytesPerEvent).toBeGreaterThan(0);
    for (const q of ['inbox', 'communeInbox', 'list', 'progress'] as const) {
      expect(r.queries[q].requests).toBe(10);
    }
    expect(r.queries.inbox.rowsFirst + r.queries.communeInbox.rowsFirst).toBeGreaterThan(0);
    expect(r.commands.oneProcess.commands).toBeGreaterThan(0);
    expect(r.commands.twoProcesses.processes).toBe(2);
    expect(typeof r.apiProcesses.ratioTwoToOne).toBe('number');

    // Every stored stream is its plan's decided history, and folds to the step the decider left it at.
    const opened = await openPostgresStore({
      connectionString: databaseUrlOf(DATABASE_URL, database),
      schema: 'events',
    });
    try {
      const communes = nationalCommunes();
      for (let n = 0; n < r.dossiers; n++) {
        const planned = simDossier(n, communes);
        const stored = await opened.store.readStream(planned.streamId);
        expect(stored.map((e) => [e.type, e.data])).toEqual(planned.events.map((e) => [e.type, e.data]));
        expect(replay(stored).step).toBe(planned.step);
      }
    } finally {
      await opened.close();
    }
  });
});
