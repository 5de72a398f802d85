/** A token in a query string never reaches the log or a problem's `instance`. */
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { pathOf, redactUrl, requestLogger, type RequestLogger } from './requestContext.js';

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

describe('the request logger', () => {
  const logged = () => {
    const lines: Record<string, unknown>[] = [];
    const parent = pino(
      { level: 'warn' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    return { lines, parent };
  };

  it('logs with the request id and the correlation id, as the pino child it stands for', () => {
    const { lines, parent } = logged();
    const log = requestLogger(parent, { reqId: 'req-1' }, {}, { headers: { 'x-correlation-id': 'corr-1' } });
    log.warn({ reason: 'x' }, 'refused');
    log.child({ part: 'inner' }).error('failed');
    expect(lines).toMatchObject([
      { level: 40, reqId: 'req-1', correlationId: 'corr-1', reason: 'x', msg: 'refused' },
      { level: 50, reqId: 'req-1', correlationId: 'corr-1', part: 'inner', msg: 'failed' },
    ]);
  });

  it('makes no child for lines below the level, and writes none of them', () => {
    const { lines, parent } = logged();
    const log = requestLogger(parent, { reqId: 'req-2' }, {}, { headers: {} });
    log.info({ req: {} }, 'incoming request');
    log.debug('detail');
    expect(lines).toEqual([]);
    expect((log as unknown as RequestLogger).materialised).toBe(false);
    expect(log.level).toBe('warn');
    log.error('now');
    expect(lines).toMatchObject([{ level: 50, reqId: 'req-2', correlationId: 'req-2', msg: 'now' }]);
    expect((log as unknown as RequestLogger).materialised).toBe(true);
  });

  it('gives a route with a level of its own a child at that level at once', () => {
    const { lines, parent } = logged();
    const log = requestLogger(parent, { reqId: 'req-3' }, { level: 'info' }, { headers: {} });
    log.info('shown');
    expect(lines).toMatchObject([{ level: 30, reqId: 'req-3', msg: 'shown' }]);
  });
});
