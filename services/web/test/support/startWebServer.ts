/**
 * The API's test server (`startTestServer`: PostgreSQL in a schema of its own, a fixed clock, an in-memory ES256
 * key pair) with the web app and the embedded OIDC provider registered on it, on a port known before the server
 * is built (the issuer URL holds it). `close()` stops the server and drops the schemas.
 */
import { randomBytes } from 'node:crypto';
import { freePort } from '@ntm/testing';
import {
  startTestServer,
  type TestServer,
  type TestServerOptions,
} from '../../../dossier-api/test/support/startTestServer.js';
import { embeddedWebOptions } from '../../src/extension.js';
import { embeddedIssuer } from '../../src/embeddedProvider.js';
import type { DemoAccount } from '../../src/demoAccounts.js';
import { registerWeb } from '../../src/webApp.js';
import {
  redisSessionRecords,
  sessionStore,
  sqlSessionRecords,
  type SessionRecords,
} from '../../src/sessionStore.js';

export interface WebServer extends TestServer {
  /** where the browser goes: this server, or the shared public address of the replicas */
  url: string;
  /** where this server itself listens */
  address: string;
  /** signs the session cookie (a replica signs with the same) */
  sessionSecret: string;
  accounts: DemoAccount[];
}

export interface WebServerOptions {
  now: Date;
  accounts: DemoAccount[];
  /** a second replica behind the same public address: shares the first's schema, keys and session secret */
  replicaOf?: WebServer;
  /** sessions in the process's memory (default), in the test's schema, or in Redis under a key prefix */
  sessions?: { sql: true } | { redisUrl: string; prefix: string };
  api?: Omit<TestServerOptions, 'now' | 'port' | 'extraIssuers' | 'extend' | 'shareSchemaOf'>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const port = await freePort();
  const publicUrl = options.replicaOf?.url ?? `http://127.0.0.1:${port}`;
  const sessionSecret = options.replicaOf?.sessionSecret ?? randomBytes(32).toString('base64url');
  let records: SessionRecords | undefined;
  const api = await startTestServer({
    schemaPrefix: 'web_test',
    ...options.api,
    now: options.now,
    port,
    ...(options.replicaOf ? { shareSchemaOf: options.replicaOf } : {}),
    extraIssuers: [embeddedIssuer(publicUrl)],
    extend: async (server, { keys, sql, schema, clock }) => {
      const web = embeddedWebOptions({
        publicUrl,
        now: () => clock.now(),
        sessionSecret,
        signingKey: keys.privateKey,
        accounts: options.accounts,
      });
      const sessions = options.sessions;
      const wallClock = () => new Date();
      records =
        sessions === undefined
          ? undefined
          : 'redisUrl' in sessions
            ? await redisSessionRecords(sessions.redisUrl, sessions.prefix, wallClock)
            : await sqlSessionRecords(sql, schema, wallClock);
      await registerWeb(server, {
        ...web,
        ...(records ? { sessionStore: sessionStore(records, wallClock) } : {}),
      });
    },
  });
  return {
    ...api,
    url: publicUrl,
    address: api.url,
    accounts: options.accounts,
    sessionSecret,
    async close() {
      await api.close();
      await records?.close();
    },
  };
}
