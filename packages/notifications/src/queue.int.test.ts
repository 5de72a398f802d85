// Delivery through BullMQ (REDIS_URL mode) on the real PostgreSQL and Redis, with a queue of the test's own: a
// notification queued twice is one job; a job run again after it completed mails nothing more; with the SMTP
// server down the job records a retry time, and the relay queues it again once the (injected) clock reaches it.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateReadModels, q, insertNotifications, type NotificationRow } from '@ntm/projections';
import { createPgSqlClient } from '@ntm/store-postgres';
import type { SqlClient } from '@ntm/sql';
import { freePort, smtpServer } from '@ntm/testing';
import {
  createOutboxRelay,
  createSmtpMailer,
  deliveryJobId,
  setRecipient,
  type DeliveryResult,
} from './index.js';
import { createDeliveryWorker, openDeliveryQueue } from './queue.js';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const suffix = randomUUID().replaceAll('-', '').slice(0, 12);
const schema = `t_notify_${suffix}`;
const redis = { redisUrl, queueName: `t-notify-${suffix}`, redisPrefix: `t-notify-${suffix}` };

let sql: SqlClient;
let now = new Date('2026-03-02T03:00:00Z');

const notification = (n: number): NotificationRow => ({
  id: `dossier-q@${n}:waiting:provincial_appraiser:19`,
  stream_id: 'dossier-q',
  revision: String(n),
  kind: 'waiting',
  role: 'provincial_appraiser',
  unit_code: '19',
  params: {
    dossierId: 'q',
    dossierCode: '19-260302-0001',
    dossierKind: 'COMMUNE_NTM',
    unitCode: '02038',
    step: 'submitted',
  },
  created_at: now.toISOString(),
});

beforeAll(async () => {
  sql = createPgSqlClient(new pg.Pool({ connectionString, max: 6 }));
  await migrateReadModels(sql, schema);
  await setRecipient(
    sql,
    schema,
    {
      userId: 'tham-dinh',
      role: 'provincial_appraiser',
      unitCode: '19',
      email: 'tham.dinh@example.vn',
      locale: 'vi',
    },
    now.toISOString(),
  );
});

afterAll(async () => {
  await sql.query(`DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`);
  await sql.close();
});

describe('delivery jobs', () => {
  it('mails each notification once: duplicate jobs, a job run again, and a server down then up', async () => {
    const port = await freePort();
    const smtp = smtpServer(port);
    await smtp.start();
    const mailer = createSmtpMailer({
      host: '127.0.0.1',
      port,
      secure: false,
      from: 'ntm@example.vn',
      timeoutMs: 2000,
    });
    const queue = openDeliveryQueue(redis);
    const options = { sql, schema, mailer, baseUrl: 'https://ntm.example.vn', now: () => now };
    const worker = createDeliveryWorker({ ...redis, ...options, concurrency: 2 });
    const finished: DeliveryResult[] = [];
    let onFinished = () => undefined as void;
    worker.worker.on('completed', (_job, result) => {
      finished.push(result);
      onFinished();
    });
    /** Resolves once `n` jobs in all have completed. */
    const completed = (n: number) =>
      new Promise<void>((resolve) => {
        onFinished = () => finished.length >= n && resolve();
        onFinished();
      });

    try {
      const [first] = await insertNotifications(sql, [notification(1)], schema);
      // Queued twice before any worker takes it: one job.
      await worker.worker.pause();
      await queue.enqueue([first!]);
      await queue.enqueue([first!, first!]);
      expect(await queue.queue.getJobCountByTypes('waiting', 'prioritized')).toBe(1);
      expect((await queue.queue.getJob(deliveryJobId(first!)))?.data).toEqual({ notificationId: first });
      void worker.worker.resume();
      await completed(1);
      expect(smtp.received.map((m) => m.to)).toEqual([['tham.dinh@example.vn']]);
      // Queued again after it completed (a relay that looked before the mark): a job runs, nothing is sent.
      await queue.enqueue([first!]);
      await completed(2);
      expect(finished.map((r) => r.sent)).toEqual([1, 0]);
      expect(smtp.received).toHaveLength(1);

      // The server goes down: the job completes having failed to send, and records when to try again.
      await smtp.stop();
      const [second] = await insertNotifications(sql, [notification(2)], schema);
      const relay = createOutboxRelay({
        sql,
        schema,
        now: () => now,
        intervalMs: 0,
        handle: (ids) => queue.enqueue(ids),
      });
      await relay.kick();
      await completed(3);
      expect(finished[2]).toMatchObject({ sent: 0, failed: 1, done: false });
      await relay.kick(); // before the retry time: nothing is queued
      expect(await queue.queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
      await smtp.start();
      now = new Date(now.getTime() + 60_000);
      await relay.kick();
      await completed(4);
      expect(finished[3]).toMatchObject({ sent: 1, done: true });
      expect(smtp.received.map((m) => m.messageId)).toEqual([
        expect.stringContaining(deliveryJobId(first!)),
        expect.stringContaining(deliveryJobId(second!)),
      ]);
      await relay.close();
    } finally {
      await worker.close();
      await queue.queue.obliterate({ force: true });
      await queue.close();
      mailer.close();
      await smtp.stop();
    }
  });
});
