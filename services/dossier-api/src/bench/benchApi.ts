/**
 * `pnpm bench:api`: the API under load on the local PostgreSQL, in schemas of its own (dropped afterwards).
 * The service runs as a child process (its RSS is sampled from /proc); 16 clients each take communes of Bắc Kạn
 * in turn and drive a commune NTM dossier through the whole 2022 procedure, reading the dossier (GET, for its
 * ETag) before every command, as a real client does. Then, in the same run, the store's raw append rate with 16
 * writers. The last line printed is one JSON object with the figures.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ensureLocalKeyPair, signLocalToken } from '@ntm/auth';
import { loadBacKan, type DomainActor } from '@ntm/domain';
import { openPostgresStore } from '@ntm/store-postgres';
import { dossierStreamId } from '@ntm/event-store';
import { communeJourney, CHO_DON, TAN_LAP, type JourneyStep } from '@ntm/testing';
import { sendCommand } from '../journeyClient.js';

const CLIENTS = 16;
const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** After the last date of the scripted journey, before the 2025 reform: every step stays lawful. */
const BENCH_NOW = '2024-06-10T02:00:00.000Z';
const RAW_APPENDS_PER_WRITER = Number(process.env['BENCH_RAW_APPENDS'] ?? 300);
const DOSSIERS = Number(process.env['BENCH_DOSSIERS'] ?? 64);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 1/100 s on Linux). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** The scripted journey moved to another commune of the province: same steps, that commune's officials. */
function journeyFor(commune: string, district: string): JourneyStep[] {
  const move = (actor: DomainActor): DomainActor =>
    actor.unit === TAN_LAP
      ? { ...actor, id: `${actor.id}-${commune}`, unit: commune }
      : actor.unit === CHO_DON
        ? { ...actor, id: `${actor.id}-${district}`, unit: district }
        : actor;
  return communeJourney('ntm', 1).steps.map((s) => ({
    command: JSON.parse(JSON.stringify(s.command).replaceAll(TAN_LAP, commune)) as JourneyStep['command'],
    ctx: { ...s.ctx, actor: move(s.ctx.actor) },
  }));
}

async function main(): Promise<void> {
  const suffix = randomUUID().replaceAll('-', '').slice(0, 10);
  const schema = `bench_api_${suffix}`;
  const rawSchema = `bench_raw_${suffix}`;
  const readModelSchema = `bench_rm_${suffix}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'ntm-bench-api-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;

  const serverJs = fileURLToPath(new URL('./benchServer.js', import.meta.url));
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof", profiles the service without touching the client.
  const nodeArgs = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, serverJs], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL,
      DATABASE_SCHEMA: schema,
      READ_MODEL_SCHEMA: readModelSchema,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '100000000',
      BENCH_NOW,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // If the benchmark itself is interrupted, the service must not outlive it holding connections.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      child.kill('SIGTERM');
      process.exit(130);
    });
  }
  let peakRss = 0;
  const sampler = setInterval(() => {
    void rssKiB(child.pid!).then((kib) => (peakRss = Math.max(peakRss, kib)));
  }, 100);

  const admin = await openPostgresStore({
    connectionString: DATABASE_URL,
    schema: rawSchema,
    maxConnections: CLIENTS + 2,
  });
  try {
    for (let i = 0; ; i++) {
      const ready = await fetch(`${baseUrl}/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (i > 600 || child.exitCode !== null) throw new Error('the service did not become ready');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { privateKey } = await ensureLocalKeyPair(join(dataDir, 'keys'));
    const tokens = new Map<string, string>();
    const tokenFor = async (actor: DomainActor) => {
      const key = `${actor.id}|${actor.role}|${actor.unit}`;
      let token = tokens.get(key);
      if (!token) tokens.set(key, (token = await signLocalToken({ privateKey, actor, ttlSeconds: 3600 })));
      return token;
    };

    const on = BENCH_NOW.slice(0, 10);
    const units = loadBacKan();
    const communes = ['058', '060', '061', '062', '063', '064', '065', '066'].flatMap((d) =>
      units
        .communesOf(d, on)
        .filter((c) => c.type === 'commune')
        .map((c) => ({ commune: c.code, district: d })),
    );
    const plan = Array.from({ length: DOSSIERS }, (_, i) => communes[i % communes.length]!).filter(
      (u, i, all) => all.findIndex((x) => x.commune === u.commune) === i,
    );

    const writeLatencies: number[] = [];
    const readLatencies: number[] = [];
    let failures = 0;
    let next = 0;
    const client = async () => {
      for (let job = next++; job < plan.length; job = next++) {
        const { commune, district } = plan[job]!;
        let dossierId: string | undefined;
        for (const step of journeyFor(commune, district)) {
          const token = await tokenFor(step.ctx.actor);
          let etag: string | undefined;
          if (dossierId !== undefined) {
            const t0 = performance.now();
            const read = await fetch(`${baseUrl}/dossiers/${dossierId}`, {
              headers: { authorization: `Bearer ${token}` },
            });
            await read.arrayBuffer();
            readLatencies.push(performance.now() - t0);
            etag = read.headers.get('etag') ?? undefined;
          }
          const t0 = performance.now();
          const answer = await sendCommand({ baseUrl, token, command: step.command, dossierId, etag });
          writeLatencies.push(performance.now() - t0);
          if (answer.status >= 300) {
            failures += 1;
            process.stderr.write(
              `${step.command.type} on ${commune}: ${answer.status} ${JSON.stringify(answer.body)}\n`,
            );
            break;
          }
          dossierId = answer.body['dossierId'] as string;
        }
      }
    };
    const started = performance.now();
    const cpuBefore = await cpuSeconds(child.pid!);
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const apiSeconds = (performance.now() - started) / 1000;
    // How much of a core the service itself used: tells a CPU-bound service from one waiting on a shared machine.
    const serviceCpuSeconds = (await cpuSeconds(child.pid!)) - cpuBefore;

    // The raw store: 16 writers, one single-event append per call with a conditional revision, like the API.
    const payload = {
      criterionCode: '5',
      met: true,
      indicators: [{ code: '5.1', value: true }],
      evidence: [{ description: 'x'.repeat(200) }],
    };
    const rawStarted = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, w) => {
        const streamId = dossierStreamId(`raw-${w}`);
        for (let i = 0; i < RAW_APPENDS_PER_WRITER; i++) {
          await admin.store.append(
            streamId,
            [
              {
                eventId: randomUUID(),
                type: 'SelfAssessmentRecorded',
                schemaVersion: 1,
                data: payload,
                metadata: {
                  actor: { id: 'bench', role: 'commune_official', unit: TAN_LAP },
                  correlationId: randomUUID(),
                  occurredAt: BENCH_NOW,
                },
              },
            ],
            { expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1) },
          );
        }
      }),
    );
    const rawRate = (CLIENTS * RAW_APPENDS_PER_WRITER) / ((performance.now() - rawStarted) / 1000);

    writeLatencies.sort((a, b) => a - b);
    readLatencies.sort((a, b) => a - b);
    const commandsPerSecond = writeLatencies.length / apiSeconds;
    const result = {
      clients: CLIENTS,
      dossiers: plan.length,
      commands: writeLatencies.length,
      reads: readLatencies.length,
      failures,
      seconds: round(apiSeconds, 2),
      commandsPerSecond: round(commandsPerSecond),
      p50Ms: round(percentile(writeLatencies, 50), 2),
      p95Ms: round(percentile(writeLatencies, 95), 2),
      p99Ms: round(percentile(writeLatencies, 99), 2),
      readP99Ms: round(percentile(readLatencies, 99), 2),
      peakRssMiB: round(peakRss / 1024),
      serviceCpuMsPerCommand: round((serviceCpuSeconds * 1000) / writeLatencies.length, 2),
      serviceCpuShare: round(serviceCpuSeconds / apiSeconds, 2),
      rawAppendsPerSecond16Writers: round(rawRate),
      ratio: round(commandsPerSecond / rawRate, 3),
    };
    process.stdout.write(
      `API: ${result.commands} commands (+${result.reads} reads) over ${result.dossiers} dossiers by ${CLIENTS} clients in ${result.seconds} s\n` +
        `raw store: ${result.rawAppendsPerSecond16Writers} appends/s with ${CLIENTS} writers\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    clearInterval(sampler);
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    await admin.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.sql.query(`DROP SCHEMA IF EXISTS "${readModelSchema}" CASCADE`);
    await admin.sql.query(`DROP SCHEMA IF EXISTS "${rawSchema}" CASCADE`);
    await admin.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
