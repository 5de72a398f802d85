/** A token in a query string never reaches the log or a problem's `instance`. */
import { describe, expect, it } from 'vitest';
import { pathOf, redactUrl } from './requestContext.js';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('URLs in logs and problems', () => {
  it('redacts credential-like query values and JWT-like values, and keeps the rest', () => {
    expect(redactUrl(`/dossiers/a?access_token=${JWT}&waitMs=10`)).toBe(
      '/dossiers/a?access_token=[redacted]&waitMs=10',
    );
    expect(redactUrl('/x?api_key=s3cr3t&Token=abc&sort=year')).toBe(
      '/x?api_key=[redacted]&Token=[redacted]&sort=year',
    );
    expect(redactUrl(`/x?q=${JWT}`)).toBe('/x?q=[redacted]');
    expect(redactUrl('/read/inbox?role=auditor&limit=5')).toBe('/read/inbox?role=auditor&limit=5');
    expect(redactUrl('/dossiers/a')).toBe('/dossiers/a');
  });

  it('gives the path without any query as a problem instance', () => {
    expect(pathOf(`/dossiers/a?access_token=${JWT}`)).toBe('/dossiers/a');
    expect(pathOf('/dossiers/a')).toBe('/dossiers/a');
  });
});
