/**
 * The error handler's mapping of store refusals that the edge should have caught first (defence in depth): an
 * event the store will not hold is the client's content, answered as a 4xx problem, never a 500.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EventStoreError } from '@ntm/event-store';
import errors from './errors.js';

const app = Fastify({ logger: false });
beforeAll(async () => {
  await app.register(errors);
  app.post('/append', () => {
    throw new EventStoreError(
      'INVALID_EVENT',
      'events[0].data.evidence[0].description: strings may not contain U+0000',
    );
  });
  await app.ready();
});
afterAll(() => app.close());

it.each([
  ['vi', undefined, /không lưu được/],
  ['en', 'en', /cannot store/],
])("maps the store's INVALID_EVENT to 400 INVALID_CONTENT (%s)", async (_lang, language, detail) => {
  const response = await app.inject({
    method: 'POST',
    url: '/append',
    headers: language ? { 'accept-language': language } : {},
  });
  expect(response.statusCode).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json<{ code: string; detail: string }>();
  expect(problem.code).toBe('INVALID_CONTENT');
  expect(problem.detail).toMatch(detail);
  // The store's message names only a path inside the client's own body; it is not echoed back.
  expect(JSON.stringify(problem)).not.toMatch(/events\[0\]/);
});
