/**
 * The notification outbox's delivery in the projector's worker processes (`REDIS_URL` mode, ADR 0024): a relay
 * queues each pending notification as a BullMQ job (its id derived from the notification's, so a job queued by
 * several workers is one job), and a delivery worker mails them. Nothing runs without SMTP_HOST.
 */
import type { SqlClient } from '@ntm/sql';
import { createOutboxRelay, createSmtpMailer } from '@ntm/notifications';
import { createDeliveryWorker, openDeliveryQueue } from '@ntm/notifications/queue';
import { notificationSettings, type ProjectorConfig } from '@ntm/runtime';

export interface NotificationDelivery {
  /** Looks at the outbox now. */
  kick(): Promise<void>;
  close(): Promise<void>;
}

export async function startNotificationDelivery(
  config: ProjectorConfig,
  infra: { sql: SqlClient; readModelSchema: string },
  onError: (error: unknown) => void,
  now: () => Date = () => new Date(),
): Promise<NotificationDelivery | undefined> {
  const settings = notificationSettings(config);
  if (!settings.smtp) return undefined;
  const mailer = createSmtpMailer(settings.smtp);
  const redis = {
    redisUrl: config.REDIS_URL,
    queueName: settings.queueName,
    redisPrefix: config.BULLMQ_PREFIX,
  };
  const queue = openDeliveryQueue(redis);
  const worker = createDeliveryWorker({
    ...redis,
    sql: infra.sql,
    schema: infra.readModelSchema,
    mailer,
    baseUrl: settings.baseUrl,
    now,
    retryMs: settings.retryMs,
    maxAgeMs: settings.maxAgeMs,
    onError,
  });
  await worker.ready();
  const relay = createOutboxRelay({
    sql: infra.sql,
    schema: infra.readModelSchema,
    now,
    intervalMs: settings.relayMs,
    handle: (ids) => queue.enqueue(ids),
    onError,
  });
  void relay.kick();
  return {
    kick: () => relay.kick(),
    async close() {
      await relay.close();
      await worker.close();
      await queue.close();
      mailer.close();
    },
  };
}
