/**
 * The one way every process opens its stores: the event store the configuration asks for, and the SQL database
 * beside it (the API's idempotency table, the read models, the projector's positions). EventStoreDB keeps its
 * events in the cluster and its SQL tables in DATABASE_URL, or in the embedded database when none is given.
 * The API, the dispatcher, the workers and the rebuild command all call `openInfrastructure`, so none of them
 * can open another store than the one configured.
 */
import { join } from 'node:path';
import type { EventStore } from '@ntm/event-store';
import { FilesystemBlobStore, openS3BlobStore, type BlobStore } from '@ntm/blob-store';
import type { SqlClient } from '@ntm/sql';
import { openPostgresStore } from '@ntm/store-postgres';
import { openEmbeddedStore } from '@ntm/store-embedded';
import {
  createTokenVerifier,
  ensureLocalKeyPair,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  type TokenVerifier,
} from '@ntm/auth';
import { embeddedFolder, type Config } from './config.js';

export type StoreMode = 'embedded' | 'postgres' | 'eventstoredb';

export interface Infrastructure {
  mode: StoreMode;
  store: EventStore;
  /** the SQL database beside the events: idempotency table, read models, dispatcher positions */
  sql: SqlClient;
  /** schema of the SQL store's own tables in `sql` */
  sqlSchema: string;
  /** schema of the projections' read models in `sql` */
  readModelSchema: string;
  /** documents' bytes (ADR 0013) */
  blobs: BlobStore;
  /** closes the store, then the SQL database */
  close(): Promise<void>;
}

/** Schema of the embedded store's events and of the API's own tables in embedded mode. */
const EMBEDDED_SCHEMA = 'event_store';

/** Where the events live, from what is configured: EventStoreDB first, then PostgreSQL, else embedded. */
export function storeModeOf(config: Config): StoreMode {
  if (config.EVENTSTORE_CONNECTION_STRING) return 'eventstoredb';
  return config.DATABASE_URL ? 'postgres' : 'embedded';
}

/** How a process's PostgreSQL sessions are named and what it does when one is lost (it reconnects by itself). */
export interface ConnectionOptions {
  /** `application_name` of every session, so an operator (or a fault test) can tell the processes apart */
  applicationName?: string;
  /** told of each lost connection; the pools replace it, so a log line is all that is needed */
  onConnectionError?: (error: Error) => void;
}

async function openSql(config: Config, connection: ConnectionOptions) {
  return config.DATABASE_URL
    ? {
        ...(await openPostgresStore({
          connectionString: config.DATABASE_URL,
          schema: config.DATABASE_SCHEMA,
          maxConnections: config.DATABASE_POOL_SIZE,
          notifyIntervalMs: config.TAIL_INTERVAL_MS,
          ...connection,
        })),
        schema: config.DATABASE_SCHEMA,
      }
    : {
        ...(await openEmbeddedStore({ dataDir: embeddedFolder(config), schema: EMBEDDED_SCHEMA })),
        schema: EMBEDDED_SCHEMA,
      };
}

/** Opens the configured event store and the SQL database beside it. */
export async function openInfrastructure(
  config: Config,
  connection: ConnectionOptions = {},
): Promise<Infrastructure> {
  const mode = storeModeOf(config);
  const base = await openSql(config, connection);
  const blobs = await openBlobStore(config);
  const common = { sql: base.sql, sqlSchema: base.schema, readModelSchema: config.READ_MODEL_SCHEMA, blobs };
  const closeBase = async () => {
    await blobs.close();
    await base.close();
  };
  if (mode !== 'eventstoredb') return { mode, store: base.store, ...common, close: closeBase };
  let esdb;
  try {
    // Loaded only when configured: the gRPC client costs the embedded default's start time and memory (ADR 0029).
    const { openEventStoreDb } = await import('@ntm/store-eventstoredb');
    esdb = openEventStoreDb({ connectionString: config.EVENTSTORE_CONNECTION_STRING! });
  } catch (error) {
    await closeBase();
    throw error;
  }
  return {
    mode,
    store: esdb,
    ...common,
    close: async () => {
      await esdb.close();
      await closeBase();
    },
  };
}

/** The blob store the configuration asks for: files under BLOB_DIR (default), or an S3-compatible bucket. */
export async function openBlobStore(config: Config): Promise<BlobStore> {
  const dir = config.BLOB_DIR ?? join(config.DATA_DIR, 'blobs');
  if (config.BLOB_STORE === 'fs') return new FilesystemBlobStore({ root: dir });
  return openS3BlobStore({
    bucket: config.S3_BUCKET!,
    prefix: config.S3_PREFIX,
    // Uploads are staged on local disk until hashed: the key is the hash.
    spoolDir: join(dir, 'spool'),
    client: {
      region: config.S3_REGION,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
      ...(config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
        ? {
            credentials: {
              accessKeyId: config.S3_ACCESS_KEY_ID,
              secretAccessKey: config.S3_SECRET_ACCESS_KEY,
            },
          }
        : {}),
    },
  });
}

/** Token verification as configured: JWKS URL, a public key, or the local development key pair. */
export async function openVerifier(
  config: Config,
  /** more issuers that sign with the local key pair (the web app's embedded OIDC provider); local mode only */
  localIssuers: string[] = [],
): Promise<{ verifyToken: TokenVerifier; local: boolean }> {
  if (config.JWKS_URL || config.JWT_PUBLIC_KEY) {
    const keys = config.JWKS_URL ? { jwksUrl: config.JWKS_URL } : { publicKey: config.JWT_PUBLIC_KEY! };
    return {
      verifyToken: createTokenVerifier({
        keys,
        issuer: config.JWT_ISSUER!,
        audience: config.JWT_AUDIENCE!,
        cacheSize: config.AUTH_TOKEN_CACHE_SIZE,
      }),
      local: false,
    };
  }
  const pair = await ensureLocalKeyPair(localKeyDir(config));
  return {
    verifyToken: createTokenVerifier({
      keys: { publicKey: pair.publicKey },
      issuer: [config.JWT_ISSUER ?? LOCAL_ISSUER, ...localIssuers],
      audience: config.JWT_AUDIENCE ?? LOCAL_AUDIENCE,
      cacheSize: config.AUTH_TOKEN_CACHE_SIZE,
    }),
    local: true,
  };
}

/** Where the local development key pair lives. */
export const localKeyDir = (config: Config): string => join(config.DATA_DIR, 'keys');
