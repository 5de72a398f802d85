// The HTTP edge's small helpers: If-Match/ETag, idempotency fingerprints and ids, problem rendering.
import { describe, expect, it } from 'vitest';
import { etagOf, parseIfMatch } from './dossier.js';
import { eventIdFor, fingerprintOf, uuidV5 } from './idempotency.js';
import { languageOf, problems, renderProblem } from './problems.js';
import { serializeCommandReply, validateCommandHeaders } from './routes/commands.js';
import { helmetHeaders } from './app.js';

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

describe('the command reply', () => {
  it('is written with exactly the documented fields, whatever else the body carries', () => {
    const body = {
      dossierId: 'd-1',
      revision: 3,
      events: [
        { eventId: 'e-1', type: 'DossierSubmitted', fromState: 'draft', toState: 'verifying', extra: 1 },
        { eventId: 'e-2', type: 'DeadlineScheduled' },
      ],
      internal: 'not shown',
    };
    expect(JSON.parse(serializeCommandReply(body))).toEqual({
      dossierId: 'd-1',
      revision: 3,
      events: [
        { eventId: 'e-1', type: 'DossierSubmitted', fromState: 'draft', toState: 'verifying' },
        { eventId: 'e-2', type: 'DeadlineScheduled' },
      ],
    });
  });
});

describe('the security headers', () => {
  it('are helmet’s defaults, computed once', () => {
    const headers = helmetHeaders();
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    });
    expect(headers['content-security-policy']).toContain("default-src 'self'");
  });
});

describe('the command headers’ check', () => {
  it('judges the three named headers as the schema does and leaves the request’s headers as they are', () => {
    expect(
      validateCommandHeaders({
        authorization: 'Bearer x',
        'if-match': '"3"',
        'idempotency-key': 'key-12345',
        'x-correlation-id': 'c-1',
      }),
    ).toBe(true);
    expect(validateCommandHeaders({ authorization: 'Bearer x' })).toBe(true);
    const bad = validateCommandHeaders({ 'idempotency-key': 'short' });
    expect(bad).toMatchObject({ error: [{ instancePath: '/idempotency-key' }] });
    const long = validateCommandHeaders({ 'if-match': `"${'1'.repeat(50)}"` });
    expect(long).toMatchObject({ error: [{ instancePath: '/if-match' }] });
  });
});
