/** Environment of the projector processes, read once at the edge. */
export interface ProjectorConfig {
  databaseUrl: string;
  redisUrl: string;
  /** schema of the events table */
  eventsSchema: string;
  /** schema of the read models */
  readModelSchema: string;
  queuePrefix: string;
  partitions: number;
  /** BullMQ Redis key prefix */
  redisPrefix: string;
  metricsPort: number;
  concurrency: number;
  lockDurationMs: number;
  /** least time between two reads of the log's tail by the dispatcher: a longer one makes fewer, larger jobs */
  tailIntervalMs: number;
}

export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}`);
  }
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`${name} is required`);
  return value;
}

/** Reads and checks the environment; throws `ConfigError` naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  return {
    databaseUrl: required(env, 'DATABASE_URL'),
    redisUrl: required(env, 'REDIS_URL'),
    eventsSchema: env.DATABASE_SCHEMA ?? 'public',
    readModelSchema: env.READ_MODEL_SCHEMA ?? 'read_models',
    queuePrefix: env.QUEUE_PREFIX ?? 'ntm-projections',
    partitions: int(env, 'PARTITIONS', 4, 1, 256),
    redisPrefix: env.BULLMQ_PREFIX ?? 'bull',
    metricsPort: int(env, 'METRICS_PORT', 9464, 0, 65535),
    concurrency: int(env, 'WORKER_CONCURRENCY', 16, 1, 256),
    lockDurationMs: int(env, 'WORKER_LOCK_MS', 30_000, 200, 600_000),
    tailIntervalMs: int(env, 'TAIL_INTERVAL_MS', 10, 1, 1000),
  };
}
