/**
 * Starts the API and the web app on one real port over PostgreSQL in a schema of its own, with a fixed clock, an
 * in-memory ES256 key pair (the embedded OIDC provider signs with it, the API verifies with it) and the given
 * accounts on the provider. `close()` stops the server and drops the schemas.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { openPostgresStore } from '@ntm/store-postgres';
import { createInlineProjector } from '@ntm/projections';
import { createTokenVerifier, LOCAL_AUDIENCE, LOCAL_ISSUER, signLocalToken } from '@ntm/auth';
import { createServer, FixedClock, InlineLag } from '@ntm/dossier-api';
import type { DomainActor } from '@ntm/domain';
import { sendCommand, type CommandAnswer, type JourneyStep } from '@ntm/testing';
import { registerWeb } from '../../src/webApp.js';
import {
  API_SCOPE,
  createEmbeddedProvider,
  EMBEDDED_CLIENT_ID,
  embeddedIssuer,
} from '../../src/embeddedProvider.js';
import type { DemoAccount } from '../../src/demoAccounts.js';

export interface WebServer {
  url: string;
  server: FastifyInstance;
  clock: FixedClock;
  accounts: DemoAccount[];
  /** an API token for an actor, for seeding dossiers the way another client would */
  tokenFor(actor: DomainActor): Promise<string>;
  /** Sends a journey step through the API as its actor, with the clock at the step's date. */
  sendStep(step: JourneyStep, cursor: { dossierId?: string; etag?: string }): Promise<CommandAnswer>;
  close(): Promise<void>;
}

/** A free port on the loopback interface (the issuer URL must be known before the server is built). */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startWebServer(options: { now: Date; accounts: DemoAccount[] }): Promise<WebServer> {
  const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `web_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const readModelSchema = `${schema}_rm`;
  const clock = new FixedClock(options.now);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const opened = await openPostgresStore({ connectionString, schema });
  const projector = await createInlineProjector(opened.store, opened.sql, { schema: readModelSchema });
  const inlineLag = new InlineLag();
  const server = await createServer({
    store: opened.store,
    sql: opened.sql,
    sqlSchema: schema,
    readModelSchema,
    clock,
    verifyToken: createTokenVerifier({
      keys: { publicKey },
      issuer: [LOCAL_ISSUER, embeddedIssuer(publicUrl)],
      audience: LOCAL_AUDIENCE,
      now: () => clock.now(),
    }),
    corsOrigins: [],
    rateLimitMax: 100_000,
    logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    // Projected before the command answers: a page read after a command shows it.
    onAppended: async (n) => {
      const done = inlineLag.begin(n.position);
      await projector.onAppended(n.streamId, n.revision).finally(done);
    },
    operations: {
      projectionLag: () => inlineLag.measure(opened.store, opened.sql, readModelSchema),
      requeue: async (streamId) => {
        await projector.onAppended(streamId);
      },
    },
  });
  const clientSecret = randomBytes(24).toString('base64url');
  const sessionSecret = randomBytes(32).toString('base64url');
  const provider = await createEmbeddedProvider({
    publicUrl,
    signingKey: privateKey,
    clientSecret,
    cookieKeys: [sessionSecret],
    accounts: options.accounts,
  });
  await registerWeb(server, {
    publicUrl,
    now: () => clock.now(),
    sessionSecret,
    identity: {
      issuer: embeddedIssuer(publicUrl),
      clientId: EMBEDDED_CLIENT_ID,
      clientSecret,
      redirectUri: `${publicUrl}/auth/callback`,
      scope: `openid ${API_SCOPE}`,
      extraParams: { prompt: 'login' },
      idTokenAlg: 'ES256',
      allowHttp: true,
      roleClaim: 'role',
      unitClaim: 'unit',
    },
    embedded: { provider, accounts: options.accounts },
  });
  await server.listen({ port, host: '127.0.0.1' });
  const tokenFor = (actor: DomainActor) =>
    signLocalToken({ privateKey, actor, now: clock.now(), ttlSeconds: 8 * 3600 });
  return {
    url: publicUrl,
    server,
    clock,
    accounts: options.accounts,
    tokenFor,
    async sendStep(step, cursor) {
      clock.set(new Date(step.ctx.now));
      const answer = await sendCommand({
        baseUrl: publicUrl,
        token: await tokenFor(step.ctx.actor),
        command: step.command,
        dossierId: cursor.dossierId,
        etag: cursor.etag,
      });
      if (answer.status < 300) {
        cursor.dossierId = answer.body['dossierId'] as string;
        cursor.etag = answer.etag ?? undefined;
      }
      return answer;
    },
    async close() {
      await server.close();
      try {
        await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await opened.sql.query(`DROP SCHEMA IF EXISTS "${readModelSchema}" CASCADE`);
      } finally {
        await opened.close();
      }
    },
  };
}
