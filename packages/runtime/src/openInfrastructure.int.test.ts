// Every entry point opens the store the configuration names. The defect this guards: with
// EVENTSTORE_CONNECTION_STRING and REDIS_URL together (the README offers both), the dispatcher, the workers and the
// rebuild command opened PostgreSQL anyway, and the read models never followed the events in EventStoreDB. The
// EventStoreDB client is created but never connected (it sends nothing until first use); the SQL side is the real
// local PostgreSQL, in schemas of the test's own.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '@ntm/store-postgres';
import { EventStoreDbEventStore } from '@ntm/store-eventstoredb';
import { loadConfig, requireProjectorSettings, type Config } from './config.js';
import { openInfrastructure, storeModeOf } from './openInfrastructure.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tag = `rt${randomBytes(4).toString('hex')}`;
const ESDB = 'esdb://127.0.0.1:2113?tls=false';

/** How each entry point reads its configuration (the projector's processes insist on Redis and PostgreSQL). */
const ENTRY_POINTS: Record<string, (env: NodeJS.ProcessEnv) => Config> = {
  api: (env) => loadConfig(env),
  dispatcher: (env) => requireProjectorSettings(loadConfig(env)),
  worker: (env) => requireProjectorSettings(loadConfig(env)),
  rebuild: (env) => loadConfig(env),
};

const dropSchemas: string[] = [];
afterAll(async () => {
  const infra = await openInfrastructure(loadConfig({ DATABASE_URL, DATABASE_SCHEMA: `${tag}_drop` }));
  try {
    for (const schema of [...dropSchemas, `${tag}_drop`])
      await infra.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await infra.close();
  }
});

describe('openInfrastructure', () => {
  it.each(Object.keys(ENTRY_POINTS))(
    '%s: EventStoreDB for events with EVENTSTORE_CONNECTION_STRING, REDIS_URL and DATABASE_URL together',
    async (entry) => {
      const schema = `${tag}_${entry}`;
      dropSchemas.push(schema);
      const config = ENTRY_POINTS[entry]!({
        EVENTSTORE_CONNECTION_STRING: ESDB,
        REDIS_URL: 'redis://127.0.0.1:6379',
        DATABASE_URL,
        DATABASE_SCHEMA: schema,
      });
      const infra = await openInfrastructure(config);
      try {
        expect(infra.mode).toBe('eventstoredb');
        expect(infra.store).toBeInstanceOf(EventStoreDbEventStore);
        // The SQL tables (read models, positions) stay in PostgreSQL.
        expect(infra.sqlSchema).toBe(schema);
        expect((await infra.sql.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await infra.close();
      }
    },
  );

  it.each(Object.keys(ENTRY_POINTS))('%s: PostgreSQL for events with DATABASE_URL alone', async (entry) => {
    const schema = `${tag}_pg_${entry}`;
    dropSchemas.push(schema);
    const infra = await openInfrastructure(
      ENTRY_POINTS[entry]!({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL, DATABASE_SCHEMA: schema }),
    );
    try {
      expect(infra.mode).toBe('postgres');
      expect(infra.store).toBeInstanceOf(PostgresEventStore);
    } finally {
      await infra.close();
    }
  });

  it('chooses EventStoreDB, then PostgreSQL, then the embedded store', () => {
    expect(storeModeOf(loadConfig({ EVENTSTORE_CONNECTION_STRING: ESDB, DATABASE_URL }))).toBe(
      'eventstoredb',
    );
    expect(storeModeOf(loadConfig({ DATABASE_URL }))).toBe('postgres');
    expect(storeModeOf(loadConfig({}))).toBe('embedded');
  });

  it('refuses a malformed EventStoreDB connection string and closes what it opened', async () => {
    const schema = `${tag}_bad`;
    dropSchemas.push(schema);
    await expect(
      openInfrastructure(
        loadConfig({ EVENTSTORE_CONNECTION_STRING: 'http://nowhere', DATABASE_URL, DATABASE_SCHEMA: schema }),
      ),
    ).rejects.toThrow(/EventStoreDB connection string/);
  });
});
