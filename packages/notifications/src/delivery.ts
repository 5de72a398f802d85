/**
 * Mail delivery from the outbox, at least once and deduplicated by id (ADR 0024). A notification is mailed to
 * each person of its inbox in the recipient directory; each (notification, person) is claimed before it is sent
 * and marked sent after, so a duplicated or concurrent delivery job sends nothing twice. Only a crash between the
 * server's acceptance and the mark can send one mail again, with the same Message-ID.
 *
 * A failing mail server never fails a command: commands only append events; the outbox is written by the
 * projection and mailed here later. A failed send records when to try again (`email_next_at`, exponential
 * backoff on the injected clock) and the relay (`createOutboxRelay`) hands the notification on again then.
 */
import { createHash } from 'node:crypto';
import { q, type NotificationRow } from '@ntm/projections';
import type { SqlClient } from '@ntm/sql';
import { recipientsOf } from './directory.js';
import type { Mailer } from './mailer.js';
import { renderNotification } from './templates.js';

export interface DeliveryOptions {
  sql: SqlClient;
  /** the read-model schema (the outbox lives there) */
  schema: string;
  mailer: Mailer;
  /** the web app's address, for links */
  baseUrl: string;
  now: () => Date;
  /** how long a claim holds before another delivery may retry it (a crashed sender); default 10 min */
  claimMs?: number;
  /** first retry delay after a failure, doubled each attempt up to an hour; default 30 s */
  retryMs?: number;
  /** older notifications are not mailed (a restored or replayed outbox); default 72 h */
  maxAgeMs?: number;
}

export interface DeliveryResult {
  /** mails accepted by the server in this call */
  sent: number;
  /** recipients already mailed (a duplicate delivery) or being mailed by another call */
  skipped: number;
  failed: number;
  /** the notification needs nothing more (all mailed, nobody to mail, or too old) */
  done: boolean;
}

const HOUR = 3_600_000;

/** A stable, Redis-safe id for a notification's delivery job (ids hold ':' which BullMQ forbids in job ids). */
export const deliveryJobId = (notificationId: string): string =>
  createHash('sha256').update(notificationId).digest('hex').slice(0, 40);

/** Mails one notification to every person of its inbox who has not had it yet. */
export async function deliverNotification(options: DeliveryOptions, id: string): Promise<DeliveryResult> {
  const { sql, mailer } = options;
  const s = q(options.schema);
  const now = options.now();
  const result: DeliveryResult = { sent: 0, skipped: 0, failed: 0, done: false };
  const found = await sql.query<NotificationRow & { email_done_at: string | null }>(
    `SELECT * FROM ${s}.notifications WHERE id = $1`,
    [id],
  );
  const notification = found.rows[0];
  if (!notification || notification.email_done_at !== null) return { ...result, done: true };

  if (now.getTime() - Date.parse(notification.created_at) > (options.maxAgeMs ?? 72 * HOUR)) {
    await markDone(sql, s, id, now);
    return { ...result, done: true };
  }
  const recipients = await recipientsOf(sql, options.schema, {
    role: notification.role,
    unitCode: notification.unit_code,
  });
  let attempts = 0;
  for (const recipient of recipients) {
    const claim = await sql.query<{ attempts: number }>(
      `INSERT INTO ${s}.notification_deliveries AS d (notification_id, user_id, state, attempts, claimed_until)
       VALUES ($1, $2, 'sending', 1, $3)
       ON CONFLICT (notification_id, user_id) DO UPDATE
         SET state = 'sending', attempts = d.attempts + 1, claimed_until = EXCLUDED.claimed_until
         WHERE d.state = 'failed' OR (d.state = 'sending' AND d.claimed_until < $4)
       RETURNING attempts`,
      [
        id,
        recipient.userId,
        new Date(now.getTime() + (options.claimMs ?? 600_000)).toISOString(),
        now.toISOString(),
      ],
    );
    if (claim.rows.length === 0) {
      result.skipped += 1;
      continue;
    }
    attempts = Math.max(attempts, claim.rows[0]!.attempts);
    const text = renderNotification(notification, recipient.locale, options.baseUrl);
    try {
      await mailer.send({
        to: recipient.email,
        subject: text.title,
        text: `${text.body}\n\n${text.link}\n`,
        messageId: `<${deliveryJobId(id)}.${deliveryJobId(recipient.userId)}@ntm.local>`,
      });
      await sql.query(
        `UPDATE ${s}.notification_deliveries SET state = 'sent', sent_at = $3, claimed_until = NULL, last_error = NULL
          WHERE notification_id = $1 AND user_id = $2`,
        [id, recipient.userId, options.now().toISOString()],
      );
      result.sent += 1;
    } catch (error) {
      // The server's reply or the socket error; the address and credentials are not in it.
      const message = error instanceof Error ? error.message.slice(0, 500) : 'send failed';
      await sql.query(
        `UPDATE ${s}.notification_deliveries SET state = 'failed', claimed_until = NULL, last_error = $3
          WHERE notification_id = $1 AND user_id = $2`,
        [id, recipient.userId, message],
      );
      result.failed += 1;
    }
  }
  if (result.failed > 0) {
    const delay = Math.min((options.retryMs ?? 30_000) * 2 ** Math.max(0, attempts - 1), HOUR);
    await sql.query(`UPDATE ${s}.notifications SET email_next_at = $2 WHERE id = $1`, [
      id,
      new Date(now.getTime() + delay).toISOString(),
    ]);
    return result;
  }
  // Someone else is still sending to a recipient: not done until their mark says so.
  const open = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${s}.notification_deliveries WHERE notification_id = $1 AND state <> 'sent'`,
    [id],
  );
  if (open.rows[0]!.n === 0) {
    await markDone(sql, s, id, now);
    result.done = true;
  }
  return result;
}

async function markDone(sql: SqlClient, s: string, id: string, now: Date): Promise<void> {
  await sql.query(`UPDATE ${s}.notifications SET email_done_at = $2, email_next_at = NULL WHERE id = $1`, [
    id,
    now.toISOString(),
  ]);
}

/** Notifications still to mail whose retry time has come, oldest first. */
export async function pendingNotifications(
  sql: SqlClient,
  schema: string,
  now: Date,
  limit = 500,
): Promise<string[]> {
  const { rows } = await sql.query<{ id: string }>(
    `SELECT id FROM ${q(schema)}.notifications
      WHERE email_done_at IS NULL AND (email_next_at IS NULL OR email_next_at <= $1)
      ORDER BY created_at, id LIMIT ${Math.floor(limit)}`,
    [now.toISOString()],
  );
  return rows.map((r) => r.id);
}

export interface OutboxRelay {
  /** Looks at the outbox now (after a catch-up wrote to it); runs coalesce. */
  kick(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Hands the pending notifications to `handle` (mail them in this process, or queue a delivery job per id) when
 * kicked and every `intervalMs`, so that a failed send is retried once its time has come and nothing written
 * while no relay ran is forgotten. One pass at a time; kicks during a pass run one more pass after it.
 */
export function createOutboxRelay(options: {
  sql: SqlClient;
  schema: string;
  now: () => Date;
  handle: (ids: string[]) => Promise<void>;
  /** default 30 s; 0: only when kicked */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}): OutboxRelay {
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const pass = async (): Promise<void> => {
    do {
      again = false;
      for (;;) {
        const ids = await pendingNotifications(options.sql, options.schema, options.now());
        if (ids.length === 0) break;
        await options.handle(ids);
        // What is left was handed on but not finished (a retry later, or a job in a queue): look again next pass.
        const left = await pendingNotifications(options.sql, options.schema, options.now());
        if (left.length === 0 || left.join() === ids.join()) break;
      }
    } while (again && !closed);
  };
  const kick = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = pass()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const interval = options.intervalMs ?? 30_000;
  const timer = interval > 0 ? setInterval(() => void kick(), interval) : undefined;
  timer?.unref();
  return {
    kick,
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

/** The embedded mode's relay: mails every pending notification in this process. */
export function createInProcessDelivery(
  options: DeliveryOptions & { intervalMs?: number; onError?: (error: unknown) => void },
): OutboxRelay {
  return createOutboxRelay({
    ...options,
    handle: async (ids) => {
      for (const id of ids) await deliverNotification(options, id);
    },
  });
}
