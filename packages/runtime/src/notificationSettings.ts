/** The notifications' settings as configured (ADR 0024): SMTP (when SMTP_HOST is set), retries, reminders. */
import type { SmtpSettings } from '@ntm/notifications';
import type { Config } from './config.js';

export interface NotificationSettings {
  /** absent: no mail is sent (in-app notifications still are) */
  smtp?: SmtpSettings;
  retryMs: number;
  relayMs: number;
  maxAgeMs: number;
  /** working days before a due day, largest first */
  reminderDays: number[];
  queueName: string;
  /** the web app's address, for the links in mails */
  baseUrl: string;
}

export function notificationSettings(config: Config): NotificationSettings {
  return {
    ...(config.SMTP_HOST
      ? {
          smtp: {
            host: config.SMTP_HOST,
            port: config.SMTP_PORT,
            secure: config.SMTP_SECURE,
            user: config.SMTP_USER,
            password: config.SMTP_PASSWORD,
            from: config.MAIL_FROM,
          },
        }
      : {}),
    retryMs: config.NOTIFY_RETRY_SECONDS * 1000,
    relayMs: config.NOTIFY_RELAY_SECONDS * 1000,
    maxAgeMs: config.NOTIFY_EMAIL_MAX_AGE_HOURS * 3_600_000,
    reminderDays: config.NOTIFY_REMINDER_DAYS,
    queueName: config.NOTIFY_QUEUE,
    baseUrl: (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, ''),
  };
}
