/**
 * The environment, validated once at the edge. Which store runs follows from what is configured:
 * EventStoreDB with EVENTSTORE_CONNECTION_STRING, PostgreSQL with DATABASE_URL, else the embedded PGlite store
 * under DATA_DIR. Token keys: a JWKS URL or a public key (both need issuer and audience), else the local
 * development key pair under DATA_DIR/keys.
 */
import { z } from 'zod';

const optional = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().trim().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    DATABASE_URL: optional,
    /** PostgreSQL connections of the process: at least the number of requests served at once */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier')
      .default('public'),
    /** schema of the projections' read models, shared with the projector service */
    READ_MODEL_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier')
      .default('read_models'),
    EVENTSTORE_CONNECTION_STRING: optional,
    REDIS_URL: optional,
    /** the projector's wake-up queues (REDIS_URL mode): names, partitions and Redis key prefix, as the projector's */
    QUEUE_PREFIX: z.string().trim().min(1).default('ntm-projections'),
    PARTITIONS: z.coerce.number().int().min(1).max(256).default(4),
    BULLMQ_PREFIX: z.string().trim().min(1).default('bull'),
    /** a static bearer token that may read /metrics only (a Prometheus scraper); administrators always may */
    METRICS_TOKEN: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v))
      .pipe(z.string().min(32, 'at least 32 characters').optional())
      .optional(),
    JWKS_URL: z.url().optional(),
    JWT_PUBLIC_KEY: optional,
    JWT_ISSUER: optional,
    JWT_AUDIENCE: optional,
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
     * seconds between sweeps of the deadline worker (records DeadlineElapsed for deadlines past their due day);
     * 0 turns it off. Every API process may sweep: sweeps are idempotent.
     */
    DEADLINE_SWEEP_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
    /** requests per minute per client address */
    RATE_LIMIT_MAX: z.coerce.number().int().positive().default(1200),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((c, ctx) => {
    if (c.JWKS_URL && c.JWT_PUBLIC_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWKS_URL'],
        message: 'set JWKS_URL or JWT_PUBLIC_KEY, not both',
      });
    }
    if ((c.JWKS_URL || c.JWT_PUBLIC_KEY) && !(c.JWT_ISSUER && c.JWT_AUDIENCE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_ISSUER'],
        message: 'JWT_ISSUER and JWT_AUDIENCE are required with external keys',
      });
    }
  });

export type Config = z.output<typeof ConfigSchema>;

/** Raised when the environment is invalid; lists every offending variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly issues: string[]) {
    super(`invalid configuration: ${issues.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return parsed.data;
}
