/**
 * The environment of every process (the API, the projector's dispatcher and workers, the rebuild command), as one
 * zod schema validated once at the edge. What runs follows from what is configured, never from NODE_ENV: events
 * in EventStoreDB with EVENTSTORE_CONNECTION_STRING, in PostgreSQL with DATABASE_URL, else in the embedded PGlite
 * store under DATA_DIR; token keys from a JWKS URL or a public key (both need issuer and audience), else the local
 * development key pair under DATA_DIR/keys. A process reads only the settings it needs; the projector's processes
 * also need `requireProjectorSettings`.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_PARTITIONS } from './wakeUps.js';

const optional = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const sqlIdentifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier');
const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const ConfigSchema = z
  .object({
    /** the API's HTTP server */
    PORT: int(0, 65535, 3000),
    HOST: z.string().trim().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    DATABASE_URL: optional,
    /**
     * the embedded store's WebAssembly (PGlite) tiered up to V8's optimising compiler (ADR 0049). `off`: it stays on
     * the baseline compiler, about 40 % less CPU and 60 MB less memory to a start, some percent slower statements
     * later; `on`: V8's default. Only `pnpm start`'s entry applies it, before PGlite compiles its module.
     */
    EMBEDDED_WASM_TIER_UP: z.enum(['on', 'off']).default('off'),
    /** PostgreSQL connections of the process: at least the number of requests served at once */
    DATABASE_POOL_SIZE: int(1, 200, 20),
    DATABASE_SCHEMA: sqlIdentifier.default('public'),
    /** schema of the projections' read models, shared by the API and the projector */
    READ_MODEL_SCHEMA: sqlIdentifier.default('read_models'),
    EVENTSTORE_CONNECTION_STRING: optional,
    REDIS_URL: optional,
    /** the projector's wake-up queues (REDIS_URL mode): names, partitions and Redis key prefix */
    QUEUE_PREFIX: z.string().trim().min(1).default('ntm-projections'),
    PARTITIONS: int(1, 256, DEFAULT_PARTITIONS),
    BULLMQ_PREFIX: z.string().trim().min(1).default('bull'),
    /** a static bearer token that may read /metrics only (a Prometheus scraper); administrators always may */
    METRICS_TOKEN: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v))
      .pipe(z.string().min(32, 'at least 32 characters').optional())
      .optional(),
    /**
     * the dispatcher's operator server (metrics, parked streams, queue dashboard). Loopback by default: its routes
     * need an administrator token anyway, and an operator who wants it on the network says so.
     */
    METRICS_PORT: int(0, 65535, 9464),
    METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
    /**
     * where a projection worker serves its `/metrics` (on METRICS_HOST); unset: no server. Not defaulted, so that
     * any number of workers start side by side on one host; a deployment gives each its port (9465 by convention)
     */
    WORKER_METRICS_PORT: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : Number(v)))
      .pipe(z.number().int().min(0).max(65535).optional())
      .optional(),
    /** jobs in flight per queue in a worker: what a batch of catch-ups is gathered from */
    WORKER_CONCURRENCY: int(1, 256, 16),
    /** how long a job's lock lasts without renewal; a dead worker's job is taken again after it */
    WORKER_LOCK_MS: int(200, 600_000, 30_000),
    /** least time between two reads of the log's tail (a longer one makes fewer, larger jobs) */
    TAIL_INTERVAL_MS: int(1, 1000, 10),
    JWKS_URL: z.url().optional(),
    JWT_PUBLIC_KEY: optional,
    JWT_ISSUER: optional,
    JWT_AUDIENCE: optional,
    /**
     * verified tokens remembered per process (ADR 0068): enough for every token in use within five minutes, or
     * each request of the ones evicted pays an ES256 check; about 1 KB a token; 0 turns the cache off
     */
    AUTH_TOKEN_CACHE_SIZE: int(0, 1_000_000, 10_000),
    /** comma-separated origins; empty = no cross-origin access */
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    /**
     * the deadline timers (ADR 0025): `on` runs them where they belong (the projector's dispatcher schedules and
     * its workers fire with REDIS_URL; the API process without it), `off` not in this process
     */
    DEADLINE_TIMERS: z.enum(['on', 'off']).default('on'),
    /** the BullMQ queue of the deadline timers (REDIS_URL mode) */
    DEADLINE_QUEUE: z.string().trim().min(1).default('ntm-deadlines'),
    /** seconds between re-derivations of every pending deadline timer from the read model; 0 = only at start */
    DEADLINE_RECONCILE_SECONDS: int(0, 86_400, 900),
    /**
     * the dispatchers' lease (ADR 0030): one leads, the others stand by; a dead leader is replaced within this,
     * a leader that shuts down cleanly at once
     */
    DISPATCHER_LEASE_MS: int(300, 600_000, 5000),
    /**
     * deadline timers fired at once per worker process (REDIS_URL mode): the firings' reads go out batched, so a
     * burst (every deadline of a day is due at 00:00) gains from many in flight (docs/benchmarks.md, bench:clocks)
     */
    DEADLINE_CONCURRENCY: int(1, 1024, 128),
    /**
     * timers per due day (ADR 0039): each fires the day's deadlines of its share of the dossiers, so that the
     * worker processes share the burst of 00:00; 1 = one timer fires the whole day in one process
     */
    DEADLINE_DAY_SHARDS: int(1, 64, 1),
    /**
     * seconds before a due day's instant its timer fires, so that the worker reads the day's dossiers and decides
     * their deadlines ahead, and only the appends are left at the instant (ADR 0040); 0 = all at the instant
     */
    DEADLINE_PREPARE_SECONDS: int(0, 600, 30),
    /** requests per minute per client address */
    RATE_LIMIT_MAX: z.coerce.number().int().positive().default(1200),
    /** where document files are kept: `fs` (the embedded default, under BLOB_DIR) or `s3` (S3-compatible storage) */
    BLOB_STORE: z.enum(['fs', 's3']).default('fs'),
    /** the filesystem blob store's directory; default `${DATA_DIR}/blobs` */
    BLOB_DIR: optional,
    S3_BUCKET: optional,
    /** e.g. http://minio:9000; absent: AWS's endpoint for S3_REGION */
    S3_ENDPOINT: z.url().optional(),
    S3_REGION: z.string().trim().min(1).default('us-east-1'),
    /** key prefix of the blobs in the bucket */
    S3_PREFIX: z.string().trim().default('blobs/'),
    /** path-style URLs (bucket in the path), which MinIO, Ceph and most self-hosted servers need */
    S3_FORCE_PATH_STYLE: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** absent: the AWS SDK's default credential chain (environment, instance or container role) */
    S3_ACCESS_KEY_ID: optional,
    S3_SECRET_ACCESS_KEY: optional,
    /** largest document file accepted, in bytes (default 50 MiB) */
    DOCUMENT_MAX_FILE_BYTES: int(1, Number.MAX_SAFE_INTEGER, 50 * 1024 * 1024),
    /** largest total of all file versions of one dossier, in bytes (default 500 MiB) */
    DOCUMENT_MAX_DOSSIER_BYTES: int(1, Number.MAX_SAFE_INTEGER, 500 * 1024 * 1024),
    /**
     * who signs generated decisions (ADR 0017): `dev` a development CA and key generated once under DATA_DIR/keys,
     * `remote` an HTTP signing service (SIGNER_REMOTE_URL, SIGNER_REMOTE_TOKEN), `none` documents stay unsigned
     */
    SIGNER: z.enum(['dev', 'remote', 'none']).default('dev'),
    SIGNER_REMOTE_URL: z.url().optional(),
    /** the bearer credential of the remote signing service; never logged */
    SIGNER_REMOTE_TOKEN: optional,
    SIGNER_REMOTE_TIMEOUT_MS: int(100, 120_000, 10_000),
    /** PEM file of the certificates signatures must chain to (the Government Cipher Committee's CAs in production) */
    SIGNER_TRUST_ANCHORS: optional,
    /**
     * the audit signing key (Ed25519, signs audit bundles and log checkpoints): a private JWK with its `kid`, as
     * JSON text or in a file (not both), with the instant it started signing; without them a local key ring is
     * generated under DATA_DIR/audit-keys (the embedded default)
     */
    AUDIT_SIGNING_KEY: optional,
    AUDIT_SIGNING_KEY_FILE: optional,
    AUDIT_SIGNING_KEY_VALID_FROM: z.iso.datetime({ offset: true }).optional(),
    /** older public keys to keep publishing after a rotation (a PublishedKeys JSON file) */
    AUDIT_PUBLISHED_KEYS_FILE: optional,
    /** the local key ring rotates its key after this many days (0: never); old keys stay published */
    AUDIT_KEY_ROTATE_DAYS: int(0, 3650, 365),
    /**
     * seconds between looks of the automatic checkpointer (one lease holder among the replicas signs a checkpoint
     * when one is due, below); 0 turns automatic checkpoints off. Each look hashes what was appended since the one
     * before: looking often spreads that work thin (ADR 0067); the lease lasts three looks.
     */
    AUDIT_CHECKPOINT_SECONDS: int(0, 86_400, 1),
    /** a checkpoint once this many events are past the last one; 0: never by count */
    AUDIT_CHECKPOINT_EVERY_EVENTS: int(0, 10_000_000, 10_000),
    /** a checkpoint once the last one is this many minutes old and the log has moved; 0: never by time */
    AUDIT_CHECKPOINT_EVERY_MINUTES: int(0, 10_080, 5),
    /** seconds between runs of the continuous verifier (reads the whole log); 0 turns it off */
    AUDIT_VERIFY_SECONDS: int(0, 86_400, 600),
    /**
     * Notifications by email (ADR 0024): the SMTP server; without SMTP_HOST no mail is sent (in-app notifications
     * still are). SMTP_PASSWORD is handed to nodemailer only, never logged.
     */
    SMTP_HOST: optional,
    SMTP_PORT: int(1, 65535, 587),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it */
    SMTP_SECURE: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    SMTP_USER: optional,
    SMTP_PASSWORD: optional,
    MAIL_FROM: z.string().trim().min(3).default('Nông thôn mới <no-reply@localhost>'),
    /** first retry after a failed send, doubled per attempt up to an hour */
    NOTIFY_RETRY_SECONDS: int(1, 3600, 30),
    /** how often the outbox is looked at besides after each projection (retries, a restart) */
    NOTIFY_RELAY_SECONDS: int(1, 3600, 30),
    /** notifications older than this are not mailed (a restored or replayed outbox) */
    NOTIFY_EMAIL_MAX_AGE_HOURS: int(1, 8760, 72),
    /** reminders this many working days before a deadline's due day (comma-separated; empty: none) */
    NOTIFY_REMINDER_DAYS: z
      .string()
      .default('2')
      .transform((v) =>
        v
          .split(',')
          .map((d) => d.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z
            .string()
            .regex(/^\d{1,2}$/, 'working days')
            .transform(Number)
            .pipe(z.number().int().min(1).max(60)),
        ),
      )
      .transform((days) => [...new Set(days)].sort((a, b) => b - a)),
    /** the delivery and reminder queues' prefix (REDIS_URL mode) */
    NOTIFY_QUEUE: z.string().trim().min(1).default('ntm-notifications'),
    /**
     * days before the working-day calendar's data ends from which /ready, /metrics and the log warn the operator to
     * enter the next year's days off (the missing year is otherwise counted with the statute alone, without Tết)
     */
    CALENDAR_WARN_DAYS: int(0, 3650, 60),
    /**
     * a JSON file of provinces' own procedure rules (village council, announcers, village decider), each with its
     * legal basis; without it the national defaults apply, unconfirmed (docs/domain.md, "Provincial rules")
     */
    PROVINCIAL_RULES_FILE: optional,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * the address users reach (web app: OIDC redirect and the embedded issuer; generated documents: the QR code's
     * verification link); default http://localhost:PORT
     */
    PUBLIC_URL: z.url().optional(),
    /** web app: signs the session cookie; at least 32 characters. Unset: a random one per process (embedded) */
    SESSION_SECRET: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v))
      .pipe(z.string().min(32, 'at least 32 characters').optional())
      .optional(),
    /** web app: an external OpenID Connect provider (all three, or none for the embedded provider) */
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: optional,
    OIDC_CLIENT_SECRET: optional,
    /** web app: the ID token claims that carry the engine's role and unit code */
    OIDC_ROLE_CLAIM: z.string().trim().min(1).default('role'),
    OIDC_UNIT_CLAIM: z.string().trim().min(1).default('unit'),
  })
  .superRefine((c, ctx) => {
    if (c.SIGNER === 'remote') {
      for (const name of ['SIGNER_REMOTE_URL', 'SIGNER_REMOTE_TOKEN', 'SIGNER_TRUST_ANCHORS'] as const) {
        if (!c[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required with SIGNER=remote' });
      }
    }
    if (c.AUDIT_SIGNING_KEY && c.AUDIT_SIGNING_KEY_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_SIGNING_KEY'],
        message: 'set AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE, not both',
      });
    }
    if ((c.AUDIT_SIGNING_KEY || c.AUDIT_SIGNING_KEY_FILE) && !c.AUDIT_SIGNING_KEY_VALID_FROM) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_SIGNING_KEY_VALID_FROM'],
        message: 'required with an external audit signing key',
      });
    }
    if (c.JWKS_URL && c.JWT_PUBLIC_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWKS_URL'],
        message: 'set JWKS_URL or JWT_PUBLIC_KEY, not both',
      });
    }
    if (c.BLOB_STORE === 's3' && !c.S3_BUCKET) {
      ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'required with BLOB_STORE=s3' });
    }
    if (Boolean(c.S3_ACCESS_KEY_ID) !== Boolean(c.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_ACCESS_KEY_ID'],
        message: 'set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY together',
      });
    }
    if ((c.JWKS_URL || c.JWT_PUBLIC_KEY) && !(c.JWT_ISSUER && c.JWT_AUDIENCE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_ISSUER'],
        message: 'JWT_ISSUER and JWT_AUDIENCE are required with external keys',
      });
    }
    if (c.OIDC_ISSUER && !(c.OIDC_CLIENT_ID && c.OIDC_CLIENT_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_ISSUER'],
        message: 'OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required with OIDC_ISSUER',
      });
    }
    if (c.OIDC_ISSUER && !(c.JWKS_URL || c.JWT_PUBLIC_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_ISSUER'],
        message:
          'an external OIDC provider needs JWKS_URL (its keys) so that the API accepts its access tokens',
      });
    }
  });

export type Config = z.output<typeof ConfigSchema>;

/** The settings the projector's processes cannot run without. */
export type ProjectorConfig = Config & { REDIS_URL: string; DATABASE_URL: string };

/** Raised when the environment is invalid; lists every offending variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly issues: string[]) {
    super(`invalid configuration: ${issues.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once; throws ConfigError naming each bad variable. */
/** The embedded database's folder under DATA_DIR. */
export const embeddedFolder = (config: Config): string => join(config.DATA_DIR, 'pglite');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return parsed.data;
}

/**
 * The dispatcher and the workers: wake-ups travel through Redis, and the read models, checkpoints and dispatcher
 * positions are SQL tables every process must share, so PostgreSQL (an embedded PGlite belongs to one process).
 * Events may still live in EventStoreDB.
 */
export function requireProjectorSettings(config: Config): ProjectorConfig {
  const missing = (['REDIS_URL', 'DATABASE_URL'] as const).filter((name) => config[name] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((name) => `${name}: required by the projector's processes`));
  }
  return config as ProjectorConfig;
}
