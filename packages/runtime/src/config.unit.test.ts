import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireProjectorSettings } from './config.js';

describe('loadConfig', () => {
  it('defaults to the embedded store on port 3000 under ./data', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000,
      DATA_DIR: './data',
      DATABASE_SCHEMA: 'public',
      CORS_ORIGINS: [],
      RATE_LIMIT_MAX: 1200,
      AUTH_TOKEN_CACHE_SIZE: 10_000,
      EMBEDDED_WASM_TIER_UP: 'off',
    });
    expect(loadConfig({ AUTH_TOKEN_CACHE_SIZE: '0' }).AUTH_TOKEN_CACHE_SIZE).toBe(0);
    expect(loadConfig({ EMBEDDED_WASM_TIER_UP: 'on' }).EMBEDDED_WASM_TIER_UP).toBe('on');
  });

  it('splits CORS origins and coerces numbers', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.vn, https://b.vn', PORT: '8080' })).toMatchObject({
      CORS_ORIGINS: ['https://a.vn', 'https://b.vn'],
      PORT: 8080,
    });
  });

  it('refuses external keys without issuer and audience, both kinds of key at once, and bad values', () => {
    for (const env of [
      { JWKS_URL: 'https://id.example.vn/jwks' },
      { JWT_PUBLIC_KEY: 'x', JWT_ISSUER: 'i' },
      { JWKS_URL: 'https://id.example.vn/jwks', JWT_PUBLIC_KEY: 'x', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' },
      { PORT: 'eighty' },
      { DATABASE_SCHEMA: 'Robert"); DROP TABLE' },
      { LOG_LEVEL: 'loud' },
      { EMBEDDED_WASM_TIER_UP: 'yes' },
      { AUTH_TOKEN_CACHE_SIZE: '-1' },
    ]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
    }
  });

  it('reads the queue settings and a metrics token of 32 characters at least, or none', () => {
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({ QUEUE_PREFIX: 'ntm-projections', PARTITIONS: 1, BULLMQ_PREFIX: 'bull' });
    expect(defaults.METRICS_TOKEN).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'm'.repeat(32), PARTITIONS: '8' })).toMatchObject({
      METRICS_TOKEN: 'm'.repeat(32),
      PARTITIONS: 8,
    });
    expect(loadConfig({ METRICS_TOKEN: '' }).METRICS_TOKEN).toBeUndefined();
    for (const env of [{ METRICS_TOKEN: 'short' }, { PARTITIONS: '0' }]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
    }
  });

  it("has the projector's documented defaults, the operator server on loopback", () => {
    expect(loadConfig({})).toMatchObject({
      WORKER_CONCURRENCY: 16,
      WORKER_LOCK_MS: 30_000,
      TAIL_INTERVAL_MS: 10,
      READ_MODEL_SCHEMA: 'read_models',
      METRICS_PORT: 9464,
      METRICS_HOST: '127.0.0.1',
    });
    // A worker serves /metrics only where it is told to, so that workers start side by side on one host.
    expect(loadConfig({}).WORKER_METRICS_PORT).toBeUndefined();
    expect(loadConfig({ WORKER_METRICS_PORT: '' }).WORKER_METRICS_PORT).toBeUndefined();
    expect(
      loadConfig({ TAIL_INTERVAL_MS: '25', METRICS_HOST: '0.0.0.0', WORKER_METRICS_PORT: '9465' }),
    ).toMatchObject({
      TAIL_INTERVAL_MS: 25,
      METRICS_HOST: '0.0.0.0',
      WORKER_METRICS_PORT: 9465,
    });
    for (const env of [
      { TAIL_INTERVAL_MS: '0' },
      { WORKER_CONCURRENCY: 'many' },
      { WORKER_LOCK_MS: '10' },
      { WORKER_METRICS_PORT: '70000' },
      { WORKER_METRICS_PORT: 'x' },
    ]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
    }
  });

  it("names what the projector's processes cannot run without", () => {
    expect(() => requireProjectorSettings(loadConfig({}))).toThrow(/REDIS_URL.*DATABASE_URL/);
    expect(() =>
      requireProjectorSettings(
        loadConfig({ REDIS_URL: 'redis://r:6379', EVENTSTORE_CONNECTION_STRING: 'esdb://e:2113' }),
      ),
    ).toThrow(/DATABASE_URL: required/);
    const config = loadConfig({ REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://db/x' });
    expect(requireProjectorSettings(config)).toBe(config);
  });

  it('signs with the development key by default; a remote signer needs its URL, token and trust anchors', () => {
    expect(loadConfig({}).SIGNER).toBe('dev');
    const remote = {
      SIGNER: 'remote',
      SIGNER_REMOTE_URL: 'https://ky-so.example.vn/api',
      SIGNER_REMOTE_TOKEN: 't',
      SIGNER_TRUST_ANCHORS: '/etc/ntm/anchors.pem',
    };
    expect(loadConfig(remote)).toMatchObject({ SIGNER: 'remote', SIGNER_REMOTE_TIMEOUT_MS: 10_000 });
    for (const missing of ['SIGNER_REMOTE_URL', 'SIGNER_REMOTE_TOKEN', 'SIGNER_TRUST_ANCHORS']) {
      expect(() => loadConfig({ ...remote, [missing]: '' }), missing).toThrow(missing);
    }
    expect(() => loadConfig({ SIGNER: 'usb' })).toThrow(ConfigError);
  });
});
