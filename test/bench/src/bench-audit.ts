/**
 * `pnpm bench:audit`: the auditor's toolkit, each figure a ratio to a baseline measured in the same run.
 * 1. Offline bundle verification (signature, file hashes, every event hash and link, replay through the pinned
 *    machine) of AUDIT_EVENTS events (default 200,000, in 30-event dossiers), against plain SHA-256 over the same
 *    bundle bytes; and, as a second baseline, the floor no verifier can go under: that SHA-256 plus JSON.parse of
 *    each event line once (a replay needs the events parsed), which bounds the ratio any verifier can reach.
 * 2. Bundle export (read the stream from PostgreSQL, build, sign, tar) p99, against reading the stream alone.
 * 3. Checkpoint cost on the append path: appends/s at 8 writers with a checkpointer running vs
 *    without, in alternating rounds (a checkpoint every AUDIT_CHECKPOINT_MS, default 250 ms: 1,200 times the
 *    service's default rate).
 * Human lines first, then one JSON line.
 */
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  CheckpointStore,
  ephemeralSigner,
  exportBundle,
  FILES,
  makeCheckpoint,
  unpackTar,
  verifyBundle,
} from '@ntm/audit';
import { chainEvents, dossierStreamId, GENESIS_HASH, type NewEvent } from '@ntm/event-store';
import { openPostgresStore } from '@ntm/store-postgres';
import { sampleDossierEvents, uuidFor } from '@ntm/testing';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = Number(process.env['AUDIT_EVENTS'] ?? 200_000);
const EXPORTS = Number(process.env['AUDIT_EXPORTS'] ?? 300);
const roundSeconds = Number(process.env['BENCH_ROUND_SECONDS'] ?? 1.5);
const ROUNDS = 4;
/** a checkpoint every this many ms during the measured rounds (the service's default is every 300 s) */
const CHECKPOINT_MS = Number(process.env['AUDIT_CHECKPOINT_MS'] ?? 250);
const at = (i: number) => new Date(Date.UTC(2024, 2, 1 + i)).toISOString();
const NOW = new Date('2024-06-01T00:00:00Z');

const dossier = (id: string): NewEvent[] =>
  sampleDossierEvents({ id, communeCode: '01849', districtCode: '061', year: 2024 }, at).map((e, i) => ({
    ...e,
    eventId: uuidFor(id, i),
  }));

const p = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function verification() {
  const signer = await ephemeralSigner(new Date('2024-01-01T00:00:00Z'));
  const perDossier = dossier('x').length;
  const count = Math.ceil(EVENTS / perDossier);
  const bundles: Buffer[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = `v${i}`;
    const events = chainEvents(dossierStreamId(id), 0n, GENESIS_HASH, dossier(id)).map((e, k) => ({
      ...e,
      position: BigInt(i * perDossier + k + 1),
      recordedAt: at(k),
    }));
    bundles.push(await exportBundle({ dossierId: id, events, signer, exportedAt: NOW }));
  }
  const bytes = bundles.reduce((n, b) => n + b.length, 0);
  const trustedKeys = signer.published;
  const eventLines: string[][] = [];
  for (const b of bundles)
    eventLines.push(
      ((await unpackTar(b)).get(FILES.events)?.toString('utf8') ?? '').split('\n').filter((l) => l !== ''),
    );
  let sha = 0;
  let floor = 0;
  let verify = 0;
  // Alternate baseline and verification so that load from elsewhere falls on both.
  for (let round = 0; round < 2; round += 1) {
    let t = performance.now();
    for (const b of bundles) createHash('sha256').update(b).digest();
    sha += performance.now() - t;
    t = performance.now();
    bundles.forEach((b, i) => {
      createHash('sha256').update(b).digest();
      for (const line of eventLines[i]!) JSON.parse(line);
    });
    floor += performance.now() - t;
    t = performance.now();
    for (const b of bundles) {
      const report = await verifyBundle(b, { trustedKeys });
      if (!report.ok) throw new Error(`bundle failed: ${JSON.stringify(report.failures[0])}`);
    }
    verify += performance.now() - t;
  }
  const events = count * perDossier;
  const rate = (events * 2) / (verify / 1000);
  const baseline = (events * 2) / (sha / 1000);
  const floorRate = (events * 2) / (floor / 1000);
  log(`verification: ${count} bundles, ${events} events, ${(bytes / 1e6).toFixed(1)} MB`);
  log(
    `  verify ${Math.round(rate)} events/s; SHA-256 over the same bytes ${Math.round(baseline)} events/s; ratio ${(rate / baseline).toFixed(4)}`,
  );
  log(
    `  floor (that SHA-256 + JSON.parse of each event line) ${Math.round(floorRate)} events/s: no verifier can pass ${(floorRate / baseline).toFixed(3)} of SHA-256; verify / floor ${(rate / floorRate).toFixed(3)}`,
  );
  return {
    events,
    bundleMB: Number((bytes / 1e6).toFixed(1)),
    eventsPerSecond: Math.round(rate),
    sha256EventsPerSecond: Math.round(baseline),
    ratio: Number((rate / baseline).toFixed(4)),
    floorEventsPerSecond: Math.round(floorRate),
    floorRatio: Number((floorRate / baseline).toFixed(4)),
    ratioToFloor: Number((rate / floorRate).toFixed(4)),
  };
}

async function exportAndCheckpoints() {
  const schema = `bench_audit_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const opened = await openPostgresStore({ connectionString, schema, maxConnections: 12 });
  try {
    const signer = await ephemeralSigner(new Date('2024-01-01T00:00:00Z'));
    await opened.store.append(dossierStreamId('e'), dossier('e'), { expectedRevision: 'no_stream' });
    const readOnly: number[] = [];
    const exported: number[] = [];
    for (let i = 0; i < EXPORTS; i += 1) {
      let t = performance.now();
      await opened.store.readStream(dossierStreamId('e'));
      readOnly.push(performance.now() - t);
      t = performance.now();
      const events = await opened.store.readStream(dossierStreamId('e'));
      await exportBundle({ dossierId: 'e', events, signer, exportedAt: NOW });
      exported.push(performance.now() - t);
    }
    readOnly.sort((a, b) => a - b);
    exported.sort((a, b) => a - b);
    const exportP99 = p(exported, 0.99);
    const readP99 = p(readOnly, 0.99);
    log(
      `export (30-event dossier, ${EXPORTS} times): p50 ${p(exported, 0.5).toFixed(2)} ms, p99 ${exportP99.toFixed(2)} ms; read alone p99 ${readP99.toFixed(2)} ms; ratio ${(exportP99 / readP99).toFixed(2)}`,
    );

    const checkpoints = new CheckpointStore(opened.sql, schema);
    await checkpoints.migrate();
    let n = 0;
    const appendRound = async (withCheckpoints: boolean) => {
      let stop = false;
      let made = 0;
      const checkpointer = (async () => {
        while (withCheckpoints && !stop) {
          if (await makeCheckpoint({ store: opened.store, checkpoints, signer, now: NOW })) made += 1;
          await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_MS));
        }
      })();
      let appends = 0;
      const started = performance.now();
      const deadline = started + roundSeconds * 1000;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (performance.now() < deadline) {
            const id = `w${n++}`;
            const [first] = dossier(id);
            await opened.store.append(dossierStreamId(id), [first!], { expectedRevision: 'no_stream' });
            appends += 1;
          }
        }),
      );
      stop = true;
      await checkpointer;
      return { rate: appends / ((performance.now() - started) / 1000), made };
    };
    const without: number[] = [];
    const withCp: number[] = [];
    let made = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      without.push((await appendRound(false)).rate);
      const r = await appendRound(true);
      withCp.push(r.rate);
      made += r.made;
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ratio = mean(withCp) / mean(without);
    log(
      `appends at 8 writers: ${Math.round(mean(without))}/s without checkpoints, ${Math.round(mean(withCp))}/s with a checkpoint every ${CHECKPOINT_MS} ms (${made} checkpoints); ratio ${ratio.toFixed(3)}`,
    );
    return {
      export: {
        p50Ms: Number(p(exported, 0.5).toFixed(2)),
        p99Ms: Number(exportP99.toFixed(2)),
        readP99Ms: Number(readP99.toFixed(2)),
        ratio: Number((exportP99 / readP99).toFixed(2)),
      },
      checkpoints: {
        appendsPerSecondWithout: Math.round(mean(without)),
        appendsPerSecondWith: Math.round(mean(withCp)),
        checkpointsMade: made,
        ratio: Number(ratio.toFixed(3)),
      },
    };
  } finally {
    await opened.sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await opened.close();
  }
}

const verify = await verification();
const rest = await exportAndCheckpoints();
process.stdout.write(`${JSON.stringify({ bench: 'audit', verification: verify, ...rest })}\n`);
