/**
 * `pnpm bench:documents`: issue 12's three document figures, each against a baseline of the same run.
 *
 * 1. Upload throughput: 8 concurrent clients upload 1 MiB files, then 20 MiB files, over HTTP (multipart, one
 *    dossier per client) to the service in a child process with the filesystem blob store (the embedded default);
 *    baseline: the same 8 clients writing the same bytes to plain files (a streamed write and an fsync, what a copy
 *    of a received file costs, as the blob store fsyncs too; kept, as the store keeps its files). Beside them, the
 *    upload floor: the same bytes posted raw to a bare route into the same kind of blob store (uploadFloorServer.ts),
 *    what receiving a file over HTTP and keeping it costs here with nothing else. Then the same with the S3 blob store
 *    against an S3 server in a process of its own (s3rver), the baseline one `PutObject` per file. The sides warm up,
 *    then run in alternating rounds (`alternated`). Goal: ≥ 0.7 of the baseline.
 * 2. Peak RSS of the service during one 200 MiB upload, generated as it is sent, above its RSS just before (idle);
 *    read from /proc/<pid>/status every 10 ms. Goal: < 100 MiB.
 * 3. Decision PDF generation (the real decision of a commune journey, Decree 30 layout, embedded fonts, QR code,
 *    the visible signature stamp) + PAdES signing with the development key, per document; baseline a plain SHA-256
 *    + RSA-2048 signature of the same bytes. Goal: p99 < 300 ms.
 *
 * Human lines on stderr, then one JSON line. BENCH_SMALL_FILES (1 MiB files per client, default 16, after 4 of each
 * side not counted), BENCH_SMALL_ROUNDS (the rounds they are split into, default 4), BENCH_LARGE_FILES (20 MiB files
 * per client, one per round, default 4, after 1 of each side not counted), BENCH_BIG_MIB (default 200), BENCH_DOCS
 * (default 200), BENCH_S3 (0 leaves out the S3 rounds).
 */
import { createHash, createPrivateKey, randomBytes, sign as rsaSign } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { dossierDocument, renderOfficialDocument, type DocumentLayout } from '@ntm/documents';
import { loadBacKan } from '@ntm/domain';
import {
  certificateNames,
  devSigningKeyFromBundle,
  generateDevSigningBundle,
  signPdf,
  verifyPdf,
} from '@ntm/signing';
import { communeJourney, freePort, journeyRecords, sendCommand, uploadDocumentFile } from '@ntm/testing';
import { benchCommunes, journeyFor } from './api/benchJourneys.js';
import { startBenchService, startChild, type BenchService } from './api/benchService.js';

const MiB = 1024 * 1024;
// The AWS SDK warns, once per process (the service's, the floor's, this one), that its releases after January 2027
// need Node 22: a notice for whoever upgrades the lockfile (docs/api.md), not a figure of this benchmark.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
const CLIENTS = 8;
const SMALL_FILES = Number(process.env['BENCH_SMALL_FILES'] ?? 16);
const SMALL_WARM_UP = 4;
/** the 1 MiB files' alternating rounds (each side's files per client split among them) */
const SMALL_ROUNDS = Number(process.env['BENCH_SMALL_ROUNDS'] ?? 4);
/** 20 MiB files per client, one per alternating round, after one of each side not counted */
const LARGE_FILES = Number(process.env['BENCH_LARGE_FILES'] ?? 4);
const BIG_MIB = Number(process.env['BENCH_BIG_MIB'] ?? 200);
const DOCS = Number(process.env['BENCH_DOCS'] ?? 200);
/** BENCH_S3=0 leaves out the S3 rounds */
const S3 = process.env['BENCH_S3'] !== '0';
const WARM_UP = 20;
const GOALS = { throughputRatio: 0.7, peakRssAboveIdleMiB: 100, signP99Ms: 300 };

const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!, 1);
  return { p50: at(0.5), p99: at(0.99), max: round(sorted.at(-1)!, 1) };
}

/**
 * A file of `size` bytes that sniffs as a PDF, unique by `tag` (the store would keep the same bytes once), as two
 * chunks: its own head, then a view of the shared filler. Not one joined buffer: a 1 MiB copy per file, and the
 * collections of this process's large heap that the copies brought on, cost the benchmark's clients 9–12 ms of
 * CPU per upload on the two cores the service runs on (docs/benchmarks.md). Both sides send or write these chunks.
 */
function pdfChunks(size: number, tag: string, filler: Buffer): [Buffer, Buffer] {
  const head = Buffer.from(`%PDF-1.7\n%${tag}\n`);
  return [head, filler.subarray(0, size - head.length)];
}

/** Opens one dossier per client with the first step of a commune journey; returns their ids and ETags. */
async function openDossiers(service: BenchService, count: number) {
  const { commune, district } = benchCommunes()[0]!;
  const open = journeyFor(commune, district)[0]!;
  const token = await service.tokenFor(open.ctx.actor);
  return Promise.all(
    Array.from({ length: count }, async () => {
      const answer = await sendCommand({ baseUrl: service.baseUrl, token, command: open.command });
      if (answer.status !== 201) throw new Error(`opening a dossier: ${answer.status}`);
      return {
        dossierId: answer.body['dossierId'] as string,
        etag: answer.etag ?? undefined,
        actor: open.ctx.actor,
      };
    }),
  );
}

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat (clock ticks of 10 ms). */
async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One side of a throughput comparison: a round of files `from` (inclusive) to `to` per client, and its CPU so far. */
interface Side {
  round(from: number, to: number): Promise<void>;
  /** CPU used so far (ms) by a process other than the benchmark's own (the service), or 0 */
  cpuMs(): Promise<number>;
}

/** Each of the CLIENTS, concurrently, writes its files `from` (inclusive) to `to`, one after the other. */
async function eachClient(from: number, to: number, write: (client: number, file: number) => Promise<void>) {
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let f = from; f < to; f++) await write(c, f);
    }),
  );
}

/** Uploads over HTTP: each of the CLIENTS uploads into a dossier of its own; the service's CPU is the side's. */
async function uploadSide(service: BenchService, size: number): Promise<Side> {
  const dossiers = await openDossiers(service, CLIENTS);
  const filler = randomBytes(size);
  const token = await service.tokenFor(dossiers[0]!.actor);
  return {
    round: (from, to) =>
      eachClient(from, to, async (c, f) => {
        const d = dossiers[c]!;
        const answer = await uploadDocumentFile({
          baseUrl: service.baseUrl,
          token,
          dossierId: d.dossierId,
          etag: d.etag,
          documentId: `doc-${size}-${f}`,
          documentKind: 'other',
          fileName: `tep-${f}.pdf`,
          content: pdfChunks(size, `up-${size}-${c}-${f}`, filler),
        });
        if (answer.status !== 201) throw new Error(`upload: ${answer.status} ${JSON.stringify(answer.body)}`);
        d.etag = answer.headers['etag'] as string;
      }),
    cpuMs: () => cpuMsOf(service.child.pid!),
  };
}

/**
 * The baseline: the same clients writing the same bytes to plain files, each fsynced (what a copy costs). The files
 * stay until the run ends, as the blob store's do: deleted at once, the next round's files took their freed blocks
 * and were written at up to twice the rate of new ones.
 */
function copySide(dir: string, size: number): Side {
  const filler = randomBytes(size);
  return {
    round: (from, to) =>
      eachClient(from, to, async (c, f) => {
        const path = join(dir, `copy-${size}-${c}-${f}`);
        const out = createWriteStream(path);
        const [head, rest] = pdfChunks(size, `${size}-${c}-${f}`, filler);
        out.write(head);
        out.end(rest);
        await once(out, 'finish');
        const handle = await open(path, 'r+');
        await handle.sync();
        await handle.close();
      }),
    cpuMs: () => Promise.resolve(0),
  };
}

/** POSTs the chunks as a raw body (chunked, as the uploads are sent); resolves with the status. */
function postRaw(url: URL, chunks: readonly Uint8Array[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/octet-stream' } },
      (res) => {
        res.resume();
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/**
 * The upload floor (uploadFloorServer.ts): the same clients posting the same bytes, raw, to a bare route into a blob
 * store opened from `env` as the service opens its own, in a process (and data folder) of its own.
 */
async function floorSide(
  env: Record<string, string>,
  size: number,
): Promise<Side & { stop(): Promise<void> }> {
  const port = await freePort();
  const floor = await startChild(new URL('./uploadFloorServer.js', import.meta.url), {
    ...env,
    PORT: String(port),
  });
  const url = new URL(`http://127.0.0.1:${port}/`);
  const filler = randomBytes(size);
  return {
    round: (from, to) =>
      eachClient(from, to, async (c, f) => {
        const status = await postRaw(url, pdfChunks(size, `floor-${size}-${c}-${f}`, filler));
        if (status !== 201) throw new Error(`the upload floor answered ${status}`);
      }),
    cpuMs: () => cpuMsOf(floor.child.pid!),
    stop: () => floor.stop(),
  };
}

/** Where the benchmark's S3 server listens (s3Server.ts). */
interface S3Server {
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** The blob store settings of the service and the floor for the S3 server (as an operator would set them). */
const s3Env = (s3: S3Server): Record<string, string> => ({
  BLOB_STORE: 's3',
  S3_BUCKET: s3.bucket,
  S3_ENDPOINT: s3.endpoint,
  S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
});

/**
 * The S3 baseline: the same clients writing the same bytes with one `PutObject` each, straight to the S3 server,
 * with the SDK configured as the S3 blob store configures it.
 */
function putObjectSide(s3: S3Server, size: number): Side {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: s3.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const filler = randomBytes(size);
  return {
    round: (from, to) =>
      eachClient(from, to, async (c, f) => {
        const key = `put-${size}-${c}-${f}`;
        await client.send(
          new PutObjectCommand({
            Bucket: s3.bucket,
            Key: key,
            Body: Readable.from(pdfChunks(size, key, filler)),
            ContentLength: size,
          }),
        );
      }),
    cpuMs: () => Promise.resolve(0),
  };
}

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** What one side cost over the counted rounds. */
interface Spent {
  seconds: number;
  /** CPU of the side's own process (the service or the floor), ms */
  cpuMs: number;
  /** CPU of the benchmark's process meanwhile (the side's clients, or the plain writes themselves), ms */
  clientCpuMs: number;
}

/**
 * The three sides in alternating rounds, `filesPerClient` each in all, split into `rounds`: upload, floor, plain write,
 * then plain write, floor, upload, and so on: this machine's speed swings within minutes, and in turns all sides see
 * the same swings. Measured once each, one after the other, with a cold baseline, 20 MiB gave 0.89–1.04 where this
 * gives 0.49–0.72 on the same code (docs/benchmarks.md). `warmUpPerClient` files per client of each side go first,
 * not counted: a service just started compiles its upload path while it serves them (with no warm-up the service's
 * CPU per 1 MiB file was a third higher than in a longer run), and the goal is about the steady rate.
 */
async function alternated(
  sides: { upload: Side; floor: Side; baseline: Side },
  size: number,
  filesPerClient: number,
  rounds: number,
  warmUpPerClient: number,
) {
  const order = [sides.upload, sides.floor, sides.baseline];
  for (const side of order) await side.round(0, warmUpPerClient);
  const spent = new Map<Side, Spent>(order.map((side) => [side, { seconds: 0, cpuMs: 0, clientCpuMs: 0 }]));
  const perRound = Math.ceil(filesPerClient / rounds);
  for (let r = 0, from = warmUpPerClient; r < rounds; r++, from += perRound) {
    const to = Math.min(from + perRound, warmUpPerClient + filesPerClient);
    for (const side of r % 2 === 0 ? order : [...order].reverse()) {
      const cpu0 = await side.cpuMs();
      const own0 = ownCpuMs();
      const t0 = performance.now();
      await side.round(from, to);
      const total = spent.get(side)!;
      total.seconds += (performance.now() - t0) / 1000;
      total.clientCpuMs += ownCpuMs() - own0;
      total.cpuMs += (await side.cpuMs()) - cpu0;
    }
  }
  const files = CLIENTS * filesPerClient;
  const up = spent.get(sides.upload)!;
  const floor = spent.get(sides.floor)!;
  const plain = spent.get(sides.baseline)!;
  return {
    files,
    rounds,
    mibPerSecond: round((files * size) / MiB / up.seconds),
    // What each upload cost the service's process (all its threads), whatever else ran on the machine.
    serviceCpuMsPerFile: round(up.cpuMs / files, 1),
    // What it cost the benchmark's own clients, on the same two cores (not the service's, but taken from it).
    clientCpuMsPerFile: round(up.clientCpuMs / files, 1),
    baselineMibPerSecond: round((files * size) / MiB / plain.seconds),
    baselineCpuMsPerFile: round(plain.clientCpuMs / files, 1),
    ratio: round(plain.seconds / up.seconds),
    // The bare route into the same blob store (uploadFloorServer.ts): what receiving a file over HTTP and keeping it
    // costs with nothing else; `ratio` is the plain writes' time over its own, `serviceToFloor` its time over the
    // service's. The service's `ratio` is the floor's times `serviceToFloor`.
    floor: {
      mibPerSecond: round((files * size) / MiB / floor.seconds),
      serverCpuMsPerFile: round(floor.cpuMs / files, 1),
      clientCpuMsPerFile: round(floor.clientCpuMs / files, 1),
      ratio: round(plain.seconds / floor.seconds),
    },
    serviceToFloor: round(floor.seconds / up.seconds),
  };
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** One big upload generated as it is sent; the service's RSS sampled every 10 ms against its RSS just before. */
async function bigUploadPeak(service: BenchService) {
  const [d] = await openDossiers(service, 1);
  const pid = service.child.pid!;
  const idle = await rssOf(pid);
  let peak = idle;
  const sampler = setInterval(() => {
    rssOf(pid).then(
      (rss) => (peak = Math.max(peak, rss)),
      () => undefined,
    );
  }, 10);
  const chunk = randomBytes(MiB);
  const hash = createHash('sha256');
  async function* generated(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < BIG_MIB; i++) {
      const next = Buffer.from(chunk);
      next.write(i === 0 ? '%PDF-1.7\n' : String(i), 0);
      hash.update(next);
      yield await Promise.resolve(next);
    }
  }
  const t0 = performance.now();
  const answer = await uploadDocumentFile({
    baseUrl: service.baseUrl,
    token: await service.tokenFor(d!.actor),
    dossierId: d!.dossierId,
    etag: d!.etag,
    documentId: 'scan',
    documentKind: 'other',
    fileName: 'ban-quet.pdf',
    content: generated(),
  }).finally(() => clearInterval(sampler));
  const seconds = (performance.now() - t0) / 1000;
  if (answer.status !== 201) throw new Error(`big upload: ${answer.status} ${JSON.stringify(answer.body)}`);
  if ((answer.body['file'] as { sha256: string }).sha256 !== hash.digest('hex'))
    throw new Error('big upload: the stored hash is not the sent bytes');
  return {
    mib: BIG_MIB,
    idleRssMiB: round(idle / MiB, 1),
    peakRssMiB: round(peak / MiB, 1),
    peakAboveIdleMiB: round((peak - idle) / MiB, 1),
    mibPerSecond: round(BIG_MIB / seconds),
  };
}

/** The real decision rendered with its stamp and signed, per document, against a bare RSA signature. */
async function decisionSigning() {
  const journey = communeJourney('ntm', 1);
  const events = journeyRecords('dossier-bench', journey.steps, {
    dossierCode: '06-240426-0001',
    decisionNo: '07/QĐ-UBND',
  });
  const doc = dossierDocument('decision', events, {
    units: loadBacKan(),
    verificationUrl: (id) => `https://ntm.example.vn/dossiers/${id}/verify`,
  })!;
  const bundlePem = await generateDevSigningBundle(new Date());
  const { key, trustAnchor } = devSigningKeyFromBundle(bundlePem);
  // The baseline signs with the same RSA-2048 key, bare: a SHA-256 and a PKCS#1 v1.5 signature.
  const privateKey = createPrivateKey(bundlePem);
  const names = certificateNames((await key.certificates())[0]!);
  const timings = {
    render: [] as number[],
    sign: [] as number[],
    total: [] as number[],
    baseline: [] as number[],
  };
  for (let i = 0; i < DOCS + WARM_UP; i++) {
    const signedAt = new Date(Date.UTC(2024, 4, 30, 3, 0, i));
    const t0 = performance.now();
    const layout: DocumentLayout = {};
    const pdf = await renderOfficialDocument({ ...doc, stamp: { ...names, signedAt } }, layout);
    const t1 = performance.now();
    const signed = await signPdf(pdf, key, {
      name: doc.authority,
      reason: doc.meta.title,
      location: doc.place,
      signingTime: signedAt,
      ...(layout.stampRect ? { widgetRect: layout.stampRect } : {}),
    });
    const t2 = performance.now();
    rsaSign('sha256', pdf, privateKey);
    const t3 = performance.now();
    if (i === 0) {
      const report = await verifyPdf(signed, { trustAnchors: [trustAnchor] });
      if (report.verdict !== 'valid') throw new Error(`the signed decision is ${report.verdict}`);
    }
    if (i < WARM_UP) continue;
    timings.render.push(t1 - t0);
    timings.sign.push(t2 - t1);
    timings.total.push(t2 - t0);
    timings.baseline.push(t3 - t2);
  }
  return {
    documents: DOCS,
    renderMs: summary(timings.render),
    signMs: summary(timings.sign),
    renderPlusSignMs: summary(timings.total),
    baselineSha256RsaSignMs: summary(timings.baseline),
  };
}

/** The 1 MiB and 20 MiB rounds against one blob store: the service's uploads, the floor's and the baseline's. */
async function throughput(
  store: string,
  service: BenchService,
  storeEnv: Record<string, string>,
  baselineOf: (size: number) => Side,
) {
  const sizes = [
    { size: MiB, files: SMALL_FILES, rounds: SMALL_ROUNDS, warmUp: SMALL_WARM_UP },
    { size: 20 * MiB, files: LARGE_FILES, rounds: LARGE_FILES, warmUp: 1 },
  ];
  const results = [];
  for (const { size, files, rounds, warmUp } of sizes) {
    const floor = await floorSide(storeEnv, size);
    try {
      const upload = await uploadSide(service, size);
      const r = await alternated({ upload, floor, baseline: baselineOf(size) }, size, files, rounds, warmUp);
      log(
        `${store}, ${size / MiB} MiB x ${CLIENTS} clients, ${rounds} alternating rounds: upload ${r.mibPerSecond} ` +
          `MiB/s, floor ${r.floor.mibPerSecond} MiB/s, baseline ${r.baselineMibPerSecond} MiB/s (ratio ${r.ratio}, ` +
          `floor ${r.floor.ratio}, service ÷ floor ${r.serviceToFloor}; CPU per file: service ` +
          `${r.serviceCpuMsPerFile} ms, its clients ${r.clientCpuMsPerFile} ms, floor ${r.floor.serverCpuMsPerFile} ` +
          `ms, baseline ${r.baselineCpuMsPerFile} ms)`,
      );
      results.push(r);
    } finally {
      await floor.stop();
    }
  }
  return { oneMiB: results[0]!, twentyMiB: results[1]! };
}

/**
 * The same rounds with the S3 blob store (`BLOB_STORE=s3`) against an S3 server in a process of its own (s3rver),
 * the baseline one `PutObject` per file straight to it.
 */
async function s3Throughput() {
  const server = await startChild(new URL('./s3Server.js', import.meta.url), {});
  const s3 = JSON.parse(server.line) as S3Server;
  try {
    const service = await startBenchService({
      ...s3Env(s3),
      DOCUMENT_MAX_DOSSIER_BYTES: String(1024 * 1024 * MiB),
    });
    try {
      return await throughput('S3', service, s3Env(s3), (size) => putObjectSide(s3, size));
    } finally {
      await service.stop();
    }
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const signing = await decisionSigning();
  log(
    `decision render + sign: p50 ${signing.renderPlusSignMs.p50} ms, p99 ${signing.renderPlusSignMs.p99} ms ` +
      `(render p50 ${signing.renderMs.p50} ms, sign p50 ${signing.signMs.p50} ms; bare RSA sign p50 ` +
      `${signing.baselineSha256RsaSignMs.p50} ms)`,
  );
  const service = await startBenchService({
    DOCUMENT_MAX_FILE_BYTES: String((BIG_MIB + 1) * MiB),
    DOCUMENT_MAX_DOSSIER_BYTES: String(1024 * 1024 * MiB),
  });
  const copies = await mkdtemp(join(tmpdir(), 'ntm-bench-copy-'));
  let fs: Awaited<ReturnType<typeof throughput>>;
  let big: Awaited<ReturnType<typeof bigUploadPeak>>;
  try {
    fs = await throughput('filesystem', service, {}, (size) => copySide(copies, size));
    big = await bigUploadPeak(service);
    log(
      `${BIG_MIB} MiB upload: service RSS ${big.idleRssMiB} -> peak ${big.peakRssMiB} MiB (+${big.peakAboveIdleMiB})`,
    );
  } finally {
    await service.stop();
    await rm(copies, { recursive: true, force: true });
  }
  const s3 = S3 ? await s3Throughput() : undefined;
  const meets = (r: { ratio: number }) => r.ratio >= GOALS.throughputRatio;
  const result = {
    bench: 'documents',
    clients: CLIENTS,
    upload1MiB: fs.oneMiB,
    upload20MiB: fs.twentyMiB,
    s3Upload1MiB: s3?.oneMiB ?? null,
    s3Upload20MiB: s3?.twentyMiB ?? null,
    bigUpload: big,
    decisionSigning: signing,
    goals: GOALS,
    met: {
      throughput: meets(fs.oneMiB) && meets(fs.twentyMiB),
      throughputS3: s3 ? meets(s3.oneMiB) && meets(s3.twentyMiB) : null,
      peakRss: big.peakAboveIdleMiB < GOALS.peakRssAboveIdleMiB,
      signP99: signing.renderPlusSignMs.p99 < GOALS.signP99Ms,
    },
  };
  console.log(JSON.stringify(result));
}

await main();
