// The worker process mails the notification outbox in REDIS_URL mode (ADR 0024), against the real PostgreSQL, Redis
// and a real SMTP server (smtp-server) started by the test: a dossier's events are projected by a spawned worker,
// whose projection writes the notifications and kicks the relay; each one is mailed once to the inbox's registered
// address. Own schemas, queue names and BullMQ prefix; waits on conditions (bounded), never on time.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { setRecipient } from '@ntm/notifications';
import {
  evolveView,
  migrateReadModels,
  notificationsOf,
  q,
  type DossierView,
  type NotificationRow,
} from '@ntm/projections';
import { openPostgresStore } from '@ntm/store-postgres';
import { exited, freePort, outputSeen, sampleDossierEvents, smtpServer, spawnTypeScript } from '@ntm/testing';
import { createDispatcher } from './createDispatcher.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await Promise.race([
      cleanup().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 10_000)),
    ]);
  }
});

async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 90_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the worker process with SMTP_HOST', () => {
  it('mails every notification its projection writes, once, to the inbox’s registered address', async () => {
    const tag = `nd${randomBytes(4).toString('hex')}`;
    const eventsSchema = `${tag}_events`;
    const schema = `${tag}_rm`;
    const queuePrefix = `${tag}-wake`;
    const redisPrefix = `${tag}-bull`;
    const opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: eventsSchema });
    cleanups.push(async () => {
      for (const s of [eventsSchema, schema]) await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      await opened.close();
    });
    cleanups.push(async () => {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      const keys = await redis.keys(`${redisPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });
    await migrateReadModels(opened.sql, schema);

    // A dossier from opening to decision, recorded now (mail is not sent for notifications older than 72 h).
    const start = Date.now() - 3_600_000;
    const streamId = `dossier-${tag}`;
    const events = sampleDossierEvents(
      { id: tag, communeCode: '02032', districtCode: '064', year: 2024 },
      (i) => new Date(start + i * 1000).toISOString(),
    );
    await opened.store.append(streamId, events, { expectedRevision: 'no_stream' });
    // The notifications the projection will write, derived here by the same functions, and an address per inbox.
    let view: DossierView | undefined;
    const expected: NotificationRow[] = [];
    for (const event of await opened.store.readStream(streamId)) {
      const before = view;
      view = evolveView(view, event);
      expected.push(...notificationsOf(before, event, view));
    }
    expect(expected.length).toBeGreaterThan(0);
    const inboxes = [...new Set(expected.map((n) => `${n.role}|${n.unit_code}`))];
    const address = (inbox: string) => `${inbox.replace('|', '.')}@example.vn`;
    for (const inbox of inboxes) {
      const [role, unitCode] = inbox.split('|') as [string, string];
      await setRecipient(
        opened.sql,
        schema,
        { userId: `user-${role}-${unitCode}`, role, unitCode, email: address(inbox), locale: 'vi' },
        new Date().toISOString(),
      );
    }

    const port = await freePort();
    const smtp = smtpServer(port);
    await smtp.start();
    cleanups.push(() => smtp.stop());
    const child = spawnTypeScript(fileURLToPath(new URL('./worker.ts', import.meta.url)), {
      env: {
        ...process.env,
        DATABASE_URL,
        REDIS_URL,
        DATABASE_SCHEMA: eventsSchema,
        READ_MODEL_SCHEMA: schema,
        QUEUE_PREFIX: queuePrefix,
        BULLMQ_PREFIX: redisPrefix,
        PARTITIONS: '2',
        DEADLINE_TIMERS: 'off',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(port),
        MAIL_FROM: 'ntm@example.vn',
        NOTIFY_QUEUE: `${tag}-notify`,
        NOTIFY_RELAY_SECONDS: '3600',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(async () => {
      child.kill('SIGKILL');
      await exited(child);
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += String(chunk)));
    await outputSeen(child, '"mail":"smtp"');
    const dispatcher = createDispatcher({
      store: opened.store,
      sql: opened.sql,
      redisUrl: REDIS_URL,
      schema,
      queuePrefix,
      partitions: 2,
      redisPrefix,
      reconcileIntervalMs: 100,
    });
    cleanups.push(() => dispatcher.close());
    await dispatcher.start();

    // The relay runs every hour here: what is mailed was kicked by the projection job.
    await waitFor('every notification mailed', () => smtp.received.length >= expected.length).catch(
      async (error: unknown) => {
        // What the outbox and the worker's log say, so that a failure on a loaded machine can be told from a cause.
        const outbox = await opened.sql.query(`SELECT id, email_done_at FROM ${q(schema)}.notifications`);
        const mails = `${smtp.received.length}/${expected.length} mails`;
        throw new Error(
          `${String(error)}: ${mails}, outbox ${JSON.stringify(outbox.rows)}, ${output.slice(-2000)}`,
        );
      },
    );
    const sent = await opened.sql.query<{ id: string; email_done_at: string | null }>(
      `SELECT id, email_done_at FROM ${q(schema)}.notifications ORDER BY id`,
    );
    expect(sent.rows.map((r) => r.id)).toEqual(expected.map((n) => n.id).sort());
    await waitFor('the outbox marked done', async () => {
      const left = await opened.sql.query(
        `SELECT 1 FROM ${q(schema)}.notifications WHERE email_done_at IS NULL`,
      );
      return left.rows.length === 0;
    });
    // Once each: one mail per notification, to its inbox's address.
    expect(smtp.received).toHaveLength(expected.length);
    expect(smtp.received.map((m) => m.to).sort()).toEqual(
      expected.map((n) => [address(`${n.role}|${n.unit_code}`)]).sort(),
    );
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(expected.length);
  });
});
