/** A real SMTP server (smtp-server) for the tests, on a port of its own, started and stopped at will. */
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  messageId: string;
  raw: string;
}

/** A real SMTP server on a fixed port, started and stopped by the test; it records what it accepted. */
export function smtpServer(port: number) {
  const received: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  return {
    received,
    async start() {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onData(stream, session, callback) {
          let raw = '';
          stream.setEncoding('utf8');
          stream.on('data', (chunk: string) => (raw += chunk));
          stream.on('end', () => {
            const messageId = /^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? '';
            received.push({ to: session.envelope.rcptTo.map((r) => r.address), messageId, raw });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    },
  };
}
