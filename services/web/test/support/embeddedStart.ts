/** What the tests of the embedded default's start share. */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exited, freePort } from '@ntm/testing';

const hook = fileURLToPath(new URL('./recordModules.mjs', import.meta.url));

/**
 * The packages (as pnpm lays them out) the embedded default must not load to start (ADR 0029): what only another
 * configuration or a later request uses. Checked on the start from the sources (lightStart.e2e.test.ts) and on the
 * bundled start (bundledStart.e2e.test.ts).
 */
export const NOT_AT_START = [
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

/** Whether one of `paths` (URLs or paths) is a file of `pkg`. */
export const loaded = (paths: string[], pkg: string) =>
  paths.some((u) => u.includes(`/node_modules/.pnpm/${pkg}@`));

/** The environment without the services that would take the start off the embedded default. */
const withoutServices = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(
    Object.entries(env).filter(
      ([k]) => !['DATABASE_URL', 'REDIS_URL', 'EVENTSTORE_CONNECTION_STRING', 'BLOB_STORE'].includes(k),
    ),
  );

/**
 * Runs `node <args>` as `pnpm start` runs the service (no DATABASE_URL, REDIS_URL or EventStoreDB) on a free port,
 * its data folder under `dir`, every module it resolves recorded in `dir/modules.txt`; resolves once `/health`
 * answers.
 */
export async function startEmbedded(
  dir: string,
  args: string[],
): Promise<{ child: ChildProcess; baseUrl: string }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', hook, ...args], {
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
    if (ok) return { child, baseUrl };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Stops what `startEmbedded` started and removes `dir`. */
export async function stopEmbedded(child: ChildProcess | undefined, dir: string): Promise<void> {
  child?.kill('SIGTERM');
  if (child) await exited(child);
  await rm(dir, { recursive: true, force: true });
}
