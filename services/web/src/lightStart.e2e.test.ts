/**
 * The embedded default (`pnpm start`) loads only what it uses (issue 16, goal 4): the S3 client, the PostgreSQL
 * driver, the mailer, the BullMQ dashboard and the PDF renderer and signer are loaded on first use, never at
 * start-up, where each cost start time and memory; BullMQ and ioredis, which only the Redis deployment uses, not
 * at all; the embedded OIDC provider on the first sign-in (ADR 0029). The service is started as `pnpm start` starts it (no
 * DATABASE_URL, REDIS_URL or EventStoreDB), with every module it resolves recorded. That they still load when used
 * is what the documents', signing, S3 and mail tests show.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, freePort } from '@ntm/testing';

const launcher = fileURLToPath(new URL('../../../packages/testing/scripts/run-ts.mjs', import.meta.url));
const server = fileURLToPath(new URL('./server.ts', import.meta.url));
const hook = fileURLToPath(new URL('../test/support/recordModules.mjs', import.meta.url));

/** the packages (as pnpm lays them out) the embedded default must not load to start */
const NOT_AT_START = [
  '@aws-sdk+client-s3',
  'pg',
  'nodemailer',
  '@bull-board+api',
  'pdfkit',
  'fontkit',
  'qrcode',
  '@signpdf+signpdf',
  // traces are off unless OTEL_* configures them, and then not even the API package loads (ADR 0032)
  '@opentelemetry+api',
  '@opentelemetry+sdk-node',
  // queues and the Redis client: only with REDIS_URL (the barrels of @ntm/runtime, /notifications, /scheduler)
  'bullmq',
  'ioredis',
  // the development signer's certificates, made and read on the first signature or verification
  'pkijs',
  'asn1js',
  // the embedded OIDC provider and its Koa, built on the first sign-in
  'oidc-provider',
  'koa',
];
const loaded = (urls: string[], pkg: string) => urls.some((u) => u.includes(`/node_modules/.pnpm/${pkg}@`));

const withoutServices = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(
    Object.entries(env).filter(
      ([k]) => !['DATABASE_URL', 'REDIS_URL', 'EVENTSTORE_CONNECTION_STRING', 'BLOB_STORE'].includes(k),
    ),
  );

let dir: string;
let child: ChildProcess;
let baseUrl: string;
const modules = async () => (await readFile(join(dir, 'modules.txt'), 'utf8')).split('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntm-light-start-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ['--import', hook, launcher, server], {
    env: {
      ...withoutServices(process.env),
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'warn',
      NTM_RECORD_MODULES: join(dir, 'modules.txt'),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    const ok = await fetch(`${baseUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
afterAll(async () => {
  child?.kill('SIGTERM');
  if (child) await exited(child);
  await rm(dir, { recursive: true, force: true });
});

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
