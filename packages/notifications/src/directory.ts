/**
 * The recipient directory: who receives an inbox's mail, and in which language. Personal data (an email address)
 * lives here and only here, never in the log or the outbox, so that erasing a person is one `DELETE`
 * (`eraseRecipient`). Each user keeps their own entry (`PUT /me/notification-settings`) for the role and unit
 * their token speaks for.
 */
import { q } from '@ntm/projections';
import type { SqlClient } from '@ntm/sql';
import type { Locale } from './templates.js';

export interface Recipient {
  userId: string;
  role: string;
  unitCode: string;
  email: string;
  locale: Locale;
}

interface RecipientRow {
  user_id: string;
  role: string;
  unit_code: string;
  email: string;
  locale: Locale;
}

const fromRow = (r: RecipientRow): Recipient => ({
  userId: r.user_id,
  role: r.role,
  unitCode: r.unit_code,
  email: r.email,
  locale: r.locale,
});

/** Creates or replaces a user's entry. */
export async function setRecipient(
  sql: SqlClient,
  schema: string,
  recipient: Recipient,
  at: string,
): Promise<void> {
  await sql.query(
    `INSERT INTO ${q(schema)}.notification_recipients (user_id, role, unit_code, email, locale, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (user_id) DO UPDATE SET role = EXCLUDED.role, unit_code = EXCLUDED.unit_code,
       email = EXCLUDED.email, locale = EXCLUDED.locale, updated_at = EXCLUDED.updated_at`,
    [recipient.userId, recipient.role, recipient.unitCode, recipient.email, recipient.locale, at],
  );
}

export async function getRecipient(
  sql: SqlClient,
  schema: string,
  userId: string,
): Promise<Recipient | null> {
  const { rows } = await sql.query<RecipientRow>(
    `SELECT user_id, role, unit_code, email, locale FROM ${q(schema)}.notification_recipients WHERE user_id = $1`,
    [userId],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Erases a user's entry (right to erasure); the mails already sent are recorded by user id only. */
export async function eraseRecipient(sql: SqlClient, schema: string, userId: string): Promise<boolean> {
  const { rows } = await sql.query<{ user_id: string }>(
    `DELETE FROM ${q(schema)}.notification_recipients WHERE user_id = $1 RETURNING user_id`,
    [userId],
  );
  return rows.length > 0;
}

/** Everyone who receives the mail of an inbox. */
export async function recipientsOf(
  sql: SqlClient,
  schema: string,
  inbox: { role: string; unitCode: string },
): Promise<Recipient[]> {
  const { rows } = await sql.query<RecipientRow>(
    `SELECT user_id, role, unit_code, email, locale FROM ${q(schema)}.notification_recipients
      WHERE role = $1 AND unit_code = $2 ORDER BY user_id`,
    [inbox.role, inbox.unitCode],
  );
  return rows.map(fromRow);
}
