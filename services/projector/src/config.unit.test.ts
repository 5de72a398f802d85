import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const base = { DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://r:6379' };

describe('projector configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig(base)).toMatchObject({
      partitions: 4,
      concurrency: 16,
      tailIntervalMs: 10,
      readModelSchema: 'read_models',
      queuePrefix: 'ntm-projections',
    });
  });

  it('names the variable that is missing or out of range', () => {
    expect(() => loadConfig({ REDIS_URL: base.REDIS_URL })).toThrow(/DATABASE_URL is required/);
    expect(() => loadConfig({ ...base, TAIL_INTERVAL_MS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, WORKER_CONCURRENCY: 'many' })).toThrow(/WORKER_CONCURRENCY/);
    expect(loadConfig({ ...base, TAIL_INTERVAL_MS: '25' }).tailIntervalMs).toBe(25);
  });
});
