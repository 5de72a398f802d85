/**
 * Sending mail: the `Mailer` port and its SMTP adapter (nodemailer). The SMTP password reaches nodemailer only;
 * nodemailer's own logger is off, so neither it nor the server's replies with credentials reach the logs.
 */
import type { Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** deterministic (`<notification.user@ntm>`), so that a mail sent twice after a crash is recognisably the same */
  messageId: string;
}

export interface Mailer {
  /** Resolves once the server accepted the message; rejects otherwise (the delivery is retried later). */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it */
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
  from: string;
  /** ms to wait for the server; default 10000 */
  timeoutMs?: number;
  /** accept a self-signed certificate (tests, a local relay); default false */
  allowSelfSigned?: boolean;
}

export function createSmtpMailer(settings: SmtpSettings): Mailer {
  const timeout = settings.timeoutMs ?? 10_000;
  // nodemailer is loaded with the first mail, not with every process that can send one (the embedded default
  // starts without it).
  let transport: Promise<Transporter> | undefined;
  let opened: Transporter | undefined;
  let closed = false;
  const open = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) => {
      opened = nodemailer.createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
        logger: false,
        debug: false,
        tls: { rejectUnauthorized: !settings.allowSelfSigned },
      });
      if (closed) opened.close();
      return opened;
    }));
  return {
    async send(message) {
      await (
        await open()
      ).sendMail({
        from: settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: message.messageId,
      });
    },
    close() {
      closed = true;
      opened?.close();
    },
  };
}
