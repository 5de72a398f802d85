/**
 * Traces across processes (ADR 0032): the API, the projector's dispatcher and a worker as the real processes they
 * are (their entry points, REDIS_URL mode, real PostgreSQL and Redis), exporting over OTLP/HTTP (JSON) to a
 * receiver this test runs. One command over HTTP must leave one trace: the API's request span, the command and its
 * append (with pg spans), the dispatcher's hand-on of the wake-up, the worker's projection. Waits are on
 * conditions (spans arriving), bounded; never on time.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalKeyPair, signLocalToken } from '@ntm/auth';
import { communeJourney, freePort, sendCommand } from '@ntm/testing';
import { spawnService, stopProcess } from '../test/support/projectorProcesses.js';
import { openPostgresStore } from '@ntm/store-postgres';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A span as the OTLP/JSON encoding carries it, with the service that sent it. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  links: { traceId: string; spanId: string }[];
  attributes: Record<string, unknown>;
}

interface OtlpRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: (Omit<ReceivedSpan, 'service' | 'attributes' | 'links'> & {
        attributes?: OtlpAttribute[];
        links?: { traceId: string; spanId: string }[];
      })[];
    }[];
  }[];
}
interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean };
}

const valueOf = (v: OtlpAttribute['value']) => v.stringValue ?? v.intValue ?? v.boolValue;
const attributesOf = (list: OtlpAttribute[] = []) =>
  Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/** An OTLP/HTTP receiver (JSON encoding) that keeps every span it is sent. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; server: Server }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const parsed = JSON.parse(body) as OtlpRequest;
        for (const rs of parsed.resourceSpans ?? []) {
          const service = String(attributesOf(rs.resource?.attributes)['service.name']);
          for (const ss of rs.scopeSpans ?? [])
            for (const span of ss.spans ?? [])
              spans.push({
                ...span,
                service,
                attributes: attributesOf(span.attributes),
                links: span.links ?? [],
              });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, spans, server };
}

async function waitFor<T>(what: string, check: () => T | undefined, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function waitForAsync<T>(what: string, check: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A module loaded with `--import` before the service: a resolve hook that writes every module of an OpenTelemetry
 * package (or @fastify/otel, import/require-in-the-middle) the process loads to the file named by NTM_PROBE_OUT. How the tests see
 * that a process without tracing configured loads none of it.
 */
async function writeProbe(dir: string): Promise<string> {
  const hooks = join(dir, 'probe-hooks.mjs');
  await writeFile(
    hooks,
    `import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/\\/node_modules\\/(@opentelemetry|@fastify\\/otel|import-in-the-middle|require-in-the-middle)\\//.test(result.url)) appendFileSync(out, result.url + '\\n');
  return result;
}
`,
  );
  const probe = join(dir, 'probe.mjs');
  await writeFile(
    probe,
    `import { register } from 'node:module';
import { writeFileSync } from 'node:fs';
writeFileSync(process.env.NTM_PROBE_OUT, '');
register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { out: process.env.NTM_PROBE_OUT } });
`,
  );
  return pathToFileURL(probe).href;
}

/** What the probe saw a process load (OpenTelemetry modules only). */
const probed = async (name: string) =>
  (await readFile(join(dataDir, `${name}.probe`), 'utf8')).split('\n').filter(Boolean);

const probing = (probe: string, name: string) => ({
  NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import=${probe}`.trim(),
  NTM_PROBE_OUT: join(dataDir, `${name}.probe`),
});

const tag = `tr${randomBytes(4).toString('hex')}`;
const processes: ChildProcess[] = [];
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let dataDir: string;
let baseUrl: string;
let probe: string;
/** the traced processes' environment */
let common: Record<string, string>;

beforeAll(async () => {
  receiver = await startReceiver();
  dataDir = await mkdtemp(join(tmpdir(), 'ntm-traces-'));
  probe = await writeProbe(dataDir);
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  common = {
    DATABASE_URL,
    DATABASE_SCHEMA: `${tag}_events`,
    READ_MODEL_SCHEMA: `${tag}_rm`,
    REDIS_URL,
    QUEUE_PREFIX: `${tag}-wake`,
    BULLMQ_PREFIX: `${tag}-bull`,
    PARTITIONS: '2',
    DATA_DIR: dataDir,
    DEADLINE_TIMERS: 'off',
    LOG_LEVEL: 'info',
    // The standard OpenTelemetry variables, nothing of the project's: OTLP over HTTP, JSON, exported at once.
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  };
  processes.push(
    await spawnService(
      new URL('./server.ts', import.meta.url),
      { ...common, ...probing(probe, 'api'), PORT: String(port), HOST: '127.0.0.1' },
      (out) => out.includes(`${port}`),
    ),
  );
  // The banner is written just before the server listens.
  await waitForAsync('the API to answer', () =>
    fetch(`${baseUrl}/health`).then(
      (r) => r.ok || undefined,
      () => undefined,
    ),
  );
  processes.push(
    await spawnService(new URL('../../projector/src/worker.ts', import.meta.url), common, (out) =>
      out.includes('worker ready'),
    ),
  );
  processes.push(
    await spawnService(
      new URL('../../projector/src/dispatcher.ts', import.meta.url),
      { ...common, METRICS_PORT: '0' },
      (out) => out.includes('dispatcher started'),
    ),
  );
});

afterAll(async () => {
  await Promise.all(processes.map(stopProcess));
  receiver?.server.close();
  const opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: `${tag}_events` });
  for (const schema of [`${tag}_events`, `${tag}_rm`, `${tag}_off_events`, `${tag}_off_rm`])
    await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await opened.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${tag}-*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('one trace from an HTTP command to its projection, across three processes', () => {
  it('links the request, the command, its append, the hand-on and the projection by parent and trace id', async () => {
    // The API runs on the system clock: a dossier of this year, for a commune that exists after the 2025 mergers.
    const open = communeJourney('ntm', 2, new Date().getUTCFullYear()).steps[0]!;
    const { privateKey } = await ensureLocalKeyPair(join(dataDir, 'keys'));
    const token = await signLocalToken({ privateKey, actor: open.ctx.actor, ttlSeconds: 3600 });
    const answer = await sendCommand({ baseUrl, token, command: open.command });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const dossierId = answer.body['dossierId'] as string;

    const { spans } = receiver;
    const command = await waitFor('the command span', () =>
      spans.find((s) => s.name === 'ntm.command' && s.attributes['ntm.dossier.id'] === dossierId),
    );
    const traceId = command.traceId;
    const inTrace = (name: string, service: string) =>
      spans.find((s) => s.traceId === traceId && s.name === name && s.service === service);
    const byId = (spanId: string | undefined) => spans.find((s) => s.spanId === spanId);

    const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
      const parent = byId(span.parentSpanId);
      return parent ? [parent, ...ancestors(parent)] : [];
    };

    // The API: the request (SERVER, kind 2) → its handler → command → append, with the append's SQL under it.
    expect(command.service).toBe('ntm-api');
    const request = ancestors(command).find((s) => s.kind === 2);
    expect(request).toMatchObject({ service: 'ntm-api', traceId });
    expect(request!.attributes['http.route']).toBe('/dossiers');
    const append = inTrace('ntm.command.append', 'ntm-api')!;
    expect(append.parentSpanId).toBe(command.spanId);
    const appendSql = await waitFor('pg spans under the append', () =>
      spans.find((s) => s.parentSpanId === append.spanId && s.name.startsWith('pg.query')),
    );
    expect(appendSql.service).toBe('ntm-api');

    // The dispatcher: the wake-up's hand-on continues the append's trace; the job's publish span links to it.
    const handOn = await waitFor('the hand-on span', () =>
      spans.find(
        (s) => s.traceId === traceId && s.service === 'ntm-dispatcher' && s.name.endsWith(' create'),
      ),
    );
    expect(handOn.parentSpanId).toBe(append.spanId);
    expect(handOn.attributes['ntm.stream.id']).toBe(append.attributes['ntm.stream.id']);
    const publish = await waitFor('the publish span', () =>
      spans.find((s) => s.name.endsWith(' publish') && s.links.some((l) => l.spanId === handOn.spanId)),
    );
    expect(publish).toMatchObject({ service: 'ntm-dispatcher', kind: 4 });

    // The worker: the projection continues the trace under the hand-on; the job's span (CONSUMER) is the publish
    // span's child and links to the hand-on; the projection's SQL runs in the worker.
    const projection = await waitFor('the projection span', () =>
      inTrace('ntm.projection.catch-up', 'ntm-worker'),
    );
    expect(projection.parentSpanId).toBe(handOn.spanId);
    expect(Number(projection.attributes['ntm.projection.applied'])).toBeGreaterThan(0);
    const job = await waitFor('the job span', () =>
      spans.find(
        (s) => s.service === 'ntm-worker' && s.name.endsWith(' process') && s.parentSpanId === publish.spanId,
      ),
    );
    expect(job.kind).toBe(5);
    expect(job.links.map((l) => l.spanId)).toContain(handOn.spanId);
    expect(projection.links.map((l) => l.spanId)).toContain(job.spanId);
    // And Redis calls are traced: the API's relay under the append, the dispatcher's job add under its publish.
    const redisUnder = (parent: ReceivedSpan) =>
      spans.find((s) => s.parentSpanId === parent.spanId && s.attributes['db.system.name'] === 'redis');
    expect(redisUnder(append)).toMatchObject({ service: 'ntm-api', name: 'set' });
    expect(redisUnder(publish)).toMatchObject({ service: 'ntm-dispatcher', name: 'evalsha' });
  });
});

describe('without tracing configured', () => {
  it('loads no OpenTelemetry module in the API or a worker (and the traced API did load the SDK)', async () => {
    // The probe can see the SDK: the API started above with tracing configured loaded it.
    expect((await probed('api')).some((url) => url.includes('/@opentelemetry/sdk-node/'))).toBe(true);

    const port = await freePort();
    const off = {
      DATABASE_URL,
      DATABASE_SCHEMA: `${tag}_off_events`,
      READ_MODEL_SCHEMA: `${tag}_off_rm`,
      REDIS_URL,
      QUEUE_PREFIX: `${tag}-off-wake`,
      BULLMQ_PREFIX: `${tag}-off-bull`,
      PARTITIONS: '2',
      DATA_DIR: dataDir,
      DEADLINE_TIMERS: 'off',
      LOG_LEVEL: 'info',
    };
    // Whatever the test runner's environment holds, these processes have no OTEL_* variable.
    for (const key of Object.keys(process.env)) if (key.startsWith('OTEL_')) delete process.env[key];
    processes.push(
      await spawnService(
        new URL('./server.ts', import.meta.url),
        { ...off, ...probing(probe, 'api-off'), PORT: String(port), HOST: '127.0.0.1' },
        (out) => out.includes(`${port}`),
      ),
    );
    await waitForAsync('the untraced API to answer', () =>
      fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok || undefined,
        () => undefined,
      ),
    );
    processes.push(
      await spawnService(
        new URL('../../projector/src/worker.ts', import.meta.url),
        { ...off, ...probing(probe, 'worker-off') },
        (out) => out.includes('worker ready'),
      ),
    );
    expect(await probed('api-off')).toEqual([]);
    expect(await probed('worker-off')).toEqual([]);
  });
});

describe('at shutdown', () => {
  it('exports the spans still buffered before the process exits', async () => {
    const port = await freePort();
    // Batches every 10 minutes: only the flush at shutdown can send this process's spans within the test.
    const api = await spawnService(
      new URL('./server.ts', import.meta.url),
      { ...common, OTEL_BSP_SCHEDULE_DELAY: '600000', PORT: String(port), HOST: '127.0.0.1' },
      (out) => out.includes(`${port}`),
    );
    processes.push(api);
    await waitForAsync('the API to answer', () =>
      fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok || undefined,
        () => undefined,
      ),
    );
    const open = communeJourney('ntm', 2, new Date().getUTCFullYear()).steps[0]!;
    const { privateKey } = await ensureLocalKeyPair(join(dataDir, 'keys'));
    const token = await signLocalToken({ privateKey, actor: open.ctx.actor, ttlSeconds: 3600 });
    const answer = await sendCommand({ baseUrl: `http://127.0.0.1:${port}`, token, command: open.command });
    expect(answer.status).toBe(201);
    const dossierId = answer.body['dossierId'] as string;
    const sent = () => receiver.spans.some((s) => s.attributes['ntm.dossier.id'] === dossierId);
    expect(sent()).toBe(false);
    await stopProcess(api);
    expect(api.exitCode).toBe(0);
    expect(sent()).toBe(true);
  });
});
