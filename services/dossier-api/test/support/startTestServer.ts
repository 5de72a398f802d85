/**
 * Starts the API in-process on a real port over the PostgreSQL store in its own schema, with a fixed clock and
 * an in-memory ES256 key pair, for the int/e2e tests. `close()` stops the server and drops the schema.
 */
import type { OpenedSigner } from '@ntm/signing';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemBlobStore, type BlobStore } from '@ntm/blob-store';
import type { FastifyInstance } from 'fastify';
import { openPostgresStore } from '@ntm/store-postgres';
import type { EventStore } from '@ntm/event-store';
import type { DomainActor } from '@ntm/domain';
import { createInlineProjector } from '@ntm/projections';
import { createTokenVerifier, LOCAL_AUDIENCE, LOCAL_ISSUER, signLocalToken } from '@ntm/auth';
import { createServer } from '../../src/app.js';
import { FixedClock } from '../../src/clock.js';
import { sendCommand, type CommandAnswer, type JourneyStep } from '@ntm/testing';
import type { SqlClient } from '@ntm/sql';
import type { DocumentLimits, InfrastructureOptions } from '../../src/plugins/infrastructure.js';
import { measureLag, type WakeUpQueuesOptions } from '@ntm/runtime';
import { openWakeUpQueues } from '@ntm/runtime/wakeUpQueues';
import { InlineLag } from '../../src/inlineLag.js';
import { ephemeralSigner, type AuditSigner } from '@ntm/audit';

export interface TestServer {
  url: string;
  server: FastifyInstance;
  clock: FixedClock;
  store: EventStore;
  sql: SqlClient;
  schema: string;
  /** schema of the read models (`<schema>_rm`) */
  readModelSchema: string;
  /** the documents' blob store: by default files under `blobRoot` (a temporary directory removed on close) */
  blobs: BlobStore;
  blobRoot: string;
  /** Events in the store, all streams (read from its table, so no reader lag can hide an append). */
  countEvents(): Promise<number>;
  /**
   * Sends a journey step as its actor, with the clock moved to the step's date. A 2xx answer moves `cursor` on
   * (the dossier id and its new ETag); the caller asserts the status.
   */
  sendStep(step: JourneyStep, cursor: JourneyCursor): Promise<CommandAnswer>;
  /** the ES256 key pair its tokens are signed with (shared by a second replica) */
  keys: TestKeys;
  /** A token for the actor, valid for `ttlSeconds` (default 8 h) from the clock's current time. */
  tokenFor(
    actor: DomainActor,
    options?: { ttlSeconds?: number; onBehalfOf?: DomainActor; audience?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

/** Where a client driving one dossier stands: its id (after the opening) and the ETag of its last answer. */
export interface JourneyCursor {
  dossierId?: string | undefined;
  etag?: string | undefined;
}

export interface TestKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface TestServerOptions {
  /** default postgres://postgres@127.0.0.1:5432/test or DATABASE_URL */
  connectionString?: string;
  /** schema name prefix; a random suffix keeps concurrent runs apart */
  schemaPrefix?: string;
  /** join another test server's schema and keys (a second API replica); its owner drops the schema */
  shareSchemaOf?: TestServer;
  /** the port to listen on (default any free one) */
  port?: number;
  /** token issuers accepted besides the local one (an embedded OIDC provider) */
  extraIssuers?: string[];
  /** registers more on the server before it listens (the web app): the key pair tokens are signed with, the database */
  extend?: (
    server: FastifyInstance,
    context: { keys: TestKeys; sql: SqlClient; schema: string; clock: FixedClock },
  ) => Promise<void>;
  now: Date;
  rateLimitMax?: number;
  domainContext?: InfrastructureOptions['domainContext'];
  /** run the projections in-process after each append (default true, false with `redis`) */
  inlineProjections?: boolean;
  /** `REDIS_URL` mode: the projector's queues (use a prefix of the test's own); the lag is the dispatcher's */
  redis?: WakeUpQueuesOptions;
  /** a static token for `/metrics` */
  metricsToken?: string;
  documentLimits?: DocumentLimits;
  /**
   * the documents' blob store, made with the temporary `blobRoot` (its spool directory, for an S3 store); default a
   * filesystem store under it
   */
  blobStore?: (blobRoot: string) => BlobStore | Promise<BlobStore>;
  /** signs audit bundles; default a fresh in-memory key valid from 2000 */
  auditSigner?: AuditSigner;
  /** signs decision.pdf (ADR 0017); default none: documents are served unsigned */
  documentSigner?: OpenedSigner;
  /** run the in-process deadline timers (the deployment without Redis); default off */
  deadlineTimers?: boolean;
  /** with `deadlineTimers`, the reminders this many working days before each due day (default none) */
  reminderDays?: number[];
  /** CALENDAR_WARN_DAYS */
  calendarWarnDays?: number;
}

export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const connectionString =
    options.connectionString ?? process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema =
    options.shareSchemaOf?.schema ??
    `${options.schemaPrefix ?? 'api_test'}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const owner = options.shareSchemaOf === undefined;
  const clock = new FixedClock(options.now);
  const keys: TestKeys =
    options.shareSchemaOf?.keys ?? generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const { privateKey, publicKey } = keys;
  const readModelSchema = `${schema}_rm`;
  const opened = await openPostgresStore({ connectionString, schema });
  const projector =
    (options.inlineProjections ?? options.redis === undefined) === false
      ? undefined
      : await createInlineProjector(opened.store, opened.sql, { schema: readModelSchema });
  const wakeUps = options.redis ? openWakeUpQueues(options.redis) : undefined;
  const inlineLag = new InlineLag();
  const metricsToken = options.metricsToken === undefined ? {} : { metricsToken: options.metricsToken };
  const blobRoot = await mkdtemp(join(tmpdir(), 'ntm-api-blobs-'));
  const blobs = (await options.blobStore?.(blobRoot)) ?? new FilesystemBlobStore({ root: blobRoot });
  const server = await createServer({
    blobs,
    ...(options.documentLimits ? { documentLimits: options.documentLimits } : {}),
    store: opened.store,
    sql: opened.sql,
    sqlSchema: schema,
    readModelSchema,
    clock,
    verifyToken: createTokenVerifier({
      keys: { publicKey },
      issuer: [LOCAL_ISSUER, ...(options.extraIssuers ?? [])],
      audience: LOCAL_AUDIENCE,
      now: () => clock.now(),
    }),
    corsOrigins: [],
    rateLimitMax: options.rateLimitMax ?? 100_000,
    logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    ...(options.domainContext ? { domainContext: options.domainContext } : {}),
    auditSigner: options.auditSigner ?? (await ephemeralSigner(new Date('2000-01-01T00:00:00Z'))),
    documentSigner: options.documentSigner,
    ...(options.deadlineTimers
      ? {
          deadlineTimers: {
            reconcileIntervalMs: 0,
            ...(options.reminderDays ? { reminders: { days: options.reminderDays } } : {}),
          },
        }
      : {}),
    ...(options.calendarWarnDays === undefined ? {} : { calendarWarnDays: options.calendarWarnDays }),
    ...(projector
      ? {
          onAppended: async (n) => {
            const done = inlineLag.begin(n.position);
            await projector.onAppended(n.streamId, n.revision, n.events).finally(done);
          },
        }
      : {}),
    operations: wakeUps
      ? {
          projectionLag: () => measureLag(opened.store, opened.sql, readModelSchema, () => new Date()),
          requeue: (streamId) => wakeUps.wake(opened.store, streamId),
          queues: wakeUps.queues,
          ...metricsToken,
        }
      : {
          projectionLag: () => inlineLag.measure(opened.store, opened.sql, readModelSchema),
          requeue: async (streamId) => {
            await projector?.onAppended(streamId);
          },
          ...metricsToken,
        },
  });
  await options.extend?.(server, { keys, sql: opened.sql, schema, clock });
  const address = await server.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const tokenFor: TestServer['tokenFor'] = (actor, opts = {}) =>
    signLocalToken({
      privateKey,
      actor,
      onBehalfOf: opts.onBehalfOf,
      issuer: LOCAL_ISSUER,
      audience: opts.audience ?? LOCAL_AUDIENCE,
      ttlSeconds: opts.ttlSeconds ?? 8 * 3600,
      now: clock.now(),
    });
  return {
    url: address,
    server,
    clock,
    store: opened.store,
    sql: opened.sql,
    schema,
    readModelSchema,
    blobs,
    blobRoot,
    keys,
    countEvents: async () =>
      (await opened.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".events`)).rows[0]!.n,
    tokenFor,
    async sendStep(step, cursor) {
      clock.set(new Date(step.ctx.now));
      const answer = await sendCommand({
        baseUrl: address,
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
    close: async () => {
      await server.close();
      await wakeUps?.close();
      try {
        if (owner) {
          await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await opened.sql.query(`DROP SCHEMA IF EXISTS "${readModelSchema}" CASCADE`);
        }
      } finally {
        await opened.close();
        await rm(blobRoot, { recursive: true, force: true });
      }
    },
  };
}
