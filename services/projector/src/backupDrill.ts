/**
 * The backup-and-restore drill (issue 17; docs/operations.md): takes a base backup of the PostgreSQL database that
 * holds the events and read models (`pg_basebackup`, WAL streamed), restores it into a cluster of its own on a free
 * port — replaying the archived WAL up to its end when a WAL archive is given —, then checks what an operator must
 * know before trusting a restore: every event is there (recovery point: events lost since the drill began), every
 * stream's hash chain holds, and the restored read models equal a rebuild from the restored log. It reports the
 * restore's duration (recovery time). The restored cluster is stopped and removed unless `keep` is set.
 *
 * PostgreSQL refuses to run as root: as root, the restored cluster and its folders belong to the `postgres` user.
 */
import { execFile } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verifyChain, type RecordedEvent } from '@ntm/event-store';
import { compareReadModels, rebuild } from '@ntm/projections';
import { openPostgresStore } from '@ntm/store-postgres';

const run = promisify(execFile);

export interface DrillOptions {
  /** the live database (needs a replication connection: `host replication …` in pg_hba.conf) */
  sourceUrl: string;
  /** schema of the events and of the read models in it */
  eventsSchema: string;
  readModelSchema: string;
  /** the folder the source archives its WAL to (`archive_command`); without it, the base backup alone */
  walArchiveDir?: string | undefined;
  /** the folder under which the restored cluster's own folder is made; default the system's temporary folder */
  workDir?: string | undefined;
  /**
   * Runs after the base backup, before the restore: the writes a live system makes meanwhile (the tests append
   * events here, then make the source archive its WAL). Whatever is not in the archive by then counts as lost.
   */
  afterBaseBackup?: () => Promise<void>;
  /** the restored cluster's port on 127.0.0.1; default one the system says is free */
  port?: number | undefined;
  /** leave the restored cluster running (its URL is in the report) */
  keep?: boolean;
  onProgress?: (step: string) => void;
}

export interface DrillReport {
  baseBackupMs: number;
  /** from the start of the restore to the restored database answering: the recovery time measured */
  restoreMs: number;
  /** events in the source when the restore began, in the restore, and missing from it: the recovery point */
  events: { sourceAtRestore: number; restored: number; lost: number };
  chains: { streams: number; broken: { streamId: string; reason: string; revision: string }[] };
  readModels: { equal: boolean; rows: number; differences: number };
  ok: boolean;
  /** set with `keep`: the restored database */
  restoredUrl?: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Runs PostgreSQL's tools as `postgres` when this process is root (they refuse root). */
async function toolRunner(): Promise<{
  tool: (name: string, args: string[]) => Promise<{ stdout: string }>;
  own: (path: string) => Promise<void>;
}> {
  const bin = (await run('pg_config', ['--bindir'])).stdout.trim();
  if (process.getuid?.() !== 0)
    return { tool: (name, args) => run(join(bin, name), args), own: () => Promise.resolve() };
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return {
    tool: (name, args) => run('runuser', ['-u', 'postgres', '--', join(bin, name), ...args]),
    own: (path) => chown(path, Number(uid.stdout), Number(gid.stdout)),
  };
}

async function countEvents(url: string, schema: string): Promise<number> {
  const opened = await openPostgresStore({ connectionString: url, schema, maxConnections: 2 });
  try {
    const { rows } = await opened.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}".events`,
    );
    return rows[0]!.n;
  } finally {
    await opened.close();
  }
}

export async function runBackupDrill(o: DrillOptions): Promise<DrillReport> {
  const progress = o.onProgress ?? (() => undefined);
  const { tool, own } = await toolRunner();
  await mkdir(o.workDir ?? tmpdir(), { recursive: true });
  const work = await mkdtemp(join(o.workDir ?? tmpdir(), 'ntm-drill-'));
  await own(work);
  const data = join(work, 'data');
  const port = o.port ?? (await freePort());
  const serverOptions = `-p ${port} -k ${work} -c listen_addresses=127.0.0.1`;
  const pgCtl = (action: string, ...extra: string[]) =>
    tool('pg_ctl', [action, '-D', data, '-w', '-t', '120', '-l', join(work, 'log'), ...extra]);
  let started = false;
  try {
    progress('base backup');
    let t0 = performance.now();
    await tool('pg_basebackup', ['-d', o.sourceUrl, '-D', data, '-X', 'stream', '-c', 'fast', '--no-sync']);
    const baseBackupMs = performance.now() - t0;
    await o.afterBaseBackup?.();
    const sourceAtRestore = await countEvents(o.sourceUrl, o.eventsSchema);

    progress(o.walArchiveDir ? 'restore and WAL replay' : 'restore');
    t0 = performance.now();
    if (o.walArchiveDir) {
      // Archive recovery: replay every archived segment, then come up as a new timeline.
      await writeFile(
        join(data, 'postgresql.auto.conf'),
        `restore_command = 'cp "${o.walArchiveDir}/%f" "%p"'\nrecovery_target_timeline = 'latest'\n`,
        { flag: 'a' },
      );
      await writeFile(join(data, 'recovery.signal'), '');
      await own(join(data, 'recovery.signal'));
    }
    await pgCtl('start', '-o', serverOptions);
    started = true;
    // pg_ctl returns once read-only connections are accepted; the restore is done when recovery has ended.
    for (const deadline = Date.now() + 600_000; ;) {
      const answer = await tool('psql', [
        '-h',
        work,
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-Atc',
        'SELECT pg_is_in_recovery()',
      ]);
      if (answer.stdout.trim() === 'f') break;
      if (Date.now() > deadline) throw new Error('the restored database did not finish its recovery');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const restoredUrl = `postgres://postgres@127.0.0.1:${port}/${new URL(o.sourceUrl).pathname.slice(1) || 'postgres'}`;
    const restored = await openPostgresStore({ connectionString: restoredUrl, schema: o.eventsSchema });
    const restoreMs = performance.now() - t0;
    try {
      progress('hash chains');
      const streams = new Map<string, RecordedEvent[]>();
      let count = 0;
      for (let after = 0n; ;) {
        const page = await restored.store.readAll({ after, limit: 5000 });
        for (const event of page.events) {
          const list = streams.get(event.streamId) ?? [];
          list.push(event);
          streams.set(event.streamId, list);
          count++;
        }
        after = page.nextAfter;
        if (page.isEnd) break;
      }
      const broken: DrillReport['chains']['broken'] = [];
      for (const [streamId, events] of streams) {
        events.sort((a, b) => (a.revision < b.revision ? -1 : 1));
        const verdict = verifyChain(events);
        if (!verdict.ok)
          broken.push({ streamId, reason: verdict.reason, revision: String(verdict.firstBadRevision) });
      }

      progress('read models against a rebuild');
      const check = `${o.readModelSchema}_drill_check`;
      await rebuild(restored.store, restored.sql, { schema: check });
      const diff = await compareReadModels(
        { sql: restored.sql, schema: o.readModelSchema },
        { sql: restored.sql, schema: check },
      );
      await restored.sql.query(`DROP SCHEMA IF EXISTS "${check}" CASCADE`);
      const lost = Math.max(0, sourceAtRestore - count);
      const report: DrillReport = {
        baseBackupMs: Math.round(baseBackupMs),
        restoreMs: Math.round(restoreMs),
        events: { sourceAtRestore, restored: count, lost },
        chains: { streams: streams.size, broken },
        readModels: { equal: diff.equal, rows: diff.rows, differences: diff.differences.length },
        ok: lost === 0 && broken.length === 0 && diff.equal,
      };
      return o.keep ? { ...report, restoredUrl } : report;
    } finally {
      await restored.close();
    }
  } finally {
    if (!o.keep) {
      if (started) await pgCtl('stop', '-m', 'immediate').catch(() => undefined);
      await rm(work, { recursive: true, force: true });
    }
  }
}
