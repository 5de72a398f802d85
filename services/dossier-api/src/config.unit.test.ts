import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { etagOf, parseIfMatch } from './dossier.js';
import { eventIdFor, fingerprintOf, uuidV5 } from './idempotency.js';
import { languageOf, problems, renderProblem } from './problems.js';

describe('loadConfig', () => {
  it('defaults to the embedded store on port 3000 under ./data', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000,
      DATA_DIR: './data',
      DATABASE_SCHEMA: 'public',
      CORS_ORIGINS: [],
      RATE_LIMIT_MAX: 1200,
    });
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
    ]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
    }
  });

  it('reads the queue settings and a metrics token of 32 characters at least, or none', () => {
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({ QUEUE_PREFIX: 'ntm-projections', PARTITIONS: 4, BULLMQ_PREFIX: 'bull' });
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
});

describe('preconditions and idempotency helpers', () => {
  it('round-trips revisions through ETag and If-Match and refuses other forms', () => {
    expect(parseIfMatch(etagOf(42n))).toBe(42n);
    for (const bad of ['42', 'W/"42"', '"-1"', '"4x"', '*', '"1234567890123456"'])
      expect(parseIfMatch(bad)).toBeUndefined();
  });

  it('derives RFC 9562 version-5 uuids, stable per key, actor and index', () => {
    const id = uuidV5('name');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidV5('name')).toBe(id);
    expect(eventIdFor('k', 'alice', 0)).toBe(eventIdFor('k', 'alice', 0));
    expect(
      new Set([
        eventIdFor('k', 'alice', 0),
        eventIdFor('k', 'alice', 1),
        eventIdFor('k', 'bob', 0),
        eventIdFor('k2', 'alice', 0),
      ]).size,
    ).toBe(4);
  });

  it('fingerprints a request independently of key order, and apart from other bodies or preconditions', () => {
    const a = fingerprintOf({ route: 'SubmitDossier x', ifMatch: '"3"', body: { a: 1, b: [1, 2] } });
    expect(fingerprintOf({ route: 'SubmitDossier x', ifMatch: '"3"', body: { b: [1, 2], a: 1 } })).toBe(a);
    expect(fingerprintOf({ route: 'SubmitDossier x', ifMatch: '"4"', body: { a: 1, b: [1, 2] } })).not.toBe(
      a,
    );
    expect(fingerprintOf({ route: 'SubmitDossier x', ifMatch: '"3"', body: { a: 2, b: [1, 2] } })).not.toBe(
      a,
    );
  });
});

describe('problems', () => {
  it('speaks Vietnamese unless English comes first', () => {
    expect(languageOf(undefined)).toBe('vi');
    expect(languageOf('vi-VN,en;q=0.5')).toBe('vi');
    expect(languageOf('en-US,vi;q=0.5')).toBe('en');
    const problem = problems.dossierNotFound('abc');
    expect(renderProblem(problem, 'en', '/dossiers/abc')).toEqual({
      type: 'urn:ntm:problem:dossier-not-found',
      title: 'Not found',
      status: 404,
      code: 'DOSSIER_NOT_FOUND',
      detail: 'Dossier abc not found',
      instance: '/dossiers/abc',
    });
    expect(renderProblem(problem, 'vi').detail).toBe('Không tìm thấy hồ sơ abc');
  });
});
