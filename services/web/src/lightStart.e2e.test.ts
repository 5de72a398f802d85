/**
 * The embedded default (`pnpm start`) loads only what it uses (issue 16, goal 4): the S3 client, the PostgreSQL
 * driver, the mailer, the BullMQ dashboard and the PDF renderer and signer are loaded on first use, never at
 * start-up, where each cost start time and memory; BullMQ and ioredis, which only the Redis deployment uses, not
 * at all; the embedded OIDC provider on the first sign-in (ADR 0029). The service is started as `pnpm start` starts it (no
 * DATABASE_URL, REDIS_URL or EventStoreDB), with every module it resolves recorded. That they still load when used
 * is what the documents', signing, S3 and mail tests show.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loaded, NOT_AT_START, startEmbedded, stopEmbedded } from '../test/support/embeddedStart.js';

const launcher = fileURLToPath(new URL('../../../packages/testing/scripts/run-ts.mjs', import.meta.url));
const server = fileURLToPath(new URL('./server.ts', import.meta.url));

let dir: string;
let child: ChildProcess;
let baseUrl: string;
const modules = async () => (await readFile(join(dir, 'modules.txt'), 'utf8')).split('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntm-light-start-'));
  ({ child, baseUrl } = await startEmbedded(dir, [launcher, server]));
});
afterAll(() => stopEmbedded(child, dir));

describe('the embedded default starts light', () => {
  it('has loaded neither S3, pg, the mailer, the queue dashboard nor the PDF renderer and signer', async () => {
    const urls = await modules();
    // The recording works: what the embedded default does use is there.
    expect(loaded(urls, '@electric-sql+pglite')).toBe(true);
    expect(loaded(urls, 'fastify')).toBe(true);
    expect(NOT_AT_START.filter((pkg) => loaded(urls, pkg))).toEqual([]);
  });

  it('builds the embedded OIDC provider when a sign-in first asks for it', async () => {
    const discovery = await fetch(`${baseUrl}/oidc/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(`${baseUrl}/oidc`);
    expect(loaded(await modules(), 'oidc-provider')).toBe(true);
  });
});
