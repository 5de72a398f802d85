/**
 * A PostgreSQL cluster of a test's own, for fault tests that restart the database: `initdb` in a temporary folder,
 * `pg_ctl` on a free port, never the shared server. The binaries are found through `pg_config --bindir`; without
 * them `startPrivateCluster` resolves to `{ unavailable }` (the caller skips with a notice). PostgreSQL refuses to run as
 * root, so as root the cluster belongs to the `postgres` user (`runuser`). For tests only.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './freePort.js';

const run = promisify(execFile);

export interface PrivateCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  connectionString: string;
  /** with `archiveWal`: the folder the server archives its WAL segments to */
  walArchiveDir?: string | undefined;
  /** `pg_ctl restart -m fast`: every session is ended, the server is back when this resolves. */
  restart(): Promise<void>;
  /** `pg_ctl stop -m fast`: the server is away until `start`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  destroy(): Promise<void>;
}

async function binDir(): Promise<string | undefined> {
  try {
    const dir = (await run('pg_config', ['--bindir'])).stdout.trim();
    return existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  } catch {
    return undefined;
  }
}

/** Starts a fresh cluster, or says why it cannot (`{ unavailable }`) when PostgreSQL's binaries are missing. */
export async function startPrivateCluster(
  options: { archiveWal?: boolean } = {},
): Promise<PrivateCluster | { unavailable: string }> {
  const bin = await binDir();
  if (bin === undefined) return { unavailable: 'initdb/pg_ctl not found (pg_config --bindir)' };
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await postgresUser() : undefined;
  if (asRoot && owner === undefined) return { unavailable: 'running as root without a postgres user' };
  const dir = await mkdtemp(join(tmpdir(), 'ntm-pg-'));
  if (owner) await chown(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const tool = (name: string, args: string[]) =>
    owner ? run('runuser', ['-u', 'postgres', '--', join(bin, name), ...args]) : run(join(bin, name), args);
  // Unix socket in the folder, TCP on 127.0.0.1 only; fsync off: the data is thrown away.
  const walArchiveDir = options.archiveWal ? join(dir, 'wal-archive') : undefined;
  if (walArchiveDir) {
    await mkdir(walArchiveDir);
    if (owner) await chown(walArchiveDir, owner.uid, owner.gid);
  }
  const archiving = walArchiveDir ? ` -c archive_mode=on -c "archive_command=cp %p ${walArchiveDir}/%f"` : '';
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60${archiving}`;
  const pgCtl = (action: string, ...extra: string[]) =>
    tool('pg_ctl', [action, '-D', data, '-w', '-t', '60', '-l', join(dir, 'log'), ...extra]);
  try {
    await tool('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    await pgCtl('start', '-o', serverOptions);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  // A test run that ends without `destroy` (a failed hook, a timeout) must not leave a server behind.
  const stopOnExit = () => {
    const stop = [join(bin, 'pg_ctl'), 'stop', '-D', data, '-m', 'immediate'];
    try {
      if (owner) execFileSync('runuser', ['-u', 'postgres', '--', ...stop], { stdio: 'ignore' });
      else execFileSync(stop[0]!, stop.slice(1), { stdio: 'ignore' });
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopOnExit);
  return {
    connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
    walArchiveDir,
    restart: async () => {
      await pgCtl('restart', '-m', 'fast', '-o', serverOptions);
    },
    stop: async () => {
      await pgCtl('stop', '-m', 'fast');
    },
    start: async () => {
      await pgCtl('start', '-o', serverOptions);
    },
    destroy: async () => {
      process.off('exit', stopOnExit);
      await pgCtl('stop', '-m', 'immediate').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
