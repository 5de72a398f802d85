// The registry's metrics against the real PostgreSQL store and read models (schemas of the test's own): appends
// timed and conflicts counted at the port, the deadline gauges counting each deadline once as the service's day
// sees it, the lag gauges per read model. Read back with prom-client's own JSON output, not substrings.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WrongExpectedRevisionError, type NewEvent } from '@ntm/event-store';
import { migrateReadModels, PROJECTIONS } from '@ntm/projections';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import { createMetrics, instrumentStore, type Metrics } from './metrics.js';
import { registerOperationsMetrics } from './operationsMetrics.js';
import type { ProjectionLag } from './projectionLag.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `met${randomBytes(4).toString('hex')}`;
let opened: OpenedPostgresStore;

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: `${tag}_events` });
  await migrateReadModels(opened.sql, `${tag}_rm`);
});
afterAll(async () => {
  for (const s of [`${tag}_events`, `${tag}_rm`])
    await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await opened.close();
});

const event = (): NewEvent => ({
  eventId: randomUUID(),
  type: 'Noted',
  schemaVersion: 1,
  data: { n: 1 },
  metadata: {
    actor: { id: 'a', role: 'administrator', unit: '06' },
    correlationId: randomUUID(),
    occurredAt: '2025-03-01T00:00:00.000Z',
  },
});

/** Each series of `name` as prom-client reports it: labels and value. */
async function series(metrics: Metrics, name: string) {
  const all = await metrics.registry.getMetricsAsJSON();
  const found = all.find((m) => m.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found.values as { labels: Record<string, string | number>; value: number; metricName?: string }[];
}
const sample = async (
  metrics: Metrics,
  name: string,
  labels: Record<string, string> = {},
  metricName = name,
) =>
  (await series(metrics, name))
    .filter((v) => (v.metricName ?? name) === metricName)
    .filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))
    .reduce((sum, v) => sum + v.value, 0);

describe('metrics', () => {
  it('times every append at the store port and counts the conflicts, whatever the adapter', async () => {
    const metrics = createMetrics('api', { defaultMetrics: false });
    const store = instrumentStore(opened.store, metrics);
    await store.append('dossier-m1', [event(), event()], { expectedRevision: 'no_stream' });
    await expect(store.append('dossier-m1', [event()], { expectedRevision: 0n })).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    // The adapter's other methods are its own, bound to it.
    expect(await store.streamRevision('dossier-m1')).toBe(1n);
    const count = 'ntm_event_store_append_duration_seconds_count';
    expect(await sample(metrics, 'ntm_event_store_append_duration_seconds', { outcome: 'ok' }, count)).toBe(
      1,
    );
    expect(
      await sample(metrics, 'ntm_event_store_append_duration_seconds', { outcome: 'conflict' }, count),
    ).toBe(1);
    expect(await sample(metrics, 'ntm_event_store_append_conflicts_total')).toBe(1);
    expect(await sample(metrics, 'ntm_event_store_appended_events_total')).toBe(2);
  });

  it('counts open, due-today, overdue and elapsed deadlines once each, on the service clock day in Vietnam', async () => {
    const rm = `"${tag}_rm"`;
    const row = (stream: string, id: string, due: string, state: string, holder = '') =>
      opened.sql.query(
        `INSERT INTO ${rm}.deadlines (stream_id, deadline_id, step, due_at, scheduled_at, state, province_code, holder)
         VALUES ($1, $2, 'review', $3, '2025-03-01', $4, '06', $5)`,
        [stream, id, due, state, holder],
      );
    await row('dossier-a', 'd1', '2025-03-09', 'open');
    // One deadline, two acting units across the reform cut-over: counted once.
    await row('dossier-b', 'd1', '2025-03-10', 'open', 'district_verifier@061');
    await row('dossier-b', 'd1', '2025-03-10', 'open', 'provincial_appraiser@19');
    await row('dossier-c', 'd1', '2025-03-20', 'open');
    await row('dossier-d', 'd1', '2025-02-20', 'elapsed');
    await row('dossier-e', 'd1', '2025-02-21', 'met');
    const metrics = createMetrics('dispatcher', { defaultMetrics: false });
    // Projected up to the first test's second event (positions have gaps: read them from the log).
    const [, second] = (await opened.store.readAll()).events;
    const lag: ProjectionLag = {
      head: second!.position + 5n,
      handedOn: second!.position + 5n,
      confirmed: second!.position,
      lagEvents: 5n,
      lagSeconds: 1.5,
      parkedStreams: 0,
    };
    registerOperationsMetrics(metrics, {
      store: opened.store,
      sql: opened.sql,
      schema: `${tag}_rm`,
      projectionLag: () => Promise.resolve(lag),
      // 2025-03-10 in Vietnam (17:30 UTC on the 9th is 00:30 on the 10th at +07:00).
      now: () => new Date('2025-03-09T17:30:00Z'),
      wallClock: () => new Date('2030-01-01T00:00:00Z'),
    });
    expect(await sample(metrics, 'ntm_deadlines_open')).toBe(3);
    expect(await sample(metrics, 'ntm_deadlines_due_today')).toBe(1);
    expect(await sample(metrics, 'ntm_deadlines_overdue')).toBe(1);
    expect(await sample(metrics, 'ntm_deadlines_elapsed')).toBe(1);
    expect(await sample(metrics, 'ntm_projection_lag_events')).toBe(5);
    const perReadModel = await series(metrics, 'ntm_read_model_lag_seconds');
    expect(perReadModel.map((v) => v.labels['read_model']).sort()).toEqual(
      PROJECTIONS.map((p) => p.name).sort(),
    );
    expect(perReadModel.every((v) => v.value === 1.5)).toBe(true);
    // The event at the confirmed position is the newest the read models hold.
    const ages = await series(metrics, 'ntm_read_model_checkpoint_age_seconds');
    expect(ages).toHaveLength(PROJECTIONS.length);
    const age = (Date.parse('2030-01-01T00:00:00Z') - Date.parse(second!.recordedAt)) / 1000;
    expect(ages.every((v) => v.value === age)).toBe(true);
  });
});
