/** A token in a query string never reaches the log or a problem's `instance`. */
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { FastifyRequest } from 'fastify';
import { correlationIdOf, pathOf, redactUrl, requestLogger, type RequestLogger } from './requestContext.js';

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

  it('gives the request the correlation id its logger worked out, and works it out for a request without one', () => {
    const { parent } = logged();
    const raw = { headers: { 'x-correlation-id': 'corr-4' } };
    requestLogger(parent, { reqId: 'req-4' }, {}, raw);
    // The raw request's header is not read again: the id was kept when the logger was made.
    raw.headers['x-correlation-id'] = 'changed';
    const request = (headers: Record<string, string>, id: string, from = { headers }) =>
      ({ raw: from, headers, id }) as unknown as FastifyRequest;
    expect(correlationIdOf(request(raw.headers, 'req-4', raw))).toBe('corr-4');
    expect(correlationIdOf(request({ 'x-correlation-id': 'corr-5' }, 'req-5'))).toBe('corr-5');
    expect(correlationIdOf(request({ 'x-correlation-id': 'not safe!' }, 'req-6'))).toBe('req-6');
    const unsafe = { headers: { 'x-correlation-id': 'not safe!' } };
    requestLogger(parent, { reqId: 'req-7' }, {}, unsafe);
    expect(correlationIdOf(request(unsafe.headers, 'req-7', unsafe))).toBe('req-7');
  });

  it('gives a route with a level of its own a child at that level at once', () => {
    const { lines, parent } = logged();
    const log = requestLogger(parent, { reqId: 'req-3' }, { level: 'info' }, { headers: {} });
    log.info('shown');
    expect(lines).toMatchObject([{ level: 30, reqId: 'req-3', msg: 'shown' }]);
  });
});
