/**
 * Health probes and the rate limit: an orchestrator polling /health and /ready must never be told 429 (it would
 * take the service for unhealthy), whatever the limit, while other routes stay limited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/support/startTestServer.js';

const LIMIT = 5;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    now: new Date('2024-04-01T02:00:00Z'),
    schemaPrefix: 'api_probe',
    rateLimitMax: LIMIT,
  });
});
afterAll(() => t.close());

const statuses = (path: string, n: number) =>
  Promise.all(Array.from({ length: n }, async () => (await fetch(`${t.url}${path}`)).status));

describe('probes and the rate limit', () => {
  it('answers /health and /ready far past the limit, never 429', async () => {
    for (const path of ['/ready', '/health']) {
      const seen = await statuses(path, LIMIT * 4);
      expect(seen.filter((s) => s === 429)).toEqual([]);
      expect(seen.every((s) => s === 200 || s === 503)).toBe(true);
    }
  });

  it('still limits the other routes', async () => {
    const seen = await statuses('/dossiers', LIMIT * 2);
    expect(seen).toContain(429);
  });
});
